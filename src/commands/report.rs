//! `flaglint report`: the cleanup report, from a scan of PATH... or from merged
//! `flaglint refs --format json` documents (`--refs`), against the configured flag source.
//! [`crate::cleanup`] holds the report's model and renderers.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, ValueEnum};
use jiff::Timestamp;

use super::{as_given, parse_now, CommonArgs, ScanArgs, ScanContext};
use crate::cleanup::{history, html, markdown, model};
use crate::config::Config;
use crate::exemptions;
use crate::reference::Reference;
use crate::reporters::plural;
use crate::reporters::refs::{RefsDocument, JSON_VERSION, READABLE_VERSIONS};
use crate::rules::{self, Settings};
use crate::source::{self, SourcePlan};

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
    let ignore = exemptions::ignore_globs(&config.rules.ignore)?;
    let documents = if scanning {
        None
    } else {
        Some(merge(&args.refs)?)
    };
    let (flags, origin) = source::load_flags(&plan, config, args.offline)?;
    let code = match (&context, documents) {
        (Some(context), _) => {
            let result = context.run()?;
            let mut notes = Vec::new();
            if result.files_scanned == 0 {
                notes.push("no JavaScript or TypeScript files were found to scan".to_string());
            }
            let root = &context.options.root;
            for file in &result.syntax_errors {
                notes.push(format!(
                    "{} has syntax errors; references in its valid parts are counted",
                    crate::paths::from_cwd(root, file)
                ));
            }
            for limit in &result.grammar_limits {
                notes.push(crate::reporters::refs::grammar_limit_note(
                    &crate::scan::GrammarLimit {
                        file: crate::paths::from_cwd(root, &limit.file),
                        line: limit.line,
                    },
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
                    .map(|e| format!("{}: {}", crate::paths::from_cwd(root, &e.file), e.message))
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
        flag_source: as_given(origin).to_string(),
        code_source: code.description.clone(),
        // Merged documents' paths are already under their labels.
        code_root: code.root.clone().unwrap_or_else(|| PathBuf::from(".")),
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
        Some(root) => history::annotate(&mut report, root, args.common.threads()),
        None if !args.no_git => report.notes.push(
            "merged --refs documents: no git blame or first-seen dates (run the report inside one repository for those)"
                .to_string(),
        ),
        None => {}
    }

    // Blamed by their path in the scan; shown, as in every output, from the working
    // directory.
    if let Some(root) = &code.root {
        for place in history::all_places_mut(&mut report) {
            place.file = crate::paths::from_cwd(root, &place.file);
        }
    }
    let mut out = args.common.output()?;
    match args.format {
        ReportFormat::Markdown => markdown::write(&mut out, &report)?,
        ReportFormat::Html => html::write(&mut out, &report)?,
    }
    out.flush()?;
    if let (Some(path), false) = (&args.common.output, args.common.quiet) {
        // Flags by status, then the undefined keys: together the Totals table's "all".
        let counts: Vec<String> = report
            .totals()
            .iter()
            .filter(|(status, n)| *n > 0 && *status != model::Status::Undefined)
            .map(|(status, n)| format!("{n} {}", status.name()))
            .collect();
        let undefined = match report.undefined.len() {
            0 => String::new(),
            n => format!(" and {}", plural(n, "undefined key")),
        };
        eprintln!(
            "wrote {}: {}{undefined} ({})",
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
        ExitCode::from(super::EXIT_FAILURE)
    })
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
        if !READABLE_VERSIONS.contains(&document.version) {
            bail!(
                "{}: refs document version {} is not supported (this flaglint reads versions up to {JSON_VERSION}); write it again with this flaglint",
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
        for mut reference in document.root_relative() {
            reference.file = format!("{label}/{}", reference.file);
            references.push(reference);
        }
    }
    references.sort();
    let description = match described.as_slice() {
        [one] => format!("the refs document {one}"),
        _ => format!(
            "{} merged: {}",
            plural(paths.len(), "refs document"),
            described.join(", ")
        ),
    };
    Ok(Code {
        description,
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
