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
use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator};

use crate::matcher::{in_set, CompiledQuery, Matcher, Predicate, QueryError};
use crate::parse::{property_name, string_value, text};
use crate::parse::{Lang, ALL};
use crate::prefilter::{Prefilter, WordSet};
use crate::reference::{Dynamic, Reference};
use crate::resolve::{Key, Module, Origin, Project};
use crate::walk::{read_at_most, walker, FileFilter, WalkError};

/// A dynamic expression is shown up to this many characters.
const MAX_EXPRESSION_CHARS: usize = 120;

pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    /// Reference paths are relative to this.
    pub root: PathBuf,
    pub threads: usize,
    pub filter: FileFilter,
    pub max_file_size: u64,
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
    /// The SDKs (and wrappers) some file imports or that need no import.
    pub sdks_in_use: Vec<String>,
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
        sdks_in_use: (0..matcher.sdks.len())
            .filter(|&sdk| in_set(reachable, sdk))
            .map(|sdk| matcher.sdks[sdk].name.clone())
            .collect(),
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
    let project = Project::new(options.max_file_size);
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
            .map_init(
                || (Parser::new(), QueryCursor::new()),
                |(parser, cursor), candidate| {
                    parse_and_match(parser, cursor, candidate, &queries, matcher, &project)
                },
            )
            .collect();
        stats.match_wall = matching.elapsed();
        Ok(outcomes)
    })?;

    let mut result = walked.result;
    for outcome in outcomes {
        result.files_parsed += usize::from(outcome.parsed);
        result.references.extend(outcome.references);
        result.syntax_errors.extend(outcome.syntax_error);
        stats.parse_cpu += outcome.parse_time;
        stats.match_cpu += outcome.match_time;
    }
    result.modules_loaded = project.modules_loaded();
    result.stats = stats;
    result.references.sort();
    result.references.dedup();
    result.syntax_errors.sort();
    result.skipped.sort();
    result.errors.sort();
    Ok(result)
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
        .fold(0, |set, manifest| set | prefilter.scan(&manifest).packages)
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
    parse_time: Duration,
    /// Matching and resolving, imported modules parsed on the way included.
    match_time: Duration,
}

fn parse_and_match(
    parser: &mut Parser,
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
    if parser.set_language(&lang.grammar()).is_err() {
        return Outcome::default();
    }
    let parsing = Instant::now();
    let Some(tree) = parser.parse(&source, None) else {
        return Outcome::default();
    };
    let parse_time = parsing.elapsed();
    let syntax_error = tree.root_node().has_error().then(|| file.clone());
    let module = Module::new(path, source, tree);
    let matching = Instant::now();
    let references = find_references(matcher, query, sdks, project, cursor, &module, &file);
    Outcome {
        references,
        parsed: true,
        syntax_error,
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
                self.local.imported |= self.prefilter.scan(&manifest).packages;
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
        let bytes = match read_at_most(path, limit) {
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

/// Every reference in one parsed file.
/// `sdks`: the SDKs whose trigger words the file holds; other SDKs' patterns are passed over.
pub fn find_references(
    matcher: &Matcher,
    compiled: &CompiledQuery,
    sdks: u64,
    project: &Project,
    cursor: &mut QueryCursor,
    module: &Module,
    file: &str,
) -> Vec<Reference> {
    let source = module.source.as_bytes();
    let mut references = Vec::new();
    let mut mentions = Mentions::default();
    let mut matches = cursor.matches(&compiled.query, module.tree.root_node(), source);
    while let Some(found) = matches.next() {
        let Some(info) = compiled.patterns.get(found.pattern_index) else {
            continue;
        };
        if !in_set(sdks, info.sdk) {
            continue;
        }
        let Some(sdk) = matcher.sdks.get(info.sdk) else {
            continue;
        };
        let node_of = |capture: u32| {
            found
                .captures
                .iter()
                .find(|c| c.index == capture)
                .map(|c| c.node)
        };
        let mut origin: Option<Origin> = None;
        let holds = info.predicates.iter().all(|predicate| match predicate {
            // A name the code never spells cannot be bound, imported or called here:
            // checking the text first spares resolving every member expression of the file.
            Predicate::Sdk { names, .. } | Predicate::SdkFrom { names, .. }
                if !names.is_empty() && !mentions.any(source, names) =>
            {
                false
            }
            Predicate::Sdk { capture, names } => node_of(*capture)
                .and_then(|n| project.sdk_origin(module, n, &sdk.packages))
                .is_some_and(|o| {
                    names.is_empty() || o.name.as_ref().is_some_and(|n| names.contains(n))
                }),
            Predicate::SdkFrom { capture, names } => {
                origin = node_of(*capture)
                    .and_then(|n| project.sdk_origin(module, n, &sdk.packages))
                    .filter(|o| o.called.as_ref().is_some_and(|c| names.contains(c)));
                origin.is_some()
            }
            Predicate::ListedInOriginArg { key, argument } => {
                let listed = origin
                    .as_ref()
                    .and_then(|o| o.listed.get(*argument).cloned())
                    .flatten();
                match (listed, node_of(*key)) {
                    (Some(listed), Some(key)) => listed.contains(&property_name(key, source)),
                    (None, _) => true,
                    (Some(_), None) => false,
                }
            }
            Predicate::Imports { names } => project.imports_any(module, &sdk.packages, names),
            Predicate::FromCall { capture, callee } => {
                node_of(*capture).is_some_and(|n| initialized_by_call(module, n, callee))
            }
        });
        if !holds {
            continue;
        }
        let Some(reference_node) = node_of(info.reference_capture) else {
            continue;
        };
        let shape = shape_of(reference_node, source);
        let reference_at = |node: Node, key: Option<String>, dynamic: Option<Dynamic>| {
            let (line, column) = position(node, source);
            Reference {
                file: file.to_string(),
                line,
                column,
                key,
                dynamic,
                sdk: sdk.name.clone(),
                kind: info.kind,
                case: info.case.clone(),
                span: first_line_chars(node, source),
                shape: shape.clone(),
            }
        };
        let key_nodes = found
            .captures
            .iter()
            .filter(|c| Some(c.index) == compiled.key_capture)
            .map(|c| c.node)
            .filter(|n| n.kind() != "comment");
        for key_node in key_nodes {
            // An inline array gives one reference per element, each at its own place;
            // a named one (`useFlags(FEATURE_FLAGS)`) gives them all at the argument.
            let keyed: Vec<(Node, Key)> = if key_node.kind() == "array" {
                let mut cursor = key_node.walk();
                let elements: Vec<Node> = key_node
                    .named_children(&mut cursor)
                    .filter(|e| e.kind() != "comment")
                    .collect();
                elements
                    .into_iter()
                    .map(|e| (e, key_of(project, module, e)))
                    .collect()
            } else {
                match key_of(project, module, key_node) {
                    Key::List(keys) => keys.into_iter().map(|k| (key_node, k)).collect(),
                    key => vec![(key_node, key)],
                }
            };
            for (key_node, key) in keyed {
                let key = match &sdk.wrapper {
                    Some(wrapper) => wrapper_key(wrapper, key),
                    None => key,
                };
                let (key, dynamic) = match key {
                    Key::Known(key) => (Some(key), None),
                    unknown => {
                        let prefix = match unknown {
                            Key::Dynamic { prefix } => prefix,
                            _ => None,
                        };
                        let expression = expression_text(key_node, source);
                        (None, Some(Dynamic { expression, prefix }))
                    }
                };
                references.push(reference_at(key_node, key, dynamic));
            }
        }
        if let Some(fixed) = &info.fixed_key {
            references.push(reference_at(reference_node, Some(fixed.clone()), None));
        }
    }
    references
}

/// A wrapper's code key as the service names it: through its `keys` map, then its prefix.
fn wrapper_key(wrapper: &crate::matcher::wrapper::WrapperKeys, key: Key) -> Key {
    let Key::Known(code) = key else {
        return key;
    };
    let mapped = if wrapper.map.is_empty() {
        code
    } else {
        match wrapper.map.get(&code) {
            Some(service) => service.clone(),
            // Not in the map: no flag the wrapper knows of.
            None => return Key::Dynamic { prefix: None },
        }
    };
    Key::Known(format!(
        "{}{mapped}",
        wrapper.prefix.as_deref().unwrap_or("")
    ))
}

/// `m` in `const m = useFlagMap(); m.newNav`: a variable holding the result of `callee()`.
fn initialized_by_call(module: &Module, node: Node, callee: &str) -> bool {
    use crate::resolve::scope::Binding;
    let source = module.source.as_bytes();
    let Some(Binding::Const { value: Some(value) } | Binding::Variable { value: Some(value) }) =
        module.lookup(text(node, source), node)
    else {
        return false;
    };
    let mut value = value;
    while matches!(
        value.kind(),
        "await_expression" | "parenthesized_expression"
    ) {
        match value.named_child(0) {
            Some(inner) => value = inner,
            None => return false,
        }
    }
    value.kind() == "call_expression"
        && value
            .child_by_field_name("function")
            .is_some_and(|f| text(f, source) == callee)
}

/// Which SDK names a file's text contains, looked up once per name.
#[derive(Default)]
struct Mentions {
    seen: std::collections::HashMap<String, bool>,
}

impl Mentions {
    fn any(&mut self, source: &[u8], names: &[String]) -> bool {
        names.iter().any(|name| match self.seen.get(name.as_str()) {
            Some(&seen) => seen,
            None => {
                let seen = memchr::memmem::find(source, name.as_bytes()).is_some();
                self.seen.insert(name.clone(), seen);
                seen
            }
        })
    }
}

/// A key node: an expression to follow, or a property name that is the key itself.
fn key_of(project: &Project, module: &Module, node: Node) -> Key {
    let source = module.source.as_bytes();
    match node.kind() {
        "property_identifier" | "shorthand_property_identifier_pattern" => {
            Key::Known(text(node, source).to_string())
        }
        "string" => string_value(node, source).map_or(Key::Dynamic { prefix: None }, Key::Known),
        "computed_property_name" => match node.named_child(0) {
            Some(inner) => project.key(module, inner),
            None => Key::Dynamic { prefix: None },
        },
        _ => project.key(module, node),
    }
}

/// 1-based line and column in characters.
fn position(node: Node, source: &[u8]) -> (usize, usize) {
    let point = node.start_position();
    let line_start = node.start_byte() - point.column;
    let column = std::str::from_utf8(&source[line_start..node.start_byte()])
        .map(|s| s.chars().count())
        .unwrap_or(point.column);
    (point.row + 1, column + 1)
}

/// How many characters of a node stand on its first line.
fn first_line_chars(node: Node, source: &[u8]) -> usize {
    text(node, source)
        .lines()
        .next()
        .map_or(1, |line| line.chars().count())
}

fn expression_text(node: Node, source: &[u8]) -> String {
    let collapsed = text(node, source)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if collapsed.chars().count() <= MAX_EXPRESSION_CHARS {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(MAX_EXPRESSION_CHARS).collect();
    cut.push('…');
    cut
}

/// How the code reads the flag, for people: `flagsmith.hasFeature()`, `flags.<key>`.
fn shape_of(node: Node, source: &[u8]) -> String {
    // Line breaks inside a chained call go; spaces between words (`await x`) stay.
    let collapse = |n: Node| {
        text(n, source)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" .", ".")
            .replace(" ?.", "?.")
    };
    match node.kind() {
        "call_expression" => node
            .child_by_field_name("function")
            .map(|f| format!("{}()", collapse(f)))
            .unwrap_or_default(),
        "member_expression" | "subscript_expression" => node
            .child_by_field_name("object")
            .map(|o| format!("{}.<key>", collapse(o)))
            .unwrap_or_default(),
        "jsx_opening_element" | "jsx_self_closing_element" => node
            .child_by_field_name("name")
            .map(|n| format!("<{}>", collapse(n)))
            .unwrap_or_default(),
        _ => expression_text(node, source),
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
