//! The scan: walk, prefilter, parse, match and resolve every file, in parallel.
//!
//! Each walker thread owns its parser and query cursor and collects its references
//! locally; the lists are merged and sorted after the walk, so the output is the same
//! at any thread count. `Project` (imported modules, tsconfig aliases) is the only
//! shared state, and it is read-mostly.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tree_sitter::{Node, Parser, QueryCursor, StreamingIterator};

use crate::lang::Lang;
use crate::matcher::{Matcher, Predicate};
use crate::prefilter::Prefilter;
use crate::reference::{Dynamic, Reference};
use crate::resolve::scope::{property_name, string_value, text};
use crate::resolve::{Key, Module, Origin, Project};
use crate::walk::{walker, FileFilter, WalkError};

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
}

pub fn scan(options: &ScanOptions, matcher: &Matcher) -> Result<ScanResult, WalkError> {
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
) -> Result<ScanResult, WalkError> {
    let project = Project::new(options.max_file_size);
    let prefilter = Prefilter::new(&matcher.triggers());
    let walk = walker(&options.paths, options.threads)?;
    let merged = Arc::new(Mutex::new(ScanResult::default()));
    let mut builder = VisitorBuilder {
        options,
        matcher,
        prefilter: &prefilter,
        project: &project,
        merged: merged.clone(),
        progress,
    };
    walk.visit(&mut builder);
    drop(builder);
    progress.finish_and_clear();

    let mut result = Arc::try_unwrap(merged)
        .ok()
        .and_then(|m| m.into_inner().ok())
        .unwrap_or_default();
    result.modules_loaded = project.modules_loaded();
    result.references.sort();
    result.references.dedup();
    result.syntax_errors.sort();
    result.skipped.sort();
    result.errors.sort();
    Ok(result)
}

struct VisitorBuilder<'s> {
    options: &'s ScanOptions,
    matcher: &'s Matcher,
    prefilter: &'s Prefilter,
    project: &'s Project,
    merged: Arc<Mutex<ScanResult>>,
    progress: &'s ProgressBar,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            options: self.options,
            matcher: self.matcher,
            prefilter: self.prefilter,
            project: self.project,
            parser: Parser::new(),
            cursor: QueryCursor::new(),
            local: ScanResult::default(),
            merged: self.merged.clone(),
            progress: self.progress.clone(),
        })
    }
}

struct FileVisitor<'s> {
    options: &'s ScanOptions,
    matcher: &'s Matcher,
    prefilter: &'s Prefilter,
    project: &'s Project,
    parser: Parser,
    cursor: QueryCursor,
    local: ScanResult,
    merged: Arc<Mutex<ScanResult>>,
    progress: ProgressBar,
}

impl Drop for FileVisitor<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        if let Ok(mut merged) = self.merged.lock() {
            merged.references.extend(local.references);
            merged.files_scanned += local.files_scanned;
            merged.files_parsed += local.files_parsed;
            merged.syntax_errors.extend(local.syntax_errors);
            merged.skipped.extend(local.skipped);
            merged.errors.extend(local.errors);
        }
    }
}

impl ParallelVisitor for FileVisitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                self.local.errors.push(FileError {
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
            self.scan_file(entry.path(), &relative, lang);
        }
        WalkState::Continue
    }
}

impl FileVisitor<'_> {
    fn scan_file(&mut self, path: &Path, relative: &Path, lang: Lang) {
        let file = display_path(relative);
        self.local.files_scanned += 1;
        self.progress.inc(1);
        let limit = self.options.max_file_size;
        match std::fs::metadata(path) {
            Ok(meta) if meta.len() > limit => {
                self.local.skipped.push(Skipped {
                    file,
                    reason: SkipReason::TooLarge {
                        bytes: meta.len(),
                        limit,
                    },
                });
                return;
            }
            Ok(_) => {}
            Err(err) => {
                self.local.errors.push(FileError {
                    file,
                    message: err.to_string(),
                });
                return;
            }
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.local.errors.push(FileError {
                    file,
                    message: err.to_string(),
                });
                return;
            }
        };
        let sdks = self.prefilter.sdks_in(&bytes);
        if sdks == 0 {
            return;
        }
        if bytes.contains(&0) {
            self.local.skipped.push(Skipped {
                file,
                reason: SkipReason::Binary,
            });
            return;
        }
        let source = match String::from_utf8(bytes) {
            Ok(source) => source,
            Err(_) => {
                self.local.skipped.push(Skipped {
                    file,
                    reason: SkipReason::NotUtf8,
                });
                return;
            }
        };
        if self.parser.set_language(&lang.grammar()).is_err() {
            return;
        }
        let Some(tree) = self.parser.parse(&source, None) else {
            return;
        };
        self.local.files_parsed += 1;
        if tree.root_node().has_error() {
            self.local.syntax_errors.push(file.clone());
        }
        let module = Module::new(path.to_owned(), source, tree);
        for sdk in (0..self.matcher.sdks.len()).filter(|i| sdks & (1u64 << i) != 0) {
            let found = find_references(
                self.matcher,
                sdk,
                self.project,
                &mut self.cursor,
                &module,
                lang,
                &file,
            );
            self.local.references.extend(found);
        }
    }
}

/// Every reference in one parsed file.
pub fn find_references(
    matcher: &Matcher,
    sdk: usize,
    project: &Project,
    cursor: &mut QueryCursor,
    module: &Module,
    lang: Lang,
    file: &str,
) -> Vec<Reference> {
    let Ok(compiled) = matcher.query(sdk, lang) else {
        return Vec::new();
    };
    let source = module.source.as_bytes();
    let mut references = Vec::new();
    let mut mentions = Mentions::default();
    let mut matches = cursor.matches(&compiled.query, module.tree.root_node(), source);
    while let Some(found) = matches.next() {
        let Some(info) = compiled.patterns.get(found.pattern_index) else {
            continue;
        };
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
        names.iter().any(|name| {
            *self
                .seen
                .entry(name.clone())
                .or_insert_with(|| memchr::memmem::find(source, name.as_bytes()).is_some())
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
