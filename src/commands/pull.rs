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
    /// Print how many requests the read took and which way it went, on standard error.
    #[arg(long)]
    pub stats: bool,
}

pub fn run(args: PullArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let config = Config::discover(args.common.config.as_deref(), &cwd)?;
    let mut plan = SourcePlan::from_config(&config)?;
    plan.stats = args.stats;
    if plan.provider == "file" {
        anyhow::bail!("provider = \"file\" reads a local file; there is nothing to pull");
    }
    let mut flags = source::read_live(&plan, &config)?;
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
            flags.provider
        );
    }
    Ok(ExitCode::SUCCESS)
}
