//! The scan, in two stages.
//!
//! 1. Walk and prefilter, in parallel: every file is read once and searched for trigger
//!    words and SDK package names. A file with no trigger word is dropped at once.
//! 2. Parse and match the files that are left, in parallel, with one query per grammar
//!    for the SDKs that can occur: an SDK whose package neither a scanned file nor a
//!    package.json names has no receivers to find, so its queries are not even compiled.
//!
//! Workers keep their parser and query cursor and collect references locally; the lists
//! are merged and sorted at the end, so the output is the same at any thread count.
//! `Project` (imported modules, tsconfig aliases) is the only shared state, and it is
//! read-mostly.
//!
//! - [`walked`]: stage 1, and what it hands on ([`walked::Candidate`]s);
//! - [`outcome`]: stage 2 for one file;
//! - [`inference`]: the rounds that find the app's flag helpers and their call sites.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tree_sitter::QueryCursor;

use crate::cache::{Cache, KeyHasher, OutcomeEntry, RoundEntry};
use crate::matcher::helpers::{Helper, MapHelper};
use crate::matcher::{CompiledQuery, Matcher, QueryError};
use crate::parse::ALL;
use crate::prefilter::{in_set, Prefilter, SdkScopes, WordSet};
use crate::reference::Reference;
use crate::resolve::reads::{self, Read};
use crate::resolve::Project;
use crate::walk::{FileFilter, Files, WalkError};

mod inference;
mod outcome;
mod walked;

use inference::{CachedRounds, Inference};
use outcome::{parse_and_match, Outcome};
use walked::{walk_and_prefilter, Candidate};

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Infer the app's flag helpers and report their call sites (`[scan] infer_helpers`).
    pub infer_helpers: bool,
    /// Reference paths are relative to this.
    pub root: PathBuf,
    pub threads: usize,
    pub filter: FileFilter,
    pub max_file_size: u64,
    /// The working tree, or git's index (`check --staged`).
    pub files: Files,
    /// The cache's folder (`.flaglint/cache`), or `None` for no cache (`--no-cache`).
    pub cache: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Walk(#[from] WalkError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// Why a file was passed over by policy. Not an error: the summary lists them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum SkipReason {
    TooLarge { bytes: u64, limit: u64 },
    Binary,
    NotUtf8,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    pub file: String,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// A valid file the tree-sitter grammar rejects in part: where, the first time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GrammarLimit {
    pub file: String,
    pub line: usize,
}

/// A file that could not be read: the answer is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ScanResult {
    pub references: Vec<Reference>,
    /// JS/TS files the walk accepted.
    pub files_scanned: usize,
    /// Files that held a trigger word and were parsed.
    pub files_parsed: usize,
    /// Files whose syntax errors were skipped over (references in the valid parts are kept).
    pub syntax_errors: Vec<String>,
    /// Valid files the grammar rejects in part (a bare `&` in JSX text), scanned like
    /// files with syntax errors; not called broken.
    pub grammar_limits: Vec<GrammarLimit>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<FileError>,
    /// Files parsed only to follow an import.
    pub modules_loaded: usize,
    /// The app's flag helpers found in the code, with their call counts (`--stats`, `init`).
    #[serde(skip)]
    pub helpers: Vec<Helper>,
    /// The app's functions that return an SDK's flag map (`--stats`).
    #[serde(skip)]
    pub map_helpers: Vec<MapHelper>,
    /// Where the time went (`--stats`); not part of the output, which must not vary.
    #[serde(skip)]
    pub stats: ScanStats,
}

/// Sizes and times of each stage of a scan.
#[derive(Debug, Default, Clone)]
pub struct ScanStats {
    pub bytes_read: u64,
    /// Files with a trigger word of an SDK in use.
    pub candidates: usize,
    /// The SDKs some file imports or some package.json depends on, each once.
    pub sdks_in_use: Vec<String>,
    /// The `[[wrappers]]` (which need no import), each once by the name it calls.
    pub wrappers_in_use: Vec<String>,
    /// Patterns compiled, per grammar (javascript, typescript, tsx).
    pub patterns: [usize; 3],
    /// Wall time of stage 1: walk, read, prefilter.
    pub walk: Duration,
    /// Wall time to compile the queries.
    pub compile: Duration,
    /// Wall time of stage 2: parse, match, resolve.
    pub match_wall: Duration,
    /// Time all workers spent in the parser.
    pub parse_cpu: Duration,
    /// Time all workers spent matching and resolving.
    pub match_cpu: Duration,
    /// Rounds of helper inference, the files read for them and their wall time.
    pub helper_rounds: usize,
    pub helper_files: usize,
    pub helper_wall: Duration,
    /// Files whose stage 1 came from the cache, and candidates whose stage 2 did.
    pub files_from_cache: usize,
    pub outcomes_from_cache: usize,
    /// Why the cache was not used or not written, if so.
    pub cache_note: Option<String>,
}

pub fn scan(options: &ScanOptions, matcher: &Matcher) -> Result<ScanResult, ScanError> {
    scan_with_progress(options, matcher, &ProgressBar::hidden())
}

/// A spinner with the count of files read, for long runs on a terminal.
pub fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} files scanned, {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub fn scan_with_progress(
    options: &ScanOptions,
    matcher: &Matcher,
    progress: &ProgressBar,
) -> Result<ScanResult, ScanError> {
    let started = Instant::now();
    let prefilter = Prefilter::new(&matcher.triggers(), &matcher.packages());
    let global_names: Vec<(String, usize)> = matcher
        .sdks
        .iter()
        .enumerate()
        .flat_map(|(sdk, spec)| spec.globals.iter().map(move |g| (g.clone(), sdk)))
        .collect();
    let cache: Cache<Outcome> = match &options.cache {
        Some(dir) => Cache::open(dir, settings_key(options, matcher)),
        None => Cache::off(),
    };
    let mut walked = walk_and_prefilter(options, &prefilter, &global_names, &cache, progress)?;
    progress.finish_and_clear();

    let above = manifests_above(&options.paths, &prefilter);
    let imported = walked.imported | walked.script_tags | above;
    let scopes = SdkScopes::new(std::mem::take(&mut walked.scope), matcher.reachable(above));
    let reachable = scopes.union() & matcher.all();
    let mut candidates: Vec<Candidate> = walked
        .candidates
        .into_iter()
        .filter_map(|mut candidate| {
            candidate.sdks &= scopes.of(&candidate.path);
            (candidate.sdks != 0).then_some(candidate)
        })
        .collect();
    // Largest first, so that no worker is left with a big file at the end.
    candidates.sort_by_key(|c| std::cmp::Reverse(c.len));
    let first_pass_paths: Vec<PathBuf> = candidates.iter().map(|c| c.path.clone()).collect();
    let mut stats = ScanStats {
        bytes_read: walked.bytes_read,
        files_from_cache: walked.from_cache,
        candidates: candidates.len(),
        sdks_in_use: in_use(matcher, reachable, false),
        wrappers_in_use: in_use(matcher, reachable, true),
        walk: started.elapsed(),
        ..ScanStats::default()
    };

    let threads = options.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|err| ScanError::Threads {
            threads,
            message: err.to_string(),
        })?;
    // A script-tag install names no package; the SDK's global is its client wherever the
    // SDK is in use and the name is not declared in the file.
    let globals: Vec<(String, Vec<String>)> = (0..matcher.sdks.len())
        .filter(|&sdk| in_set(imported, sdk))
        .flat_map(|sdk| {
            let spec = &matcher.sdks[sdk];
            spec.globals
                .iter()
                .map(move |global| (global.clone(), spec.packages.clone()))
        })
        .collect();
    let context = context_key(options, &mut walked.configs, &globals);
    let project = Project::new(options.max_file_size)
        .reading(options.files.clone())
        .with_globals(globals);
    let mut fresh: Vec<OutcomeEntry<Outcome>> = Vec::new();
    let outcomes = pool.install(|| -> Result<Vec<Outcome>, ScanError> {
        let matching = Instant::now();
        // What the cache still holds, each answer checked against the reads it made.
        let kept: Vec<Option<Outcome>> = candidates
            .par_iter()
            .map(|c| {
                let context = first_pass_context(context, c);
                cache.outcome(&c.path, FIRST_PASS, c.hash, context).cloned()
            })
            .collect();
        stats.outcomes_from_cache = kept.iter().flatten().count();
        let mut outcomes = kept;
        let missing: Vec<(usize, Candidate)> = candidates
            .into_iter()
            .enumerate()
            .filter(|(index, _)| outcomes[*index].is_none())
            .collect();
        let compiling = Instant::now();
        let queries = compile_queries(matcher, missing.iter().map(|(_, c)| c))?;
        stats.compile = compiling.elapsed();
        for (count, query) in stats.patterns.iter_mut().zip(&queries) {
            *count = query.as_ref().map_or(0, |q| q.query.pattern_count());
        }
        // One file per task: rayon would otherwise hand a worker a run of the largest
        // files in one piece, and the other core would idle once its share is done.
        let computed: Vec<(usize, Outcome, Option<OutcomeEntry<Outcome>>)> = missing
            .into_par_iter()
            .with_max_len(1)
            .map_init(QueryCursor::new, |cursor, (index, candidate)| {
                let (outcome, entry) = first_pass(
                    options, cursor, candidate, &queries, matcher, &project, &cache, context,
                );
                (index, outcome, entry)
            })
            .collect();
        for (index, outcome, entry) in computed {
            outcomes[index] = Some(outcome);
            fresh.extend(entry);
        }
        stats.match_wall = matching.elapsed();
        // In the candidates' order, whichever came from the cache.
        Ok(outcomes.into_iter().flatten().collect())
    })?;

    let mut result = walked.result;
    let mut rounds: Vec<RoundEntry> = Vec::new();
    let mut inference = Inference::default();
    for (path, outcome) in first_pass_paths.iter().zip(outcomes) {
        inference.absorb(&mut result, &mut stats, path, outcome);
    }
    if options.infer_helpers {
        let inferring = Instant::now();
        let mut cached = CachedRounds {
            cache: &cache,
            context,
            fresh: Vec::new(),
            rounds: Vec::new(),
        };
        inference.run(
            &mut result,
            &mut stats,
            &walked.files,
            &pool,
            matcher,
            &project,
            options,
            &mut cached,
        )?;
        fresh.append(&mut cached.fresh);
        rounds = cached.rounds;
        stats.helper_wall = inferring.elapsed();
    }
    let Inference {
        helpers,
        map_helpers,
        called,
        case_off,
        parsed,
        ..
    } = inference;
    result.files_parsed = parsed.len();
    // `useCamelCaseFlagKeys: false`: the code reads the service's keys as they are.
    for reference in &mut result.references {
        let off = matcher
            .sdks
            .iter()
            .enumerate()
            .any(|(sdk, spec)| in_set(case_off, sdk) && spec.name == reference.sdk);
        if off {
            reference.case = None;
        }
    }
    result.helpers = helpers
        .all()
        .map(|helper| Helper {
            calls: called.get(&helper.id()).copied().unwrap_or(0),
            // From here on, for people: relative to the root, as references are.
            path: relative_path(&options.root, &helper.path),
            ..helper.clone()
        })
        .collect();
    result.helpers.sort();
    result.map_helpers = map_helpers
        .into_iter()
        .map(|map| MapHelper {
            path: relative_path(&options.root, &map.path),
            ..map
        })
        .collect();
    result.modules_loaded = project.modules_loaded();
    stats.cache_note = cache.note.clone();
    let read_any = walked.from_cache < walked.entries.len();
    let changed = read_any || !fresh.is_empty() || rounds_changed(&cache, &rounds);
    for read in fresh.iter().flat_map(|entry| &entry.reads) {
        if let Read::File(path, hash) = read {
            cache.learn(path, *hash);
        }
    }
    if let Err(err) = cache.save(&options.paths, walked.entries, fresh, rounds, changed) {
        // The scan's answer stands; only the next one will be slower.
        stats.cache_note = Some(format!("cannot write the cache: {err}"));
    }
    result.stats = stats;
    result.references.sort();
    result.references.dedup();
    prefer_direct_reads(&mut result.references);
    result.syntax_errors.sort();
    result.syntax_errors.dedup();
    result.grammar_limits.sort();
    result.grammar_limits.dedup();
    result.skipped.sort();
    result.errors.sort();
    Ok(result)
}

/// The names of the SDKs, or of the wrappers, in `reachable`, each once in matcher order.
/// A wrapper is named by its trigger word (`isFeatureEnabled` for `$_.isFeatureEnabled($KEY)`
/// and `isFeatureEnabled($KEY)` alike): they all share the SDK name "custom".
fn in_use(matcher: &Matcher, reachable: u64, wrappers: bool) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (index, spec) in matcher.sdks.iter().enumerate() {
        if !in_set(reachable, index) || spec.wrapper.is_some() != wrappers {
            continue;
        }
        let name = match (wrappers, spec.triggers.first()) {
            (true, Some(trigger)) => trigger,
            _ => &spec.name,
        };
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// A call site matched by a declared wrapper and by an inferred helper is the wrapper's:
/// declared wrappers win.
fn prefer_direct_reads(references: &mut Vec<Reference>) {
    let direct: std::collections::HashSet<(String, usize, usize)> = references
        .iter()
        .filter(|r| r.via.is_empty())
        .map(|r| (r.file.clone(), r.line, r.column))
        .collect();
    references
        .retain(|r| r.via.is_empty() || !direct.contains(&(r.file.clone(), r.line, r.column)));
}

/// The SDK packages named by the package.json files in and above the scan paths: a folder
/// scanned on its own may use an SDK that only code outside it imports.
fn manifests_above(paths: &[PathBuf], prefilter: &Prefilter) -> u64 {
    let mut folders = std::collections::BTreeSet::new();
    for path in paths {
        let Ok(absolute) = path.canonicalize() else {
            continue;
        };
        folders.extend(absolute.ancestors().map(Path::to_path_buf));
    }
    folders
        .iter()
        .filter_map(|folder| std::fs::read(folder.join("package.json")).ok())
        .fold(0, |set, manifest| set | prefilter.manifest(&manifest))
}

/// One query per grammar for the SDKs its files need, compiled side by side (none when
/// the cache answered for every file).
fn compile_queries<'c>(
    matcher: &Matcher,
    candidates: impl Iterator<Item = &'c Candidate>,
) -> Result<Vec<Option<CompiledQuery>>, QueryError> {
    let mut needed = [0u64; ALL.len()];
    let mut words: [WordSet; ALL.len()] = Default::default();
    for candidate in candidates {
        needed[candidate.lang.index()] |= candidate.sdks;
        words[candidate.lang.index()].union(&candidate.words);
    }
    ALL.par_iter()
        .map(|&lang| match needed[lang.index()] {
            0 => Ok(None),
            set => matcher
                .compile(set, lang, Some(&words[lang.index()]))
                .map(Some),
        })
        .collect()
}

/// Stage 2 for the first pass: the cache's pass number.
const FIRST_PASS: u64 = 0;

/// Stage 2 for one file the cache had no answer for, and the entry that keeps its answer.
#[allow(clippy::too_many_arguments)]
fn first_pass(
    options: &ScanOptions,
    cursor: &mut QueryCursor,
    mut candidate: Candidate,
    queries: &[Option<CompiledQuery>],
    matcher: &Matcher,
    project: &Project,
    cache: &Cache<Outcome>,
    context: u64,
) -> (Outcome, Option<OutcomeEntry<Outcome>>) {
    let (source, hash) = match candidate.source.take() {
        Some(source) => (source, candidate.hash),
        // Stage 1 took the file's facts from the cache; its answer did not hold.
        None => match read_source(options, &candidate) {
            Ok(read) => read,
            Err(outcome) => return (*outcome, None),
        },
    };
    cache.learn(&candidate.path, hash);
    let (outcome, reads) = reads::recording(|| {
        parse_and_match(
            options.infer_helpers,
            cursor,
            &candidate,
            source,
            queries,
            matcher,
            project,
        )
    });
    let entry = OutcomeEntry {
        context: first_pass_context(context, &candidate),
        path: candidate.path,
        pass: FIRST_PASS,
        hash,
        reads,
        value: outcome.clone(),
    };
    (outcome, Some(entry))
}

/// A candidate's text and hash, read now; or the outcome that says why it cannot be.
fn read_source(
    options: &ScanOptions,
    candidate: &Candidate,
) -> Result<(String, u64), Box<Outcome>> {
    let failed = |message: String| {
        Box::new(Outcome {
            error: Some(FileError {
                file: candidate.file.clone(),
                message,
            }),
            ..Outcome::default()
        })
    };
    let bytes = match options
        .files
        .read_at_most(&candidate.path, options.max_file_size)
    {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(bytes)) => return Err(failed(format!("grew to {bytes} bytes during the scan"))),
        Err(err) => return Err(failed(err.to_string())),
    };
    let hash = reads::content_hash(&bytes);
    String::from_utf8(bytes)
        .map(|source| (source, hash))
        .map_err(|_| failed("is no longer UTF-8".to_string()))
}

/// What every answer of this scan depends on besides the files it read: flaglint and
/// its settings (in the cache's key), the files that decide imports, the SDK globals.
fn context_key(
    options: &ScanOptions,
    configs: &mut Vec<(PathBuf, u64)>,
    globals: &[(String, Vec<String>)],
) -> u64 {
    configs.extend(configs_above(&options.paths));
    configs.sort();
    configs.dedup();
    let mut key = KeyHasher::default();
    for (path, hash) in configs.iter() {
        key.add(path.as_os_str().as_encoded_bytes())
            .add(hash.to_le_bytes());
    }
    key.add(format!("{globals:?}"))
        .add([u8::from(options.infer_helpers)])
        .add(options.root.as_os_str().as_encoded_bytes());
    // A round knows which files it read only within the same paths.
    for path in &options.paths {
        key.add(path.as_os_str().as_encoded_bytes());
    }
    key.finish()
}

/// The context of one file's first pass: the scan's, and the SDKs its package reaches.
fn first_pass_context(context: u64, candidate: &Candidate) -> u64 {
    KeyHasher::default()
        .add(context.to_le_bytes())
        .add(candidate.sdks.to_le_bytes())
        .add(&candidate.file)
        .finish()
}

/// The package.json, tsconfig and workspace files in and above the scanned folders,
/// which resolution reads as well.
fn configs_above(paths: &[PathBuf]) -> Vec<(PathBuf, u64)> {
    let mut found = Vec::new();
    for path in paths {
        let Ok(absolute) = path.canonicalize() else {
            continue;
        };
        for folder in absolute.ancestors() {
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let config = path.file_name().is_some_and(|n| n == "package.json")
                    || walked::is_resolution_config(&path);
                if config {
                    if let Ok(bytes) = std::fs::read(&path) {
                        found.push((path, reads::content_hash(&bytes)));
                    }
                }
            }
        }
    }
    found
}

/// What decides whether the cache can be used at all: flaglint's version (checked by the
/// cache) and build, the SDK queries and wrappers, the size limit, the folder paths are
/// relative to.
fn settings_key(options: &ScanOptions, matcher: &Matcher) -> u64 {
    let mut key = KeyHasher::default();
    for sdk in &matcher.sdks {
        key.add(&sdk.file)
            .add(&sdk.source)
            .add(format!("{:?}", sdk.wrapper));
    }
    key.add(options.max_file_size.to_le_bytes());
    // The build, not only the version: a flaglint built from newer code under the same
    // version number must not take an older build's answers.
    let build = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .and_then(|meta| crate::cache::Stamp::of(&meta));
    key.add(format!("{build:?}"));
    if let Ok(cwd) = std::env::current_dir() {
        key.add(cwd.as_os_str().as_encoded_bytes());
    }
    key.finish()
}

/// Whether the helper rounds read other files than the cached scan's rounds did.
fn rounds_changed(cache: &Cache<Outcome>, rounds: &[RoundEntry]) -> bool {
    rounds
        .iter()
        .any(|round| cache.round(round.pass) != Some(round.visited.as_slice()))
}

fn relative_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `/`-separated on every platform, without a leading `./`.
pub fn display_path(relative: &Path) -> String {
    let text = relative.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(String::from).unwrap_or(text)
}
