//! `flaglint report`: the periodic cleanup report (Markdown and self-contained HTML).

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::cli::CommonArgs;

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(_args: ReportArgs) -> Result<ExitCode> {
    anyhow::bail!("flaglint report is not built yet")
}
