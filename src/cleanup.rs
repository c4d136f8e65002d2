//! `flaglint report`: the periodic cleanup report (Markdown and self-contained HTML).
//!
//! Every flag of the service with owner, created, last change, age, state per environment,
//! references and places, a status and a suggested action, sorted so that the cheapest
//! wins come first; then the keys the code reads that the service does not know.
//!
//! ```text
//! references: a scan of PATH...            flags: the configured source (as `check`)
//!         or: --refs a.json --refs b.json
//!                     \                          /
//!                      rules (the same findings as `check`)
//!                                  |
//!          model::Report (verdict -> status and action, sorted)
//!                                  |
//!             git: blame per place, first-seen date per key (optional)
//!                                  |
//!                      markdown | html (one file, inline SVG charts)
//! ```
//!
//! `--refs` merges `flaglint refs --format json` documents from several repositories that
//! share one flag project, so "unused" means unused by all of them. Paths are prefixed
//! with each document's root (or, when the root is `.`, its file name) to keep them apart.
//! Statuses are Flagsmith's lifecycle names; [`model::Status`] documents the mapping.

mod git;
mod html;
mod markdown;
mod model;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};
use jiff::Timestamp;

use crate::cli::{relative_to_cwd, CommonArgs, ScanArgs, ScanContext};
use crate::config::Config;
use crate::reference::Reference;
use crate::report::refs::{plural, RefsDocument, JSON_VERSION};
use crate::rules::{self, Settings};
use crate::source::{Origin, SourcePlan};

pub use model::{Action, Report, Status, Verdict};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format: Markdown, or one self-contained HTML file with charts.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Merge this `flaglint refs --format json` document instead of scanning (repeatable:
    /// one per repository sharing the flag project).
    #[arg(long = "refs", value_name = "FILE")]
    pub refs: Vec<PathBuf>,
    /// Judge ages as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<Timestamp>,
    /// Read only the snapshot `flaglint pull` wrote; never the network.
    #[arg(long)]
    pub offline: bool,
    /// Leave out git blame authors and first-seen dates, even in a git work tree.
    #[arg(long)]
    pub no_git: bool,
}

fn parse_now(text: &str) -> Result<Timestamp, String> {
    crate::flag::parse_time(text).ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// Where the references come from.
struct Code {
    references: Vec<Reference>,
    /// For the header: "scan of demo (6 files)".
    description: String,
    /// The scan root, for git; None when merging documents.
    root: Option<PathBuf>,
    /// Files that could not be read: the report is partial.
    unreadable: Vec<String>,
    notes: Vec<String>,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let scanning = args.refs.is_empty();
    if !scanning
        && (!args.scan.paths.is_empty()
            || !args.scan.include.is_empty()
            || !args.scan.exclude.is_empty())
    {
        bail!("give either PATHs to scan or --refs documents to merge, not both");
    }
    // Config mistakes surface before any file is read or any request is made.
    let context = if scanning {
        Some(ScanContext::new(&args.scan, &args.common)?)
    } else {
        None
    };
    let discovered;
    let config = match &context {
        Some(context) => &context.config,
        None => {
            let cwd = std::env::current_dir().context("cannot read the current folder")?;
            discovered = Config::discover(args.common.config.as_deref(), &cwd)?;
            &discovered
        }
    };
    let plan = SourcePlan::from_config(config)?;
    let ignore = crate::check::ignore_globs(&config.rules.ignore)?;
    let documents = if scanning {
        None
    } else {
        Some(merge(&args.refs)?)
    };
    let (flags, origin) = crate::cli::load_flags(&plan, config, args.offline)?;
    let code = match (&context, documents) {
        (Some(context), _) => {
            let result = context.run()?;
            let mut notes = Vec::new();
            if result.files_scanned == 0 {
                notes.push("no JavaScript or TypeScript files were found to scan".to_string());
            }
            for file in &result.syntax_errors {
                notes.push(format!(
                    "{file} has syntax errors; references in its valid parts are counted"
                ));
            }
            Code {
                description: format!(
                    "scan of {} ({}, {})",
                    context.root_display,
                    plural(result.files_scanned, "file"),
                    plural(result.references.len(), "reference")
                ),
                references: result.references,
                root: Some(context.options.root.clone()),
                unreadable: result
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.file, e.message))
                    .collect(),
                notes,
            }
        }
        (None, Some(code)) => code,
        (None, None) => unreachable!("either a scan or documents"),
    };

    let now = args.now.unwrap_or_else(Timestamp::now);
    let settings = Settings::from_config(config, &flags, now);
    let rule_context = rules::Context::new(&code.references, &flags, &settings);
    let findings = rules::check(&rule_context);
    let meta = model::Meta {
        flag_source: describe_origin(&origin),
        code_source: code.description.clone(),
    };
    let mut report = model::build(&rule_context, &findings, &ignore, meta);
    report.notes.extend(code.notes.iter().cloned());
    for failure in &code.unreadable {
        report
            .notes
            .push(format!("could not read {failure}: this report is partial"));
    }
    match &code.root {
        Some(_) if args.no_git => {}
        Some(root) => {
            let threads = args
                .common
                .threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            git::annotate(&mut report, root, threads.max(1));
        }
        None if !args.no_git => report.notes.push(
            "merged --refs documents: no git blame or first-seen dates (run the report inside one repository for those)"
                .to_string(),
        ),
        None => {}
    }

    let mut out: Box<dyn Write> = match &args.common.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match args.format {
        ReportFormat::Markdown => markdown::write(&mut out, &report)?,
        ReportFormat::Html => html::write(&mut out, &report)?,
    }
    out.flush()?;
    if let (Some(path), false) = (&args.common.output, args.common.quiet) {
        let counts: Vec<String> = report
            .totals()
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(status, n)| format!("{n} {}", status.name()))
            .collect();
        eprintln!(
            "wrote {}: {} ({})",
            path.display(),
            plural(report.flags.len(), "flag"),
            counts.join(", ")
        );
    }
    for failure in &code.unreadable {
        eprintln!("warning: {failure}");
    }
    // A partial answer is never reported as a clean one.
    Ok(if code.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The line under the title: when, which service and project, where flags and code came from.
pub(crate) fn header_line(report: &Report) -> String {
    let mut parts = vec![format!("Generated {}", rules::date(report.now))];
    let project = report
        .project
        .as_deref()
        .map(|p| format!(" project {p:?}"))
        .unwrap_or_default();
    parts.push(format!("{}{project}", report.service));
    if !report.environments.is_empty() {
        parts.push(format!(
            "{}: {}",
            if report.environments.len() == 1 {
                "environment"
            } else {
                "environments"
            },
            report.environments.join(", ")
        ));
    }
    parts.push(format!("flags from {}", report.flag_source));
    parts.push(format!("code: {}", report.code_source));
    parts.push(format!("stale after {} days", report.stale_after_days));
    parts.join(" · ")
}

fn describe_origin(origin: &Origin) -> String {
    match origin {
        Origin::Live => "the live service".to_string(),
        Origin::File(path) => format!("file {}", relative_to_cwd(path)),
        Origin::Snapshot { path, age } => format!("snapshot {} ({age})", relative_to_cwd(path)),
    }
}

/// Reads and merges `refs --format json` documents, each file's paths under its own label.
fn merge(paths: &[PathBuf]) -> Result<Code> {
    let mut references = Vec::new();
    let mut labels: BTreeSet<String> = BTreeSet::new();
    let mut described = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the refs document {}", path.display()))?;
        let document: RefsDocument = serde_json::from_str(&text).map_err(|err| {
            anyhow::anyhow!(
                "{}:{}:{}: not a `flaglint refs --format json` document: {err}",
                path.display(),
                err.line(),
                err.column()
            )
        })?;
        if document.version != JSON_VERSION {
            bail!(
                "{}: refs document version {} is not supported (this flaglint reads version {JSON_VERSION}); write it again with this flaglint",
                path.display(),
                document.version
            );
        }
        let mut label = label_of(&document.root, path);
        if labels.contains(&label) {
            let base = label.clone();
            let mut n = 2;
            while labels.contains(&label) {
                label = format!("{base}-{n}");
                n += 1;
            }
        }
        labels.insert(label.clone());
        described.push(format!(
            "{} as {label}/ ({})",
            path.display(),
            plural(document.references.len(), "reference")
        ));
        for mut reference in document.references {
            reference.file = format!("{label}/{}", reference.file);
            references.push(reference);
        }
    }
    references.sort();
    Ok(Code {
        description: format!(
            "{} merged: {}",
            plural(paths.len(), "refs document"),
            described.join(", ")
        ),
        references,
        root: None,
        unreadable: Vec::new(),
        notes: Vec::new(),
    })
}

/// The document's root when it names a folder, else the file name without `.json`.
fn label_of(root: &str, path: &Path) -> String {
    let root = root.trim().trim_start_matches("./").trim_end_matches('/');
    if !root.is_empty() && root != "." {
        return root.to_string();
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    name.strip_suffix(".json").unwrap_or(&name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_the_root_or_the_file_name() {
        assert_eq!(label_of(".", Path::new("ci/shop-web.json")), "shop-web");
        assert_eq!(
            label_of("./services/api/", Path::new("a.json")),
            "services/api"
        );
        assert_eq!(label_of("", Path::new("refs")), "refs");
    }
}
