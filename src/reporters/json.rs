//! `check --format json`, version 1:
//!
//! ```json
//! {"version": 1,
//!  "findings": [{"rule": "stale-flag", "severity": "error", "flag": "dark_mode",
//!                "file": "src/a.ts" | null, "line": 3 | null, "column": 5 | null,
//!                "message": "...", "help": "..."}],
//!  "summary": {"errors": 1, "warnings": 0, "infos": 0, "references": 12, "flags": 8,
//!              "files_scanned": 40, "service": "flagsmith", "project": "Web App",
//!              "environments": ["Development", "Production"], "source": "live",
//!              "suppressed": {"ignored_flags": 0, "inline": 1, "baseline": 0, "disabled_rules": 0},
//!              "unreadable": []}}
//! ```
//! A finding about a flag with no reference (unused-flag) has null file, line and column.

use std::io::Write;

use serde::Serialize;

use super::{Run, Summary};

pub const VERSION: u32 = 1;

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
    file: Option<&'a str>,
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
            file: f.location.as_ref().map(|l| l.file.as_str()),
            line: f.location.as_ref().map(|l| l.line),
            column: f.location.as_ref().map(|l| l.column),
            message: &f.message,
            help: &f.help,
        })
        .collect();
    let document = Document {
        version: VERSION,
        findings,
        summary: &run.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)?;
    Ok(())
}
