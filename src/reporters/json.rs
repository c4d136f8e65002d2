//! `check --format json`, version 2:
//!
//! ```json
//! {"version": 2,
//!  "findings": [{"rule": "stale-flag", "severity": "error", "flag": "dark_mode",
//!                "file": "web/src/a.ts" | null, "line": 3 | null, "column": 5 | null,
//!                "message": "...", "help": "..."}],
//!  "summary": {"errors": 1, "warnings": 0, "infos": 0, "references": 12, "flags": 8,
//!              "files_scanned": 40, "service": "flagsmith", "project": "Web App",
//!              "environments": ["Development", "Production"], "source": "live",
//!              "suppressed": {"ignored_flags": 0, "inline": 1, "baseline": 0, "disabled_rules": 0},
//!              "unreadable": []}}
//! ```
//!
//! A finding about a flag with no reference (unused-flag) has null file, line and column.
//! Paths (`file`, `unreadable`) are relative to the working directory, as in every format.
//! Version 1 had them relative to the scanned folder: the same shape with another meaning,
//! hence the new version.

use std::io::Write;

use serde::Serialize;

use super::{repo_path, Run, Summary};

pub const VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<FindingJson<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    rule: &'a str,
    severity: &'a str,
    flag: Option<&'a str>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: &'a str,
}

pub fn report(out: &mut dyn Write, run: &Run) -> anyhow::Result<()> {
    let findings = run
        .findings
        .iter()
        .map(|f| FindingJson {
            rule: f.rule,
            severity: f.severity.as_str(),
            flag: f.flag.as_deref(),
            file: f.location.as_ref().map(|l| repo_path(run, &l.file)),
            line: f.location.as_ref().map(|l| l.line),
            column: f.location.as_ref().map(|l| l.column),
            message: &f.message,
            help: &f.help,
        })
        .collect();
    let mut summary = run.summary.clone();
    for file in &mut summary.unreadable {
        *file = repo_path(run, file);
    }
    let document = Document {
        version: VERSION,
        findings,
        summary: &summary,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}
