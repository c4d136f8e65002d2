//! `flaglint fix`: remove a dead flag from the code. A dry run (a unified diff) unless
//! `--write`; `--verify CMD` checks the written code and puts it back if the check fails.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use jiff::Timestamp;

use super::{parse_now, CommonArgs, ScanArgs, ScanContext, EXIT_FINDINGS};
use crate::fix::conditional::ConditionalComponents;
use crate::fix::value::FlagValue;
use crate::fix::{self, FixInput, FixPlan, FlagChoice};
use crate::flag::FlagSet;
use crate::reporters::plural;
use crate::rules::{self, Settings};
use crate::source::{self, SourcePlan};

#[derive(Args, Debug)]
pub struct FixArgs {
    /// The flag's key, then the files or folders to fix (default: the current folder).
    /// With --stale, only the files or folders.
    #[arg(value_name = "KEY|PATH")]
    pub targets: Vec<String>,
    /// The value the flag serves everywhere: on, off, or a JSON value ("\"blue\"", 3).
    /// Default: what the flag service says, if it says the same everywhere.
    #[arg(long, value_name = "VALUE", value_parser = FlagValue::parse)]
    pub value: Option<FlagValue>,
    /// Remove every flag `check` finds stale or permanent, with the value the service serves.
    #[arg(long, conflicts_with = "value")]
    pub stale: bool,
    /// Write the changes (default: print them as a unified diff).
    #[arg(long)]
    pub write: bool,
    /// Write even over files with changes git has not staged, or outside a git repository.
    #[arg(long)]
    pub force: bool,
    /// After writing, run this shell command (`npx tsc --noEmit`); when it fails, put every
    /// file back as it was.
    #[arg(long, value_name = "CMD", requires = "write")]
    pub verify: Option<String>,
    /// Read only the snapshot `flaglint pull` wrote; never the network.
    #[arg(long)]
    pub offline: bool,
    /// Judge ages as of this date (YYYY-MM-DD) instead of today (--stale).
    #[arg(long, value_name = "DATE", value_parser = parse_now)]
    pub now: Option<Timestamp>,
    /// Fix only files matching this glob (repeatable; adds to [scan] include).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and folders matching this glob (repeatable; adds to [scan] exclude).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Print what the scan and the fix read and where the time went, on standard error.
    #[arg(long)]
    pub stats: bool,
    /// Neither read nor write the scan cache.
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(args: FixArgs) -> Result<ExitCode> {
    let (key, paths) = match (args.stale, args.targets.split_first()) {
        (true, _) => (None, args.targets.clone()),
        (false, Some((key, paths))) => (Some(key.clone()), paths.to_vec()),
        (false, None) => {
            bail!("name the flag to remove (`flaglint fix KEY --value on`), or pass --stale")
        }
    };
    let scan = ScanArgs {
        paths: paths.iter().map(PathBuf::from).collect(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        stats: args.stats,
        no_cache: args.no_cache,
    };
    let context = ScanContext::new(&scan, &args.common)?;
    let quiet = args.common.quiet;
    // The flag service, when one is configured: --value makes it optional.
    let needs_service = args.stale || args.value.is_none();
    let flags = match SourcePlan::from_config(&context.config) {
        Ok(plan) => Some(source::load_flags(&plan, &context.config, args.offline)?.0),
        Err(_) if !needs_service => None,
        Err(err) => return Err(err.context(
            "fix needs the flag's value: pass --value on|off|<JSON>, or configure a flag source",
        )),
    };
    let result = context.run()?;
    let mut refused = Vec::new();
    let choices: Vec<FlagChoice> = match (&key, &args.value) {
        (Some(key), Some(value)) => vec![FlagChoice {
            key: key.clone(),
            value: value.clone(),
        }],
        (Some(key), None) => {
            let flags = flags.as_ref().context("no flag source")?;
            match served_everywhere(flags, key) {
                Ok(value) => vec![FlagChoice {
                    key: key.clone(),
                    value,
                }],
                Err(reason) => {
                    refused.push(format!("{key}: {reason}"));
                    Vec::new()
                }
            }
        }
        (None, _) => {
            let flags = flags.as_ref().context("no flag source")?;
            let now = args.now.unwrap_or_else(Timestamp::now);
            let settings = Settings::from_config(&context.config, flags, now);
            let rule_context = rules::Context::new(&result.references, flags, &settings);
            let mut seen = BTreeSet::new();
            rule_context
                .uniform_reads()
                .filter(|(_, flag, _)| seen.insert(flag.key.clone()))
                .map(|(_, flag, uniform)| FlagChoice {
                    key: flag.key.clone(),
                    value: FlagValue::from_uniform(&uniform),
                })
                .collect()
        }
    };
    for reason in &refused {
        eprintln!("refused: {reason}");
    }
    if choices.is_empty() {
        if refused.is_empty() && !quiet {
            eprintln!("no stale flag to remove");
        }
        return Ok(exit(!refused.is_empty()));
    }

    let fixing = std::time::Instant::now();
    let files = fix::files::read_all(&context.options)?;
    let read_time = fixing.elapsed();
    let mut known_keys: BTreeSet<String> = result
        .references
        .iter()
        .filter_map(|r| r.key.clone())
        .collect();
    if let Some(flags) = &flags {
        known_keys.extend(flags.flags.iter().map(|f| f.key.clone()));
    }
    let conditionals =
        ConditionalComponents::new(&context.config.conditionals, context.options.max_file_size);
    let plan = fix::plan(&FixInput {
        flags: &choices,
        references: &result.references,
        files: &files,
        known_keys: &known_keys,
        conditionals: &conditionals,
    });
    if args.stats {
        eprintln!(
            "stats: fix: {} files read in {:.3} s; reads folded, unused code and declarations removed in {:.3} s",
            files.len(),
            read_time.as_secs_f64(),
            (fixing.elapsed() - read_time).as_secs_f64()
        );
    }

    let mut out = args.common.output()?;
    let color = args.common.color();
    if !args.write {
        for change in &plan.changes {
            write!(
                out,
                "{}",
                fix::diff::unified(&change.path, &change.before, &change.edits, color)
            )?;
        }
        out.flush()?;
    }
    let mut failed = !refused.is_empty() || !plan.left.is_empty() || !plan.refused.is_empty();
    let mut written = 0;
    let mut reverted = None;
    if args.write && !plan.changes.is_empty() {
        if !args.force {
            let targets: Vec<PathBuf> = plan.changes.iter().map(|c| c.absolute.clone()).collect();
            let dirty = crate::git::unstaged(&targets)?;
            if !dirty.is_empty() {
                let names: Vec<String> = plan
                    .changes
                    .iter()
                    .filter(|c| dirty.contains(&c.absolute))
                    .map(|c| c.path.clone())
                    .collect();
                bail!(
                    "{} changes git has not staged, which writing would mix with flaglint's: {}; \
                     commit or stash them, or pass --force",
                    if names.len() == 1 {
                        "a file has"
                    } else {
                        "files have"
                    },
                    names.join(", ")
                );
            }
        }
        written = write_all(&plan)?;
        if let Some(command) = &args.verify {
            if !verify(command, &context.options.root)? {
                restore(&plan)?;
                reverted = Some(format!(
                    "verify failed: `{command}` exited with an error; {} put back as they were",
                    plural(written, "file")
                ));
                written = 0;
                failed = true;
            }
        }
    }
    if !quiet {
        summary(&plan, &choices, args.write, written, reverted.is_some());
    }
    if let Some(reverted) = reverted {
        eprintln!("{reverted}");
    }
    Ok(exit(failed))
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The value `key` serves everyone in every environment, or why there is none.
fn served_everywhere(flags: &FlagSet, key: &str) -> Result<FlagValue, String> {
    let Some(flag) = flags.flags.iter().find(|f| f.key == key) else {
        return Err(format!(
            "{} does not define it; pass --value to remove it anyway",
            flags.provider
        ));
    };
    if let Some(uniform) = rules::uniform(flag, &flags.environments) {
        return Ok(FlagValue::from_uniform(&uniform));
    }
    let mut reasons = Vec::new();
    let mut states = Vec::new();
    for environment in &flags.environments {
        let Some(state) = flag.environments.get(environment) else {
            reasons.push(format!("no state in {environment}"));
            continue;
        };
        let mut shown = if state.enabled { "on" } else { "off" }.to_string();
        if let Some(value) = state.value.as_ref().filter(|v| !v.is_null()) {
            shown.push_str(&format!(" ({value})"));
        }
        states.push(format!("{shown} in {environment}"));
        if state.segment_overrides > 0 {
            reasons.push(format!(
                "{} in {environment}",
                plural(state.segment_overrides as usize, "segment override")
            ));
        }
        if state.identity_overrides > 0 {
            reasons.push(format!(
                "{} in {environment}",
                plural(state.identity_overrides as usize, "identity override")
            ));
        }
        if state.split {
            reasons.push(format!("a percentage split in {environment}"));
        }
    }
    let distinct: BTreeSet<&str> = states
        .iter()
        .filter_map(|s| s.rsplit_once(" in ").map(|(value, _)| value))
        .collect();
    if distinct.len() > 1 {
        reasons.insert(
            0,
            format!("it serves different values: {}", states.join(", ")),
        );
    }
    if reasons.is_empty() {
        reasons.push("it does not serve one value everywhere".into());
    }
    Err(format!(
        "{}; pass --value to choose the one to keep",
        reasons.join("; ")
    ))
}

fn write_all(plan: &FixPlan) -> Result<usize> {
    for change in &plan.changes {
        crate::atomic::write(&change.absolute, change.after.as_bytes())
            .with_context(|| format!("cannot write {}", change.path))?;
    }
    Ok(plan.changes.len())
}

fn restore(plan: &FixPlan) -> Result<()> {
    for change in &plan.changes {
        crate::atomic::write(&change.absolute, change.before.as_bytes())
            .with_context(|| format!("cannot put back {}", change.path))?;
    }
    Ok(())
}

/// Runs `command` with the shell in `root`; true when it succeeds.
fn verify(command: &str, root: &std::path::Path) -> Result<bool> {
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let status = std::process::Command::new(shell)
        .arg(flag)
        .arg(command)
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot run `{command}`"))?;
    Ok(status.success())
}

fn summary(plan: &FixPlan, choices: &[FlagChoice], write: bool, written: usize, reverted: bool) {
    for left in &plan.left {
        eprintln!(
            "left: {}:{}:{}: `{}`: {}",
            left.file, left.line, left.column, left.key, left.reason
        );
    }
    for refusal in &plan.refused {
        eprintln!("refused: {}: {}", refusal.file, refusal.reason);
    }
    for hint in &plan.hints {
        eprintln!("hint: {hint}");
    }
    for choice in choices {
        let reads = plan.reads.get(&choice.key).copied().unwrap_or(0);
        eprintln!(
            "{} = {}: {} replaced",
            choice.key,
            choice.value.describe(),
            plural(reads, "read")
        );
    }
    let files = plural(plan.changes.len(), "file");
    if reverted {
        return;
    }
    if write {
        eprintln!("{} written", plural(written, "file"));
    } else if plan.changes.is_empty() {
        eprintln!("nothing to change");
    } else {
        eprintln!("{files} to change (a dry run: pass --write to apply)");
    }
}
