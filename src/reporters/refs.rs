//! `flaglint refs` output.
//!
//! Text groups references by flag, dynamic ones last, with a summary line.
//! JSON (`--format json`) is versioned; version 1 is:
//!
//! ```json
//! {"version": 1, "root": ".",
//!  "references": [{"key": "dark_mode" | null,
//!                  "dynamic": null | {"expression": "`exp_${name}`", "prefix": "exp_" | null},
//!                  "file": "src/a.ts", "line": 3, "column": 5,
//!                  "sdk": "flagsmith", "kind": "call" | "hook" | "member" | "jsx" | "default",
//!                  "shape": "flagsmith.hasFeature()"}],
//!  "summary": {"references": 1, "flags": 1, "dynamic": 0, "files_scanned": 10, "files_parsed": 2,
//!              "syntax_errors": [], "skipped": [{"file": "big.js", "reason": "too-large", ...}],
//!              "errors": []}}
//! ```
//! Paths are relative to `root` and `/`-separated; references are sorted by file, line, column.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::plural;
use crate::reference::Reference;
use crate::scan::ScanResult;

/// Version 2 added `via`, the app's helpers a read goes through (absent for direct reads),
/// so a version 1 document is a version 2 document without helpers.
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

pub fn json(out: &mut dyn Write, root: &str, scan: &ScanResult) -> io::Result<()> {
    let summary = serde_json::json!({
        "references": scan.references.len(),
        "flags": distinct_keys(&scan.references),
        "dynamic": scan.references.iter().filter(|r| r.key.is_none()).count(),
        "files_scanned": scan.files_scanned,
        "files_parsed": scan.files_parsed,
        "syntax_errors": scan.syntax_errors,
        "skipped": scan.skipped,
        "errors": scan.errors,
    });
    let document = RefsDocument {
        version: JSON_VERSION,
        root: root.to_string(),
        references: scan.references.clone(),
        summary: Some(summary),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

pub fn text(out: &mut dyn Write, scan: &ScanResult, quiet: bool) -> io::Result<()> {
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

fn distinct_keys(references: &[Reference]) -> usize {
    references
        .iter()
        .filter_map(|r| r.key.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}
