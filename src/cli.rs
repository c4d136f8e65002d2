//! The command line: parse arguments, run a command, map the outcome to an exit code.
//!
//! Exit codes (DESIGN.md): 0 clean, 1 findings at or above `--fail-on`, 2 the tool could
//! not do its job. Errors print as `error: ` and their cause chain.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::matcher::{Matcher, SdkSpec};
use crate::report;
use crate::scan::{scan, ScanOptions, ScanResult};
use crate::walk::FileFilter;

#[derive(Parser, Debug)]
#[command(
    name = "flaglint",
    version,
    about = "Finds stale feature flags in JavaScript and TypeScript code"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every feature-flag reference in the code (no flag service needed).
    Refs(RefsArgs),
}

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Read this flaglint.toml instead of the nearest one.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Write the output here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
    /// Print only the results, no summary or notes.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", global = true)]
    pub threads: Option<usize>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Files or folders to scan (default: the current folder).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan only files matching this glob (repeatable; adds to [scan] include).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and folders matching this glob (repeatable; adds to [scan] exclude).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

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
}

/// Runs flaglint with these arguments (the program name first) and returns its exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`flaglint refs | head`) is not a failure.
            if err
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Refs(args) => refs(args),
    }
}

fn refs(args: RefsArgs) -> Result<ExitCode> {
    let context = ScanContext::new(&args.scan, &args.common)?;
    let result = context.run()?;
    let mut out = output(&args.common)?;
    match args.format {
        RefsFormat::Json => report::refs::json(&mut out, &context.root_display, &result)?,
        RefsFormat::Text => report::refs::text(&mut out, &result, args.common.quiet)?,
    }
    out.flush()?;
    warn_errors(&result);
    Ok(ExitCode::SUCCESS)
}

/// Everything a scan needs, from arguments and config.
pub struct ScanContext {
    pub config: Config,
    pub options: ScanOptions,
    pub matcher: Matcher,
    /// The root as the user named it, for output.
    pub root_display: String,
}

impl ScanContext {
    pub fn new(scan: &ScanArgs, common: &CommonArgs) -> Result<ScanContext> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let paths = if scan.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            scan.paths.clone()
        };
        for path in &paths {
            if std::fs::symlink_metadata(path).is_err() {
                anyhow::bail!("{}: no such file or directory", path.display());
            }
        }
        // One folder: paths are relative to it. Several paths or files: to the current folder.
        let (root, root_display) = match paths.as_slice() {
            [only] if only.is_dir() => (only.clone(), only.display().to_string()),
            _ => (PathBuf::from("."), ".".to_string()),
        };
        let config_start = if root.is_dir() {
            root.clone()
        } else {
            cwd.clone()
        };
        let config_start = config_start.canonicalize().unwrap_or(cwd);
        let config = Config::discover(common.config.as_deref(), &config_start)?;
        let mut include = config.scan.include.clone();
        include.extend(scan.include.iter().cloned());
        let mut exclude = config.scan.exclude.clone();
        exclude.extend(scan.exclude.iter().cloned());
        let filter = FileFilter::new(&include, &exclude, config.scan.declarations)?;
        let max_file_size = config.max_file_size()?;
        let threads = common
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let matcher = Matcher::new(SdkSpec::builtin())?;
        Ok(ScanContext {
            config,
            options: ScanOptions {
                paths: paths.iter().map(|p| normalize(p)).collect(),
                root: normalize(&root),
                threads,
                filter,
                max_file_size,
            },
            matcher,
            root_display,
        })
    }

    pub fn run(&self) -> Result<ScanResult> {
        Ok(scan(&self.options, &self.matcher)?)
    }
}

/// `./src` and `src` name the same folder; strip the `./` so relative paths line up.
fn normalize(path: &Path) -> PathBuf {
    let stripped = path.strip_prefix(".").unwrap_or(path);
    if stripped.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        stripped.to_path_buf()
    }
}

fn output(common: &CommonArgs) -> Result<Box<dyn Write>> {
    Ok(match &common.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

fn warn_errors(result: &ScanResult) {
    for error in &result.errors {
        eprintln!("warning: {}: {}", error.file, error.message);
    }
}
