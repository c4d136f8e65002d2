//! `flaglint refs`: every flag reference in the code, with no flag service.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::upload::{upload, UploadArgs};
use super::{warn_errors, CommonArgs, ScanArgs, ScanContext};
use crate::reporters;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefsFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RefsArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RefsFormat::Text)]
    pub format: RefsFormat,
    #[command(flatten)]
    pub upload: UploadArgs,
}

pub fn run(args: RefsArgs) -> Result<ExitCode> {
    let context = ScanContext::new(&args.scan, &args.common)?;
    let result = context.run()?;
    let mut out = args.common.output()?;
    match args.format {
        RefsFormat::Json => reporters::refs::json(
            &mut out,
            &context.root_display,
            &context.options.root,
            &result,
        )?,
        RefsFormat::Text => {
            reporters::refs::text(&mut out, &context.options.root, &result, args.common.quiet)?
        }
    }
    out.flush()?;
    warn_errors(&context.options.root, &result);
    if args.upload.upload {
        upload(&context, &result, &args.upload, args.common.quiet)?;
    }
    Ok(ExitCode::SUCCESS)
}
