//! Reporters: one file per output format. `refs` prints references; every other format
//! prints a [`Run`] of `check` through [`report`], picked by one `match` on [`Format`].

pub mod json;
pub mod refs;
pub mod text;

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::check::Suppressed;
use crate::rules::{Finding, Severity};

/// Everything a `check` reporter shows.
pub struct Run {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Where the scanned files are, to read code frames from.
    pub root: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub references: usize,
    pub flags: usize,
    pub files_scanned: usize,
    /// "flagsmith", "file", ...
    pub service: String,
    pub project: Option<String>,
    pub environments: Vec<String>,
    /// Where the flags came from: "live", "snapshot .flaglint/snapshot.json (3 min old)", a file.
    pub source: String,
    pub suppressed: Suppressed,
    /// Files that could not be read: the answer is partial.
    pub unreadable: Vec<String>,
}

impl Summary {
    pub fn count(findings: &[Finding]) -> (usize, usize, usize) {
        let of = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        (
            of(Severity::Error),
            of(Severity::Warning),
            of(Severity::Info),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn report(format: Format, out: &mut dyn Write, run: &Run, color: bool) -> anyhow::Result<()> {
    match format {
        Format::Text => text::report(out, run, color),
        Format::Json => json::report(out, run),
    }
}
