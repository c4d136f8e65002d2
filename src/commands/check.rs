//! `flaglint check`: scan, read the flags, run the rules, apply the exemptions, report,
//! and exit 1 when a finding reaches `--fail-on`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jiff::Timestamp;

use super::{
    as_given, parse_now, warn_errors, CommonArgs, ScanArgs, ScanContext, EXIT_FAILURE,
    EXIT_FINDINGS,
};
use crate::exemptions::{self, Baseline};
use crate::finding::Severity;
use crate::lines::SourceLines;
use crate::reporters::{self, plural, Format, Run, Summary};
use crate::rules::{self, Settings};
use crate::scan::ScanResult;
use crate::source::{self, SourcePlan};
use crate::walk::Files;

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Read only the snapshot `flaglint pull` wrote; never the network.
    #[arg(long)]
    pub offline: bool,
    /// Leave out findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as the baseline, then exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Judge ages as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<Timestamp>,
    /// Print the documentation of a rule and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// Check only files staged for commit (pre-commit); unused-flag needs the whole code, so it is off.
    #[arg(long, conflicts_with = "changed_since")]
    pub staged: bool,
    /// Check only files changed since this git revision (pull requests); unused-flag is off.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    #[command(flatten)]
    pub upload: super::upload::UploadArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    if let Some(id) = &args.explain {
        let rule = rules::rule(id).with_context(|| {
            let ids: Vec<_> = rules::RULES.iter().map(|r| r.id).collect();
            format!("unknown rule {id:?}; rules: {}", ids.join(", "))
        })?;
        print!("{}", rule.explain());
        return Ok(ExitCode::SUCCESS);
    }
    let mut context = ScanContext::new(&args.scan, &args.common)?;
    // --staged / --changed-since: the same scan, over the changed files only.
    let changed_only = args.staged || args.changed_since.is_some();
    // Files named one by one (as pre-commit and lint-staged pass them) are part of the
    // code, like the changed files: what no scanned file reads may be read elsewhere.
    let partial = changed_only || context.names_files;
    if args.staged {
        let index = crate::git::Index::open(&context.options.root)?;
        context.options.files = Files::Index(std::sync::Arc::new(index));
        // The cache knows files by their stamp in the working tree, not in the index.
        context.options.cache = None;
    }
    if changed_only {
        let root = context.options.root.clone();
        context.options.paths = crate::git::changed_files(&root, args.changed_since.as_deref())?
            .into_iter()
            .map(|f| root.join(f))
            .filter(|f| f.is_file())
            .collect();
    }
    let context = context;
    let config = &context.config;
    // Config mistakes surface before any network.
    let severities = exemptions::severities(config)?;
    let ignore = exemptions::ignore_globs(&config.rules.ignore)?;
    let mut plan = SourcePlan::from_config(config)?;
    plan.stats = args.scan.stats;
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::read(path)?),
        None => None,
    };
    let (flags, origin) = source::load_flags(&plan, config, args.offline)?;
    let result = if context.options.paths.is_empty() {
        // Nothing changed: nothing to check.
        ScanResult::default()
    } else {
        context.run()?
    };

    let now = args.now.unwrap_or_else(Timestamp::now);
    let settings = Settings::from_config(config, &flags, now);
    let rule_context = rules::Context::new(&result.references, &flags, &settings);
    let mut findings = rules::check(&rule_context);
    if partial {
        // Only some files were read: "nothing reads this flag" cannot be known.
        findings.retain(|f| f.rule != rules::unused_flag::RULE.id);
    }
    let root = context.options.root.clone();

    if let Some(path) = &args.write_baseline {
        Baseline::of(&findings).write(path)?;
        if !args.common.quiet {
            eprintln!(
                "wrote {} with {} to accept",
                path.display(),
                plural(findings.len(), "finding")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let lines = SourceLines::reading(&root, &context.options.files);
    let (findings, suppressed) =
        exemptions::apply(findings, &severities, &ignore, lines, baseline.as_ref());
    if args.upload.upload {
        super::upload::upload(&context, &result, &args.upload, args.common.quiet)?;
    }
    let (errors, warnings, infos) = Summary::count(&findings);
    let run = Run {
        summary: Summary {
            errors,
            warnings,
            infos,
            references: result.references.len(),
            flags: flags.flags.len(),
            files_scanned: result.files_scanned,
            service: flags.provider.clone(),
            project: flags.project.clone(),
            environments: flags.environments.clone(),
            source: as_given(origin),
            suppressed,
            unreadable: result.errors.iter().map(|e| e.file.clone()).collect(),
        },
        findings,
        root,
        files: context.options.files.clone(),
        fail_at: args.fail_on.threshold(),
    };
    let mut out = args.common.output()?;
    let style = reporters::Style {
        color: args.common.color(),
        quiet: args.common.quiet,
    };
    reporters::report(args.format, &mut out, &run, style)?;
    out.flush()?;
    warn_errors(&context.options.root, &result);
    // A partial answer is never reported as a clean one.
    if !result.errors.is_empty() {
        return Ok(ExitCode::from(EXIT_FAILURE));
    }
    let failing = run.findings.iter().any(|f| run.fails(f));
    Ok(if failing {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}
