//! `flaglint pull`: read the flag service once and write the offline snapshot.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use jiff::Timestamp;

use super::CommonArgs;
use crate::config::Config;
use crate::reporters::plural;
use crate::source::{self, SourcePlan};

#[derive(Args, Debug)]
pub struct PullArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(args: PullArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let config = Config::discover(args.common.config.as_deref(), &cwd)?;
    let plan = SourcePlan::from_config(&config)?;
    if plan.provider == "file" {
        anyhow::bail!("provider = \"file\" reads a local file; there is nothing to pull");
    }
    let live = source::live_source(&plan, &config)?;
    let mut flags = live
        .fetch()
        .with_context(|| format!("cannot read flags from {}", live.name()))?;
    if flags.fetched_at.is_none() {
        flags.fetched_at = Some(Timestamp::now());
    }
    let path = args
        .common
        .output
        .clone()
        .unwrap_or_else(|| plan.snapshot.clone());
    source::write_snapshot(&path, &flags)?;
    if !args.common.quiet {
        eprintln!(
            "wrote {}: {} in {} from {}",
            path.display(),
            plural(flags.flags.len(), "flag"),
            plural(flags.environments.len(), "environment"),
            live.name()
        );
    }
    Ok(ExitCode::SUCCESS)
}
