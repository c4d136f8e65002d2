//! `flaglint refs` output.
//!
//! Text groups references by flag, dynamic ones last, with a summary line.
//! JSON (`--format json`) is versioned; version 2 is:
//!
//! ```json
//! {"version": 2, "root": "web",
//!  "references": [{"key": "dark_mode" | null,
//!                  "dynamic": null | {"expression": "`exp_${name}`", "prefix": "exp_" | null},
//!                  "file": "web/src/a.ts", "line": 3, "column": 5,
//!                  "sdk": "flagsmith", "kind": "call" | "hook" | "member" | "jsx" | "default",
//!                  "shape": "flagsmith.hasFeature()"}],
//!  "summary": {"references": 1, "flags": 1, "dynamic": 0, "files_scanned": 10, "files_parsed": 2,
//!              "syntax_errors": [], "grammar_limits": [{"file": "web/Nav.jsx", "line": 3}],
//!              "skipped": [{"file": "web/big.js", "reason": "too-large", ...}],
//!              "errors": []}}
//! ```
//! Paths are relative to the working directory, as in every format, and `/`-separated;
//! `root` is the scanned folder as given (`.` for files or several paths). Version 1 had
//! the paths relative to `root`: the same shape with another meaning, hence the new
//! version; `report --refs` reads both ([`RefsDocument::root_relative`]). References are
//! sorted by file, line, column.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::plural;
use crate::reference::Reference;
use crate::scan::{FileError, GrammarLimit, ScanResult, Skipped};

/// Version 2: `file` is relative to the working directory (it was relative to `root`), and
/// `via` names the app's helpers a read goes through (absent for direct reads).
pub const JSON_VERSION: u32 = 2;

/// The versions `report --refs` reads.
pub const READABLE_VERSIONS: [u32; 2] = [1, 2];

#[derive(Serialize, Deserialize)]
pub struct RefsDocument {
    pub version: u32,
    pub root: String,
    pub references: Vec<Reference>,
    #[serde(default, skip_deserializing)]
    pub summary: Option<serde_json::Value>,
}

impl RefsDocument {
    /// The references with paths relative to `root`, whichever version wrote them.
    pub fn root_relative(self) -> Vec<Reference> {
        let root = self.root.trim_start_matches("./").trim_end_matches('/');
        if self.version < 2 || root.is_empty() || root == "." {
            return self.references;
        }
        let prefix = format!("{root}/");
        self.references
            .into_iter()
            .map(|mut reference| {
                if let Some(rest) = reference.file.strip_prefix(&prefix) {
                    reference.file = rest.to_string();
                }
                reference
            })
            .collect()
    }
}

/// The scan with every path relative to the working directory (they are relative to
/// `root`): what both formats print.
fn from_cwd(root: &Path, scan: &ScanResult) -> ScanResult {
    let path = |file: &str| crate::paths::from_cwd(root, file);
    ScanResult {
        references: scan
            .references
            .iter()
            .map(|r| Reference {
                file: path(&r.file),
                ..r.clone()
            })
            .collect(),
        files_scanned: scan.files_scanned,
        files_parsed: scan.files_parsed,
        syntax_errors: scan.syntax_errors.iter().map(|f| path(f)).collect(),
        grammar_limits: scan
            .grammar_limits
            .iter()
            .map(|g| GrammarLimit {
                file: path(&g.file),
                ..g.clone()
            })
            .collect(),
        skipped: scan
            .skipped
            .iter()
            .map(|s| Skipped {
                file: path(&s.file),
                ..s.clone()
            })
            .collect(),
        errors: scan
            .errors
            .iter()
            .map(|e| FileError {
                file: path(&e.file),
                ..e.clone()
            })
            .collect(),
        modules_loaded: scan.modules_loaded,
        // Not printed: --stats and init read them from the scan itself.
        helpers: Vec::new(),
        map_helpers: Vec::new(),
        stats: scan.stats.clone(),
    }
}

/// `root_display`: the scanned folder as the user named it; `root`: the folder the scan's
/// paths are relative to.
pub fn json(
    out: &mut dyn Write,
    root_display: &str,
    root: &Path,
    scan: &ScanResult,
) -> io::Result<()> {
    let scan = &from_cwd(root, scan);
    let summary = serde_json::json!({
        "references": scan.references.len(),
        "flags": distinct_keys(&scan.references),
        "dynamic": scan.references.iter().filter(|r| r.key.is_none()).count(),
        "files_scanned": scan.files_scanned,
        "files_parsed": scan.files_parsed,
        "syntax_errors": scan.syntax_errors,
        "grammar_limits": scan.grammar_limits,
        "skipped": scan.skipped,
        "errors": scan.errors,
    });
    let document = RefsDocument {
        version: JSON_VERSION,
        root: root_display.to_string(),
        references: scan.references.clone(),
        summary: Some(summary),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

pub fn text(out: &mut dyn Write, root: &Path, scan: &ScanResult, quiet: bool) -> io::Result<()> {
    let scan = &from_cwd(root, scan);
    let mut by_key: BTreeMap<&str, Vec<&Reference>> = BTreeMap::new();
    let mut dynamic = Vec::new();
    for reference in &scan.references {
        match &reference.key {
            Some(key) => by_key.entry(key).or_default().push(reference),
            None => dynamic.push(reference),
        }
    }
    for (key, references) in &by_key {
        writeln!(out, "{key} ({})", plural(references.len(), "reference"))?;
        for r in references {
            writeln!(
                out,
                "  {}:{}:{}  {}  {}  {}{}",
                r.file,
                r.line,
                r.column,
                r.sdk,
                r.kind,
                r.shape,
                via(r)
            )?;
        }
        writeln!(out)?;
    }
    if !dynamic.is_empty() {
        writeln!(out, "dynamic keys ({})", plural(dynamic.len(), "reference"))?;
        for r in &dynamic {
            let Some(d) = &r.dynamic else { continue };
            let prefix = d
                .prefix
                .as_ref()
                .map(|p| format!("  prefix {p:?}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {}:{}:{}  {}  {}  {}  key: {}{prefix}{}",
                r.file,
                r.line,
                r.column,
                r.sdk,
                r.kind,
                r.shape,
                d.expression,
                via(r)
            )?;
        }
        writeln!(out)?;
    }
    if quiet {
        return Ok(());
    }
    summary(out, scan)
}

fn summary(out: &mut dyn Write, scan: &ScanResult) -> io::Result<()> {
    let files = scan
        .references
        .iter()
        .map(|r| r.file.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    writeln!(
        out,
        "{} to {} in {} ({} scanned, {} parsed)",
        plural(scan.references.len(), "reference"),
        plural(distinct_keys(&scan.references), "flag"),
        plural(files, "file"),
        plural(scan.files_scanned, "file"),
        scan.files_parsed,
    )?;
    if scan.files_scanned == 0 {
        writeln!(
            out,
            "note: no JavaScript or TypeScript files found (.js .jsx .mjs .cjs .ts .tsx .mts .cts)"
        )?;
    }
    for file in &scan.syntax_errors {
        writeln!(
            out,
            "note: {file}: syntax errors; references in the valid parts are listed"
        )?;
    }
    for limit in &scan.grammar_limits {
        writeln!(out, "note: {}", grammar_limit_note(limit))?;
    }
    for skipped in &scan.skipped {
        let why = match &skipped.reason {
            crate::scan::SkipReason::TooLarge { bytes, limit } => {
                format!("{bytes} bytes, over the {limit}-byte limit (scan.max_file_size)")
            }
            crate::scan::SkipReason::Binary => "binary".to_string(),
            crate::scan::SkipReason::NotUtf8 => "not UTF-8".to_string(),
        };
        writeln!(out, "note: skipped {}: {why}", skipped.file)?;
    }
    Ok(())
}

/// `  via Utils.getFlagsmithHasFeature`, for a read through the app's helpers.
fn via(reference: &Reference) -> String {
    if reference.via.is_empty() {
        String::new()
    } else {
        format!("  via {}", reference.via.join(" > "))
    }
}

/// What a grammar limit means for the file, for notes.
pub fn grammar_limit_note(limit: &GrammarLimit) -> String {
    format!(
        "{}:{}: a bare `&` in JSX text, valid JSX that the tree-sitter grammar rejects \
         (tree-sitter-javascript#366); references in the rest of the file are listed",
        limit.file, limit.line
    )
}

fn distinct_keys(references: &[Reference]) -> usize {
    references
        .iter()
        .filter_map(|r| r.key.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}
