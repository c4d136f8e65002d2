//! The commands, one file each, and what they share: the scan arguments and the
//! [`ScanContext`] built from them and the config, the common output options, the output
//! writer and the date argument.
//!
//! Each command reads its arguments, runs the stages below it (scan, flag source, rules,
//! reporters) and returns an exit code; [`crate::cli`] parses the command line and maps
//! errors to exit code 2.

/// Exit code 1: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code 2: flaglint could not do its job (bad config, unreachable service, an
/// unreadable file); the message says why. A partial answer is never a clean one.
pub const EXIT_FAILURE: u8 = 2;

pub mod check;
pub mod fix;
pub mod init;
pub mod pull;
pub mod refs;
pub mod report;
pub mod upload;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use jiff::Timestamp;

use crate::cache::CACHE_DIR;
use crate::config::Config;
use crate::finding::FlagOrigin;
use crate::matcher::{Matcher, SdkSpec};
pub use crate::paths::relative_to_cwd;
use crate::scan::{ScanOptions, ScanResult};
use crate::walk::{FileFilter, Files};

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

impl CommonArgs {
    /// `--threads`, else one per core.
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1)
    }

    /// Where the output goes: `--output FILE`, else standard output.
    pub fn output(&self) -> Result<Box<dyn Write>> {
        Ok(match &self.output {
            Some(path) => Box::new(BufWriter::new(
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
            )),
            None => Box::new(BufWriter::new(io::stdout().lock())),
        })
    }

    /// `--color`, for output to `--output` or standard output.
    pub fn color(&self) -> bool {
        use_color(self.color, self.output.is_none())
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--color auto`: colour on a terminal, unless NO_COLOR is set (https://no-color.org).
pub fn use_color(choice: ColorChoice, to_stdout: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && to_stdout
                && io::stdout().is_terminal()
        }
    }
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
    /// Print what the scan read and where the time went (and for `check`, what reading the
    /// flag service took), on standard error.
    #[arg(long)]
    pub stats: bool,
    /// Neither read nor write the cache (`.flaglint/cache/` beside the config, or in the
    /// scanned folder): every file is read and parsed again.
    #[arg(long)]
    pub no_cache: bool,
}

/// `--now YYYY-MM-DD`: judge ages as of that day.
pub fn parse_now(text: &str) -> Result<Timestamp, String> {
    crate::flag::parse_time(text).ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// The flag origin with its path as the user would write it.
pub fn as_given(origin: FlagOrigin) -> FlagOrigin {
    match origin {
        FlagOrigin::Live => FlagOrigin::Live,
        FlagOrigin::File(path) => FlagOrigin::File(relative_to_cwd(&path)),
        FlagOrigin::Snapshot { path, age } => FlagOrigin::Snapshot {
            path: relative_to_cwd(&path),
            age,
        },
    }
}

/// Everything a scan needs, from arguments and config.
pub struct ScanContext {
    pub config: Config,
    pub options: ScanOptions,
    pub matcher: Matcher,
    /// The root as the user named it, for output.
    pub root_display: String,
    /// Show a spinner on stderr: a terminal, and not --quiet.
    pub progress: bool,
    /// `--stats`.
    pub stats: bool,
    /// Some paths are files: the scan sees only part of the code.
    pub names_files: bool,
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
        // The config is looked for from the (first) path up, from a file's own folder, as
        // eslint does: `check web/src/a.ts` from the repository root uses web/flaglint.toml.
        let first = &paths[0];
        let config_start = if first.is_dir() {
            first.clone()
        } else {
            first
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        let config_start = config_start.canonicalize().unwrap_or(cwd);
        let config = Config::discover(common.config.as_deref(), &config_start)?;
        let mut include = config.scan.include.clone();
        include.extend(scan.include.iter().cloned());
        let mut exclude = config.scan.exclude.clone();
        exclude.extend(scan.exclude.iter().cloned());
        let filter = FileFilter::new(&include, &exclude, config.scan.declarations)?;
        let max_file_size = config.max_file_size()?;
        let mut sdks = SdkSpec::builtin();
        // A wrapper's pattern is checked here, with its place in the config; its query is
        // compiled with the SDKs' when a scan needs it (compiling costs milliseconds).
        sdks.extend(crate::matcher::wrapper::compile_all(&config)?);
        let matcher = Matcher::new(sdks)?;
        let infer_helpers = config.scan.infer_helpers.unwrap_or(true);
        let cache = (!scan.no_cache).then(|| cache_home(&config, &paths).join(CACHE_DIR));
        Ok(ScanContext {
            config,
            options: ScanOptions {
                infer_helpers,
                paths: paths.iter().map(|p| normalize(p)).collect(),
                root: normalize(&root),
                threads: common.threads(),
                filter,
                max_file_size,
                files: Files::WorkTree,
                cache,
            },
            matcher,
            root_display,
            progress: !common.quiet && io::stderr().is_terminal(),
            stats: scan.stats,
            names_files: paths.iter().any(|p| !p.is_dir()),
        })
    }

    pub fn run(&self) -> Result<ScanResult> {
        let bar = crate::scan::progress_bar(self.progress);
        let result = crate::scan::scan_with_progress(&self.options, &self.matcher, &bar)?;
        if self.stats {
            eprint!("{}", stats_text(&result));
        }
        Ok(result)
    }
}

/// `--stats`: one line per stage.
fn stats_text(result: &ScanResult) -> String {
    let stats = &result.stats;
    let seconds = |d: std::time::Duration| format!("{:.3} s", d.as_secs_f64());
    let [javascript, typescript, tsx] = stats.patterns;
    let mut sdks = match stats.sdks_in_use.as_slice() {
        [] => "none".to_string(),
        names => names.join(", "),
    };
    if !stats.wrappers_in_use.is_empty() {
        sdks = format!("{sdks}; wrappers: {}", stats.wrappers_in_use.join(", "));
    }
    format!(
        "stats: walk, read and prefilter: {} files, {:.1} MB in {}\n\
         stats: SDKs in use: {sdks}; {} files hold their trigger words\n\
         stats: queries: {} patterns compiled in {} (javascript {javascript}, typescript {typescript}, tsx {tsx})\n\
         stats: parse, match and resolve: {} files and {} imported modules in {} (parsing {} and matching {} of worker time)\n",
        result.files_scanned,
        stats.bytes_read as f64 / 1e6,
        seconds(stats.walk),
        stats.candidates,
        javascript + typescript + tsx,
        seconds(stats.compile),
        result.files_parsed,
        result.modules_loaded,
        seconds(stats.match_wall),
        seconds(stats.parse_cpu),
        seconds(stats.match_cpu),
    ) + &cache_text(result)
        + &helpers_text(result)
}

/// `--stats`: what came from the cache.
fn cache_text(result: &ScanResult) -> String {
    let stats = &result.stats;
    let mut text = format!(
        "stats: cache: {} of {} files and {} of {} parsed files answered from the cache\n",
        stats.files_from_cache, result.files_scanned, stats.outcomes_from_cache, stats.candidates,
    );
    if let Some(note) = &stats.cache_note {
        text.push_str(&format!("stats: cache: {note}\n"));
    }
    text
}

/// `--stats`: the helpers inference found, each where it is defined and how often called.
fn helpers_text(result: &ScanResult) -> String {
    let stats = &result.stats;
    let mut text = format!(
        "stats: flag helpers: {} inferred, {} returning a flag map, in {} rounds ({} files read for them, {:.3} s)\n",
        result.helpers.len(),
        result.map_helpers.len(),
        stats.helper_rounds,
        stats.helper_files,
        stats.helper_wall.as_secs_f64(),
    );
    for helper in &result.helpers {
        text.push_str(&format!(
            "stats:   {} ({}:{}), {}{}\n",
            helper.display,
            crate::scan::display_path(&helper.path),
            helper.line,
            crate::reporters::plural(helper.calls, "call"),
            match helper.via.as_slice() {
                [] => String::new(),
                via => format!(", through {}", via.join(" > ")),
            }
        ));
    }
    for map in &result.map_helpers {
        text.push_str(&format!(
            "stats:   {} ({}:{}) returns {}()\n",
            map.display,
            crate::scan::display_path(&map.path),
            map.line,
            map.stands_for
        ));
    }
    text
}

/// Where the cache lives: beside the config, as the snapshot does; without a config, in
/// the scanned folder (or the current one, for files).
fn cache_home(config: &Config, paths: &[PathBuf]) -> PathBuf {
    if let Some(dir) = config.source.as_deref().and_then(Path::parent) {
        return dir.to_path_buf();
    }
    match paths {
        [only] if only.is_dir() => only.clone(),
        _ => PathBuf::from("."),
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

/// Files the scan could not read, as warnings: the command then exits 2.
fn warn_errors(root: &Path, result: &ScanResult) {
    for error in &result.errors {
        let file = crate::paths::from_cwd(root, &error.file);
        eprintln!("warning: {file}: {}", error.message);
    }
}
