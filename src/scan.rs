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

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use tree_sitter::QueryCursor;

use crate::matcher::{find_references, CompiledQuery, Matcher, QueryError};
use crate::parse::{bare_jsx_ampersands_only, parse, Lang, ALL};
use crate::prefilter::{in_set, Prefilter, WordSet};
use crate::reference::Reference;
use crate::resolve::{Module, Project};
use crate::walk::{walker, FileFilter, Files, WalkError};

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Reference paths are relative to this.
    pub root: PathBuf,
    pub threads: usize,
    pub filter: FileFilter,
    pub max_file_size: u64,
    /// The working tree, or git's index (`check --staged`).
    pub files: Files,
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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum SkipReason {
    TooLarge { bytes: u64, limit: u64 },
    Binary,
    NotUtf8,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    pub file: String,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// A valid file the tree-sitter grammar rejects in part: where, the first time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct GrammarLimit {
    pub file: String,
    pub line: usize,
}

/// A file that could not be read: the answer is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
    let walked = walk_and_prefilter(options, &prefilter, progress)?;
    progress.finish_and_clear();

    let imported = walked.imported | manifests_above(&options.paths, &prefilter);
    let reachable = matcher.reachable(imported);
    let mut candidates: Vec<Candidate> = walked
        .candidates
        .into_iter()
        .filter_map(|mut candidate| {
            candidate.sdks &= reachable;
            (candidate.sdks != 0).then_some(candidate)
        })
        .collect();
    // Largest first, so that no worker is left with a big file at the end.
    candidates.sort_by_key(|c| std::cmp::Reverse(c.source.len()));
    let mut stats = ScanStats {
        bytes_read: walked.bytes_read,
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
    let project = Project::new(options.max_file_size).reading(options.files.clone());
    let outcomes = pool.install(|| -> Result<Vec<Outcome>, ScanError> {
        let compiling = Instant::now();
        let queries = compile_queries(matcher, &candidates)?;
        stats.compile = compiling.elapsed();
        for (count, query) in stats.patterns.iter_mut().zip(&queries) {
            *count = query.as_ref().map_or(0, |q| q.query.pattern_count());
        }
        let matching = Instant::now();
        let outcomes = candidates
            .into_par_iter()
            .map_init(QueryCursor::new, |cursor, candidate| {
                parse_and_match(cursor, candidate, &queries, matcher, &project)
            })
            .collect();
        stats.match_wall = matching.elapsed();
        Ok(outcomes)
    })?;

    let mut result = walked.result;
    for outcome in outcomes {
        result.files_parsed += usize::from(outcome.parsed);
        result.references.extend(outcome.references);
        result.syntax_errors.extend(outcome.syntax_error);
        result.grammar_limits.extend(outcome.grammar_limit);
        stats.parse_cpu += outcome.parse_time;
        stats.match_cpu += outcome.match_time;
    }
    result.modules_loaded = project.modules_loaded();
    result.stats = stats;
    result.references.sort();
    result.references.dedup();
    result.syntax_errors.sort();
    result.grammar_limits.sort();
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

/// A file with trigger words, read and waiting to be parsed.
struct Candidate {
    path: PathBuf,
    file: String,
    lang: Lang,
    source: String,
    /// The SDKs whose trigger words it holds.
    sdks: u64,
    words: WordSet,
}

/// What stage 1 leaves for stage 2.
#[derive(Default)]
struct Walked {
    candidates: Vec<Candidate>,
    /// The SDKs whose packages some file names.
    imported: u64,
    bytes_read: u64,
    result: ScanResult,
}

impl Walked {
    fn absorb(&mut self, other: Walked) {
        self.candidates.extend(other.candidates);
        self.imported |= other.imported;
        self.bytes_read += other.bytes_read;
        self.result.files_scanned += other.result.files_scanned;
        self.result.skipped.extend(other.result.skipped);
        self.result.errors.extend(other.result.errors);
    }
}

fn walk_and_prefilter(
    options: &ScanOptions,
    prefilter: &Prefilter,
    progress: &ProgressBar,
) -> Result<Walked, WalkError> {
    let walk = walker(&options.paths, options.threads)?;
    let merged = Arc::new(Mutex::new(Walked::default()));
    let mut builder = VisitorBuilder {
        options,
        prefilter,
        merged: merged.clone(),
        progress,
    };
    walk.visit(&mut builder);
    drop(builder);
    Ok(Arc::try_unwrap(merged)
        .ok()
        .and_then(|m| m.into_inner().ok())
        .unwrap_or_default())
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

/// One query per grammar for the SDKs its files need, compiled side by side.
fn compile_queries(
    matcher: &Matcher,
    candidates: &[Candidate],
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

/// What stage 2 found in one file.
#[derive(Default)]
struct Outcome {
    references: Vec<Reference>,
    parsed: bool,
    syntax_error: Option<String>,
    grammar_limit: Option<GrammarLimit>,
    parse_time: Duration,
    /// Matching and resolving, imported modules parsed on the way included.
    match_time: Duration,
}

fn parse_and_match(
    cursor: &mut QueryCursor,
    candidate: Candidate,
    queries: &[Option<CompiledQuery>],
    matcher: &Matcher,
    project: &Project,
) -> Outcome {
    let Candidate {
        path,
        file,
        lang,
        source,
        sdks,
        ..
    } = candidate;
    let Some(Some(query)) = queries.get(lang.index()) else {
        return Outcome::default();
    };
    let parsing = Instant::now();
    let Some(tree) = parse(lang, &source) else {
        return Outcome::default();
    };
    let parse_time = parsing.elapsed();
    let mut syntax_error = tree.root_node().has_error().then(|| file.clone());
    let grammar_limit = syntax_error
        .as_ref()
        .and_then(|_| bare_jsx_ampersands_only(&tree, source.as_bytes()))
        .map(|line| GrammarLimit {
            file: file.clone(),
            line,
        });
    if grammar_limit.is_some() {
        syntax_error = None;
    }
    let module = Module::new(path, source, tree);
    let matching = Instant::now();
    let references = find_references(matcher, query, sdks, project, cursor, &module, &file);
    Outcome {
        references,
        parsed: true,
        syntax_error,
        grammar_limit,
        parse_time,
        match_time: matching.elapsed(),
    }
}

struct VisitorBuilder<'s> {
    options: &'s ScanOptions,
    prefilter: &'s Prefilter,
    merged: Arc<Mutex<Walked>>,
    progress: &'s ProgressBar,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            options: self.options,
            prefilter: self.prefilter,
            local: Walked::default(),
            merged: self.merged.clone(),
            progress: self.progress.clone(),
        })
    }
}

struct FileVisitor<'s> {
    options: &'s ScanOptions,
    prefilter: &'s Prefilter,
    local: Walked,
    merged: Arc<Mutex<Walked>>,
    progress: ProgressBar,
}

impl Drop for FileVisitor<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        if let Ok(mut merged) = self.merged.lock() {
            merged.absorb(local);
        }
    }
}

impl ParallelVisitor for FileVisitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                self.local.result.errors.push(FileError {
                    file: err
                        .to_string()
                        .split(':')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    message: err.to_string(),
                });
                return WalkState::Continue;
            }
        };
        let relative = relative_path(&self.options.root, entry.path());
        let Some(file_type) = entry.file_type() else {
            return WalkState::Continue;
        };
        if file_type.is_dir() {
            if entry.depth() > 0 && self.options.filter.skips_dir(&relative) {
                return WalkState::Skip;
            }
            return WalkState::Continue;
        }
        if !file_type.is_file() {
            return WalkState::Continue;
        }
        if let Some(lang) = self.options.filter.accepts_file(&relative) {
            self.prefilter_file(entry.path(), &relative, lang);
        } else if entry.file_name() == "package.json" {
            if let Ok(manifest) = std::fs::read(entry.path()) {
                self.local.imported |= self.prefilter.manifest(&manifest);
            }
        }
        WalkState::Continue
    }
}

impl FileVisitor<'_> {
    fn prefilter_file(&mut self, path: &Path, relative: &Path, lang: Lang) {
        self.local.result.files_scanned += 1;
        self.progress.inc(1);
        let limit = self.options.max_file_size;
        let bytes = match self.options.files.read_at_most(path, limit) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(bytes)) => {
                self.local.result.skipped.push(Skipped {
                    file: display_path(relative),
                    reason: SkipReason::TooLarge { bytes, limit },
                });
                return;
            }
            Err(err) => {
                self.local.result.errors.push(FileError {
                    file: display_path(relative),
                    message: err.to_string(),
                });
                return;
            }
        };
        self.local.bytes_read += bytes.len() as u64;
        let hits = self.prefilter.scan(&bytes);
        self.local.imported |= hits.packages;
        if hits.triggers == 0 {
            return;
        }
        let file = display_path(relative);
        if memchr::memchr(0, &bytes).is_some() {
            self.local.result.skipped.push(Skipped {
                file,
                reason: SkipReason::Binary,
            });
            return;
        }
        let Ok(source) = String::from_utf8(bytes) else {
            self.local.result.skipped.push(Skipped {
                file,
                reason: SkipReason::NotUtf8,
            });
            return;
        };
        self.local.candidates.push(Candidate {
            path: path.to_owned(),
            file,
            lang,
            source,
            sdks: hits.triggers,
            words: hits.words,
        });
    }
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
