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

use crate::matcher::helpers::{
    find_helper_calls, find_map_helpers, name_seeds, Helper, HelperId, HelperTable, MapHelper,
};
use crate::matcher::{find_references, Aliases, CompiledQuery, Found, Matcher, QueryError};
use crate::parse::{bare_jsx_ampersands_only, parse, Lang, ALL};
use crate::prefilter::{in_set, Prefilter, ScopeFacts, SdkScopes, WordSet};
use crate::reference::Reference;
use crate::resolve::{Module, Project};
use crate::walk::{read_at_most, walker, FileFilter, Files, WalkError};

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
    let mut walked = walk_and_prefilter(options, &prefilter, &global_names, progress)?;
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
    // A script-tag install names no package; the SDK's global is its client wherever the
    // SDK is in use and the name is not declared in the file.
    let globals = (0..matcher.sdks.len())
        .filter(|&sdk| in_set(imported, sdk))
        .flat_map(|sdk| {
            let spec = &matcher.sdks[sdk];
            spec.globals
                .iter()
                .map(move |global| (global.clone(), spec.packages.clone()))
        })
        .collect();
    let project = Project::new(options.max_file_size)
        .reading(options.files.clone())
        .with_globals(globals);
    let outcomes = pool.install(|| -> Result<Vec<Outcome>, ScanError> {
        let compiling = Instant::now();
        let queries = compile_queries(matcher, &candidates)?;
        stats.compile = compiling.elapsed();
        for (count, query) in stats.patterns.iter_mut().zip(&queries) {
            *count = query.as_ref().map_or(0, |q| q.query.pattern_count());
        }
        let matching = Instant::now();
        // One file per task: rayon would otherwise hand a worker a run of the largest
        // files in one piece, and the other core would idle once its share is done.
        let outcomes = candidates
            .into_par_iter()
            .with_max_len(1)
            .map_init(QueryCursor::new, |cursor, candidate| {
                parse_and_match(
                    options.infer_helpers,
                    cursor,
                    candidate,
                    &queries,
                    matcher,
                    &project,
                )
            })
            .collect();
        stats.match_wall = matching.elapsed();
        Ok(outcomes)
    })?;

    let mut result = walked.result;
    let mut inference = Inference::default();
    for outcome in outcomes {
        inference.absorb(&mut result, &mut stats, outcome);
    }
    if options.infer_helpers {
        let inferring = Instant::now();
        inference.run(
            &mut result,
            &mut stats,
            &walked.files,
            &pool,
            matcher,
            &project,
            options,
        )?;
        stats.helper_wall = inferring.elapsed();
    }
    let Inference {
        helpers,
        map_helpers,
        called,
        case_off,
        ..
    } = inference;
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
    result.stats = stats;
    result.references.sort();
    result.references.dedup();
    prefer_direct_reads(&mut result.references);
    result.syntax_errors.sort();
    result.syntax_errors.dedup();
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

/// Helpers of helpers are looked for this many rounds deep at most: a chain longer than
/// this is a cycle or not worth following.
const MAX_HELPER_ROUNDS: usize = 8;

/// Helper inference across rounds: what is known, and what the last round found.
#[derive(Default)]
struct Inference {
    helpers: HelperTable,
    map_helpers: Vec<MapHelper>,
    /// Call sites found per helper.
    called: std::collections::HashMap<HelperId, usize>,
    /// SDKs whose key case transform the code turns off.
    case_off: u64,
    /// Found in the last round, not yet searched for.
    new_helpers: Vec<Helper>,
    new_map_helpers: Vec<MapHelper>,
}

impl Inference {
    /// Adds what one file gave to the result, and its helpers to the next round.
    fn absorb(&mut self, result: &mut ScanResult, stats: &mut ScanStats, outcome: Outcome) {
        self.case_off |= outcome.case_off;
        result.files_parsed += usize::from(outcome.parsed);
        result.references.extend(outcome.references);
        result.syntax_errors.extend(outcome.syntax_error);
        result.grammar_limits.extend(outcome.grammar_limit);
        result.skipped.extend(outcome.skipped);
        result.errors.extend(outcome.error);
        for id in outcome.called {
            *self.called.entry(id).or_default() += 1;
        }
        self.new_helpers.extend(outcome.helpers);
        self.new_map_helpers.extend(outcome.map_helpers);
        stats.parse_cpu += outcome.parse_time;
        stats.match_cpu += outcome.match_time;
    }

    /// Rounds until no helper is new: each reads again the files that name a new helper
    /// and finds their call sites (and, for a function returning an SDK's flag map, the
    /// reads of what it returns).
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        result: &mut ScanResult,
        stats: &mut ScanStats,
        files: &[WalkedFile],
        pool: &rayon::ThreadPool,
        matcher: &Matcher,
        project: &Project,
        options: &ScanOptions,
    ) -> Result<(), ScanError> {
        let sdk_names: Vec<String> = matcher.sdks.iter().map(|s| s.name.clone()).collect();
        let mut aliases = Aliases::new();
        loop {
            let new_helpers = self.helpers.add(std::mem::take(&mut self.new_helpers));
            let mut new_maps = std::mem::take(&mut self.new_map_helpers);
            new_maps.retain(|m| !self.map_helpers.contains(m));
            new_maps.sort();
            new_maps.dedup();
            if new_helpers.is_empty() && new_maps.is_empty() {
                break;
            }
            if stats.helper_rounds == MAX_HELPER_ROUNDS {
                // Never searched for: their reads stand as dynamic references.
                result
                    .references
                    .extend(new_helpers.iter().flat_map(|h| h.reads.clone()));
                break;
            }
            stats.helper_rounds += 1;
            for map in &new_maps {
                let names = aliases.entry(map.stands_for.clone()).or_default();
                if !names.contains(&map.name) {
                    names.push(map.name.clone());
                }
            }
            self.map_helpers.extend(new_maps.iter().cloned());
            let round = Round::new(new_helpers, &new_maps, matcher, &sdk_names, &aliases)?;
            let outcomes: Vec<Outcome> = pool.install(|| {
                files
                    .par_iter()
                    .map_init(QueryCursor::new, |cursor, file| {
                        round.visit(file, cursor, matcher, project, options)
                    })
                    .flatten()
                    .collect()
            });
            stats.helper_files += outcomes.len();
            for outcome in outcomes {
                self.absorb(result, stats, outcome);
            }
        }
        Ok(())
    }
}

/// One round of helper inference: the helpers and map helpers it looks for.
struct Round<'a> {
    helpers: HelperTable,
    /// The SDKs the new map helpers stand for, and one query per grammar for their reads.
    map_sdks: u64,
    map_queries: Vec<Option<CompiledQuery>>,
    names: Vec<String>,
    map_names: Vec<String>,
    sdk_names: &'a [String],
    aliases: &'a Aliases,
}

impl<'a> Round<'a> {
    fn new(
        new_helpers: Vec<Helper>,
        new_maps: &[MapHelper],
        matcher: &Matcher,
        sdk_names: &'a [String],
        aliases: &'a Aliases,
    ) -> Result<Round<'a>, ScanError> {
        let mut helpers = HelperTable::default();
        helpers.add(new_helpers);
        let map_sdks = crate::prefilter::sdk_set(new_maps.iter().map(|m| m.sdk));
        let map_queries = if new_maps.is_empty() {
            Vec::new()
        } else {
            let seen = matcher.word_set(new_maps.iter().map(|m| m.stands_for.as_str()));
            ALL.iter()
                .map(|&lang| matcher.compile(map_sdks, lang, Some(&seen)).map(Some))
                .collect::<Result<_, _>>()?
        };
        Ok(Round {
            names: helpers.names().map(String::from).collect(),
            map_names: new_maps.iter().map(|m| m.name.clone()).collect(),
            helpers,
            map_sdks,
            map_queries,
            sdk_names,
            aliases,
        })
    }

    /// One file: if it names one of the round's helpers, parse it (once per run) and find
    /// their call sites and reads.
    fn visit(
        &self,
        walked: &WalkedFile,
        cursor: &mut QueryCursor,
        matcher: &Matcher,
        project: &Project,
        options: &ScanOptions,
    ) -> Option<Outcome> {
        let mut outcome = Outcome::default();
        let module = match project.parsed(&walked.path) {
            Some(module) => module,
            None => {
                let bytes = options
                    .files
                    .read_at_most(&walked.path, options.max_file_size)
                    .ok()?
                    .ok()?;
                if !mentions_any(&bytes, &self.names) && !mentions_any(&bytes, &self.map_names) {
                    return None;
                }
                if memchr::memchr(0, &bytes).is_some() {
                    outcome.skipped = Some(Skipped {
                        file: walked.file.clone(),
                        reason: SkipReason::Binary,
                    });
                    return Some(outcome);
                }
                let Ok(source) = String::from_utf8(bytes) else {
                    outcome.skipped = Some(Skipped {
                        file: walked.file.clone(),
                        reason: SkipReason::NotUtf8,
                    });
                    return Some(outcome);
                };
                let parsing = Instant::now();
                let tree = parse(walked.lang, &source)?;
                outcome.parse_time = parsing.elapsed();
                outcome.parsed = true;
                (outcome.syntax_error, outcome.grammar_limit) =
                    syntax_notes(&tree, source.as_bytes(), &walked.file);
                project.adopt(Module::new(walked.path.clone(), source, tree))
            }
        };
        let text = module.source.as_bytes();
        let calls_helpers = mentions_any(text, &self.names);
        let reads_maps = mentions_any(text, &self.map_names);
        if !calls_helpers && !reads_maps {
            return None;
        }
        let matching = Instant::now();
        if calls_helpers {
            outcome.match_helpers(
                project,
                &module,
                &walked.file,
                &self.helpers,
                self.sdk_names,
            );
        }
        if let Some(Some(query)) = self
            .map_queries
            .get(walked.lang.index())
            .filter(|_| reads_maps)
        {
            let found = find_references(
                matcher,
                query,
                self.map_sdks,
                project,
                cursor,
                &module,
                &walked.file,
                self.aliases,
            );
            outcome.found(&module, found);
        }
        outcome.match_time = matching.elapsed();
        Some(outcome)
    }
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

/// One file of the walk, remembered for the helper rounds.
struct WalkedFile {
    path: PathBuf,
    file: String,
    lang: Lang,
}

impl Outcome {
    fn match_helpers(
        &mut self,
        project: &Project,
        module: &Arc<Module>,
        file: &str,
        helpers: &HelperTable,
        sdk_names: &[String],
    ) {
        let calls = find_helper_calls(project, module, file, helpers, sdk_names);
        let (helpers, fallbacks) = name_seeds(module, calls.seeds);
        self.references.extend(calls.references);
        self.references.extend(fallbacks);
        self.called.extend(calls.called);
        self.helpers.extend(helpers);
        self.helpers.extend(calls.helpers);
    }

    /// What the SDK queries found in a file: references, and helpers named from its seeds.
    fn found(&mut self, module: &Module, found: Found) {
        let (helpers, fallbacks) = name_seeds(module, found.seeds);
        self.references.extend(found.references);
        self.references.extend(fallbacks);
        self.helpers.extend(helpers);
    }
}

/// Whether `text` holds one of `names` as a whole identifier.
fn mentions_any(text: &[u8], names: &[String]) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    names.iter().any(|name| {
        memchr::memmem::find_iter(text, name.as_bytes()).any(|at| {
            let before = at.checked_sub(1).map(|i| text[i]);
            let after = text.get(at + name.len()).copied();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
    })
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
    /// Every JS/TS file read, for the helper rounds.
    files: Vec<WalkedFile>,
    /// The SDKs whose packages some file names.
    imported: u64,
    /// The SDKs an HTML page of the repository installs with a script tag.
    script_tags: u64,
    /// Which package names which SDK, for scoping them package by package.
    scope: ScopeFacts,
    bytes_read: u64,
    result: ScanResult,
}

impl Walked {
    fn absorb(&mut self, other: Walked) {
        self.candidates.extend(other.candidates);
        self.files.extend(other.files);
        self.imported |= other.imported;
        self.script_tags |= other.script_tags;
        self.scope.absorb(other.scope);
        self.bytes_read += other.bytes_read;
        self.result.files_scanned += other.result.files_scanned;
        self.result.skipped.extend(other.result.skipped);
        self.result.errors.extend(other.result.errors);
    }
}

fn walk_and_prefilter(
    options: &ScanOptions,
    prefilter: &Prefilter,
    globals: &[(String, usize)],
    progress: &ProgressBar,
) -> Result<Walked, WalkError> {
    let walk = walker(&options.paths, options.threads)?;
    let merged = Arc::new(Mutex::new(Walked::default()));
    let mut builder = VisitorBuilder {
        options,
        prefilter,
        globals,
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
    /// The SDKs whose case transform of keys the file turns off.
    case_off: u64,
    /// Flag helpers defined in the file, and those it calls.
    helpers: Vec<Helper>,
    map_helpers: Vec<MapHelper>,
    called: Vec<HelperId>,
    skipped: Option<Skipped>,
    error: Option<FileError>,
    parsed: bool,
    syntax_error: Option<String>,
    grammar_limit: Option<GrammarLimit>,
    parse_time: Duration,
    /// Matching and resolving, imported modules parsed on the way included.
    match_time: Duration,
}

/// A file with syntax errors, or (when its only errors are a bare `&` in JSX text, valid
/// JSX the grammar rejects) a grammar limit: either way its valid parts are scanned.
fn syntax_notes(
    tree: &tree_sitter::Tree,
    source: &[u8],
    file: &str,
) -> (Option<String>, Option<GrammarLimit>) {
    if !tree.root_node().has_error() {
        return (None, None);
    }
    match bare_jsx_ampersands_only(tree, source) {
        Some(line) => (
            None,
            Some(GrammarLimit {
                file: file.to_string(),
                line,
            }),
        ),
        None => (Some(file.to_string()), None),
    }
}

fn parse_and_match(
    infer_helpers: bool,
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
    let (syntax_error, grammar_limit) = syntax_notes(&tree, source.as_bytes(), &file);
    let module = project.adopt(Module::new(path, source, tree));
    let matching = Instant::now();
    let found = find_references(
        matcher,
        query,
        sdks,
        project,
        cursor,
        &module,
        &file,
        &Aliases::new(),
    );
    let case_off = crate::prefilter::sdk_set((0..matcher.sdks.len()).filter(|&sdk| {
        in_set(sdks, sdk) && matcher.sdks[sdk].turns_case_off(module.source.as_bytes())
    }));
    let mut outcome = Outcome {
        parsed: true,
        syntax_error,
        grammar_limit,
        parse_time,
        case_off,
        ..Outcome::default()
    };
    if infer_helpers {
        outcome.found(&module, found);
        outcome.map_helpers = find_map_helpers(project, &module, matcher, sdks);
    } else {
        // No inference: the reads inside helpers stand as the dynamic references they are.
        outcome.references = found.references;
        outcome
            .references
            .extend(found.seeds.into_iter().map(|s| s.fallback));
    }
    outcome.match_time = matching.elapsed();
    outcome
}

struct VisitorBuilder<'s> {
    options: &'s ScanOptions,
    prefilter: &'s Prefilter,
    globals: &'s [(String, usize)],
    merged: Arc<Mutex<Walked>>,
    progress: &'s ProgressBar,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            options: self.options,
            prefilter: self.prefilter,
            globals: self.globals,
            local: Walked::default(),
            merged: self.merged.clone(),
            progress: self.progress.clone(),
        })
    }
}

struct FileVisitor<'s> {
    options: &'s ScanOptions,
    prefilter: &'s Prefilter,
    /// Each SDK's global names, for script tags in HTML pages.
    globals: &'s [(String, usize)],
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
                let manifest = self.prefilter.read_manifest(&manifest);
                self.local.imported |= manifest.sdks;
                let path = crate::resolve::paths::normalize(entry.path());
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                self.local.scope.manifests.push((dir, manifest));
            }
        } else if is_html(entry.path()) {
            let installed = self.script_tags(entry.path());
            if installed != 0 {
                self.local.script_tags |= installed;
                let path = crate::resolve::paths::normalize(entry.path());
                self.local.scope.script_tags.push((path, installed));
            }
        }
        WalkState::Continue
    }
}

fn is_html(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

impl FileVisitor<'_> {
    /// The SDKs whose script-tag install this HTML page holds: a `<script>` and the SDK's
    /// global name (`posthog.init(`, `flagsmith.init(`).
    fn script_tags(&self, path: &Path) -> u64 {
        let Ok(Ok(bytes)) = read_at_most(path, self.options.max_file_size) else {
            return 0;
        };
        if memchr::memmem::find(&bytes, b"<script").is_none() {
            return 0;
        }
        self.globals
            .iter()
            .filter(|(global, _)| {
                memchr::memmem::find(&bytes, format!("{global}.").as_bytes()).is_some()
            })
            .fold(0, |set, (_, sdk)| set | (1u64 << sdk))
    }

    fn prefilter_file(&mut self, path: &Path, relative: &Path, lang: Lang) {
        // One name per file, as imports name it (`./src/a.ts` and `src/a.ts` are one module).
        let path = &crate::resolve::paths::normalize(path);
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
        self.local.files.push(WalkedFile {
            path: path.to_owned(),
            file: display_path(relative),
            lang,
        });
        let hits = self.prefilter.scan(&bytes);
        self.local.imported |= hits.packages;
        if hits.packages != 0 {
            self.local
                .scope
                .imports
                .push((path.to_owned(), hits.packages));
        }
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
