//! The command line: parse arguments, run a command, map the outcome to an exit code.
//!
//! Exit codes (DESIGN.md): 0 clean, 1 findings at or above `--fail-on`, 2 the tool could
//! not do its job. Errors print as `error: ` and their cause chain.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use jiff::Timestamp;

use crate::check::Baseline;
use crate::config::Config;
use crate::flag::FlagSet;
use crate::matcher::{Matcher, SdkSpec};
use crate::report;
use crate::report::{Format, Run, Summary};
use crate::rules::{self, Settings, Severity};
use crate::scan::{ScanOptions, ScanResult};
use crate::source::{self, Origin, SourcePlan};
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
    /// Check the code's flag references against the flag service.
    Check(CheckArgs),
    /// Read the flag service and write the offline snapshot.
    Pull(PullArgs),
    /// Find the flag SDKs a repository uses and write a commented flaglint.toml.
    Init(crate::init::InitArgs),
    /// Write the periodic cleanup report: every flag, its state, age, references and what to do.
    Report(crate::cleanup::ReportArgs),
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
    pub upload: UploadArgs,
}

/// `--upload`: send the references to Flagsmith's code references, so its feature lifecycle
/// view (new, live, stale, permanent, needs monitoring, to remove) is computed from them.
#[derive(Args, Debug, Clone)]
pub struct UploadArgs {
    /// Upload the references to Flagsmith's code references for the project.
    #[arg(long)]
    pub upload: bool,
    /// The repository's URL (default: git's `origin`).
    #[arg(long, value_name = "URL", requires = "upload")]
    pub repository_url: Option<String>,
    /// The revision scanned (default: git's HEAD).
    #[arg(long, value_name = "SHA", requires = "upload")]
    pub revision: Option<String>,
    /// The code host, as Flagsmith names it.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "github",
        requires = "upload"
    )]
    pub vcs_provider: String,
}

#[derive(Args, Debug)]
pub struct PullArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Print how many requests the read took and which way it went, on standard error.
    #[arg(long)]
    pub stats: bool,
}

fn parse_now(text: &str) -> Result<Timestamp, String> {
    crate::flag::parse_time(text).ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
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
    /// Print what the scan read and where the time went (and for `check`, what reading the
    /// flag service took), on standard error.
    #[arg(long)]
    pub stats: bool,
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
    #[command(flatten)]
    pub upload: UploadArgs,
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
        Command::Check(args) => check(args),
        Command::Pull(args) => pull(args),
        Command::Report(args) => crate::cleanup::run(args),
        Command::Init(args) => crate::init::run(args),
    }
}

fn check(args: CheckArgs) -> Result<ExitCode> {
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
    let partial = args.staged || args.changed_since.is_some();
    if partial {
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
    let severities = crate::check::severities(config)?;
    let ignore = crate::check::ignore_globs(&config.rules.ignore)?;
    let mut plan = SourcePlan::from_config(config)?;
    plan.stats = args.scan.stats;
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::read(path)?),
        None => None,
    };
    let (flags, origin) = load_flags(&plan, config, args.offline)?;
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
                report::refs::plural(findings.len(), "finding")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (findings, suppressed) =
        crate::check::apply_exemptions(findings, &severities, &ignore, &root, baseline.as_ref());
    if args.upload.upload {
        upload(&context, &result, &args.upload, args.common.quiet)?;
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
            source: match &origin {
                Origin::Live => "live".to_string(),
                Origin::File(path) => format!("file {}", relative_to_cwd(path)),
                Origin::Snapshot { path, age } => {
                    format!("snapshot {}, {age}", relative_to_cwd(path))
                }
            },
            suppressed,
            unreadable: result.errors.iter().map(|e| e.file.clone()).collect(),
        },
        findings,
        root,
    };
    let mut out = output(&args.common)?;
    let color = use_color(args.common.color, args.common.output.is_none());
    report::report(args.format, &mut out, &run, color)?;
    out.flush()?;
    warn_errors(&result);
    // A partial answer is never reported as a clean one.
    if !result.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let failing = args
        .fail_on
        .threshold()
        .is_some_and(|threshold| run.findings.iter().any(|f| f.severity >= threshold));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The flags for `check`: a file, a fresh snapshot, or the live service (which refreshes
/// the snapshot for the next offline run).
pub(crate) fn load_flags(
    plan: &SourcePlan,
    config: &Config,
    offline: bool,
) -> Result<(FlagSet, Origin)> {
    let (mut flags, origin) = if plan.provider == "file" {
        let path = plan
            .file
            .clone()
            .context("provider = \"file\" needs [service] file")?;
        (source::read_flags_file(&path)?, Origin::File(path))
    } else if offline {
        let flags = source::read_snapshot(&plan.snapshot)?;
        (
            flags,
            Origin::Snapshot {
                path: plan.snapshot.clone(),
                age: "offline".into(),
            },
        )
    } else if let Some(fresh) = plan.fresh_snapshot(Timestamp::now()) {
        fresh
    } else {
        let mut flags = source::read_live(plan, config)?;
        flags.fetched_at.get_or_insert_with(Timestamp::now);
        source::write_snapshot(&plan.snapshot, &flags)?;
        (flags, Origin::Live)
    };
    plan.select_environments(&mut flags)?;
    Ok((flags, origin))
}

fn pull(args: PullArgs) -> Result<ExitCode> {
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
            report::refs::plural(flags.flags.len(), "flag"),
            report::refs::plural(flags.environments.len(), "environment"),
            flags.provider
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A path as short as the user would write it: relative to the current folder when inside it.
pub(crate) fn relative_to_cwd(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| c.canonicalize().ok());
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    match cwd.as_deref().and_then(|c| absolute.strip_prefix(c).ok()) {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
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
    if args.upload.upload {
        upload(&context, &result, &args.upload, args.common.quiet)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Sends the keyed references to `POST /projects/{id}/code-references/`.
fn upload(
    context: &ScanContext,
    result: &ScanResult,
    args: &UploadArgs,
    quiet: bool,
) -> Result<()> {
    use crate::provider::flagsmith::{CodeReference, CodeReferenceScan};
    let plan = SourcePlan::from_config(&context.config)?;
    if plan.provider != "flagsmith" {
        anyhow::bail!("--upload sends code references to Flagsmith: set provider = \"flagsmith\" in [service]");
    }
    let root = &context.options.root;
    let prefix = crate::git::prefix(root).unwrap_or_default();
    let repository_url = match &args.repository_url {
        Some(url) => url.clone(),
        None => crate::git::repository_url(root)?,
    };
    let revision = match &args.revision {
        Some(revision) => revision.clone(),
        None => crate::git::head_revision(root)?,
    };
    let code_references: Vec<CodeReference> = result
        .references
        .iter()
        .filter_map(|r| {
            Some(CodeReference {
                feature_name: r.key.clone()?,
                file_path: format!("{prefix}{}", r.file),
                line_number: u32::try_from(r.line).ok()?,
            })
        })
        .collect();
    let count = code_references.len();
    let scan = CodeReferenceScan {
        repository_url,
        vcs_provider: args.vcs_provider.clone(),
        revision,
        code_references,
    };
    let options = source::flagsmith_options(&plan, &context.config);
    crate::provider::flagsmith::Flagsmith::new(options)?
        .upload_code_references(&scan)
        .context("cannot upload code references to Flagsmith")?;
    if !quiet {
        eprintln!(
            "uploaded {} at {} to Flagsmith",
            report::refs::plural(count, "code reference"),
            scan.revision
        );
    }
    Ok(())
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
        let mut sdks = SdkSpec::builtin();
        // A wrapper's pattern is checked here, with its place in the config; its query is
        // compiled with the SDKs' when a scan needs it (compiling costs milliseconds).
        sdks.extend(crate::matcher::wrapper::compile_all(&config)?);
        let matcher = Matcher::new(sdks)?;
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
            progress: !common.quiet && io::stderr().is_terminal(),
            stats: scan.stats,
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
    let sdks = match stats.sdks_in_use.as_slice() {
        [] => "none".to_string(),
        names => names.join(", "),
    };
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
    )
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
