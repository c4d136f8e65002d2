//! `flaglint fix`: removes a dead flag from the code, the way the team would have by hand.
//!
//! The boundary types are the scan's [`Reference`]s in and a [`FixPlan`] out: per file,
//! the byte-span edits of the original text, plus what was left alone and why. The
//! stages, one file each:
//!
//! - [`reads`]: each reference found again in a fresh parse, and what the read becomes;
//! - [`fold`]: the reads folded into their code (`if`, `&&`, ternaries, JSX, hooks);
//! - [`unused`]: imports, locals and hook calls that lost their last use;
//! - [`declarations`]: the flag's entries in the app's registries, across files;
//! - [`conditional`]: which components render a prop by a condition;
//! - [`edit`] and [`layout`]: pieces, edits, lines and indentation;
//! - [`diff`]: the unified diff of the dry run.
//!
//! A file whose result would not parse (with errors its original did not have) is left
//! alone and reported.

pub mod conditional;
pub mod declarations;
pub mod diff;
pub mod edit;
pub mod files;
mod fold;
pub mod layout;
pub mod reads;
pub mod unused;
pub mod value;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tree_sitter::{Node, Tree};

use crate::parse::{parse, Lang};
use crate::reference::Reference;
use crate::resolve::paths::ModulePaths;
use conditional::ConditionalComponents;
use edit::{apply, Edit, Pieces};
use value::FlagValue;

/// A flag to remove and the value it serves everywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct FlagChoice {
    pub key: String,
    pub value: FlagValue,
}

/// A source file of the app, as the scan names it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the scan root, `/`-separated: as [`Reference::file`].
    pub path: String,
    pub absolute: PathBuf,
    pub text: String,
}

pub struct FixInput<'a> {
    pub flags: &'a [FlagChoice],
    /// Every reference the scan found (all flags: reads of other flags are effect-free).
    pub references: &'a [Reference],
    pub files: &'a [SourceFile],
    /// Keys of every known flag, to tell flag registries from other objects.
    pub known_keys: &'a BTreeSet<String>,
    pub conditionals: &'a ConditionalComponents,
}

/// One file's changes.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: String,
    pub absolute: PathBuf,
    pub before: String,
    pub edits: Vec<Edit>,
    pub after: String,
}

/// A read left as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftRead {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub key: String,
    pub reason: String,
}

/// A file left alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refusal {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct FixPlan {
    pub changes: Vec<FileChange>,
    pub left: Vec<LeftRead>,
    pub refused: Vec<Refusal>,
    /// "now unused: src/OldCheckout.tsx": files nothing imports any more.
    pub hints: Vec<String>,
    /// Reads replaced, per flag key.
    pub reads: BTreeMap<String, usize>,
}

/// One file on its way through the stages.
struct Work<'a> {
    file: &'a SourceFile,
    tree: Tree,
    pieces: Pieces,
    /// Imports folding or unused code removal took out: (specifier, names).
    removed_imports: Vec<(String, Vec<String>)>,
    /// The spans of the reads of the flags being removed.
    flag_reads: Vec<Range<usize>>,
    /// Declarations that go when no code uses them (see [`declarations`]).
    named: Vec<(declarations::Needle, Range<usize>)>,
}

pub fn plan(input: &FixInput) -> FixPlan {
    let mut plan = FixPlan::default();
    let by_path: HashMap<&str, &SourceFile> =
        input.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut references_by_file: HashMap<&str, Vec<&Reference>> = HashMap::new();
    for reference in input.references {
        references_by_file
            .entry(reference.file.as_str())
            .or_default()
            .push(reference);
    }
    // Stage 1: reads, folding and what lost its use, in each file that reads the flags.
    let reading: Vec<&str> = {
        let mut files: Vec<&str> = references_by_file
            .iter()
            .filter(|(_, refs)| refs.iter().any(|r| choice_of(input.flags, r).is_some()))
            .map(|(f, _)| *f)
            .collect();
        files.sort();
        files
    };
    let outcomes: Vec<Folded> = reading
        .par_iter()
        .map(|path| match by_path.get(path) {
            Some(file) => fold_file(file, &references_by_file[path], input),
            None => (
                None,
                references_by_file[path]
                    .iter()
                    .filter_map(|r| choice_of(input.flags, r).map(|c| (r, c)))
                    .map(|(r, c)| left(r, &c.key, "the file could not be read again".into()))
                    .collect(),
                BTreeMap::new(),
            ),
        })
        .collect();
    let mut work: HashMap<String, Work> = HashMap::new();
    for (done, left_reads, counts) in outcomes {
        plan.left.extend(left_reads);
        for (key, count) in counts {
            *plan.reads.entry(key).or_default() += count;
        }
        if let Some(done) = done {
            work.insert(done.file.path.clone(), done);
        }
    }
    // Stage 2: the flags' declarations, in any file that spells a key, for each flag
    // whose reads all went (a read left means the flag is still in use).
    let settled: Vec<&FlagChoice> = input
        .flags
        .iter()
        .filter(|f| !plan.left.iter().any(|l| l.key == f.key))
        .collect();
    if !settled.is_empty() {
        let spelling: Vec<&SourceFile> = input
            .files
            .iter()
            .filter(|f| {
                settled
                    .iter()
                    .any(|flag| f.text.contains(flag.key.as_str()))
            })
            .collect();
        type Found = (
            String,
            Option<Tree>,
            declarations::Declarations,
            Vec<(String, usize)>,
        );
        let found: Vec<Found> = spelling
            .par_iter()
            .map(|file| {
                let tree = match work.get(&file.path) {
                    Some(_) => None,
                    None => parse_file(file),
                };
                let root_tree = work.get(&file.path).map(|w| &w.tree).or(tree.as_ref());
                let mut all = declarations::Declarations::default();
                let mut gates = Vec::new();
                if let Some(root) = root_tree.map(|t| t.root_node()) {
                    for flag in &settled {
                        if file.text.contains(flag.key.as_str()) {
                            let found = declarations::find(
                                &file.text,
                                root,
                                &flag.key,
                                flag.value.enabled,
                                input.known_keys,
                            );
                            all.cuts.extend(found.cuts);
                            all.named.extend(found.named);
                            gates.extend(found.gates_left.iter().map(|&at| (flag.key.clone(), at)));
                        }
                    }
                }
                (file.path.clone(), tree, all, gates)
            })
            .collect();
        for (path, tree, found, gates) in found {
            let Some(file) = by_path.get(path.as_str()) else {
                continue;
            };
            for (key, at) in gates {
                let (line, column) = crate::config::line_column(&file.text, at);
                plan.hints.push(format!(
                    "{path}:{line}:{column}: gated on `{key}`, which is off: remove what it gates by hand"
                ));
            }
            if found.cuts.is_empty() && found.named.is_empty() {
                continue;
            }
            if generated(&file.text) {
                plan.hints.push(format!(
                    "{path} is generated: regenerate it to drop the flag's declaration"
                ));
                continue;
            }
            let entry = match work.entry(path.clone()) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => match tree {
                    Some(tree) => v.insert(Work {
                        file,
                        tree,
                        pieces: Pieces::kept(0..file.text.len()),
                        removed_imports: Vec::new(),
                        flag_reads: Vec::new(),
                        named: Vec::new(),
                    }),
                    None => continue,
                },
            };
            for cut in found.cuts {
                entry.pieces.cut(cut);
            }
            entry.named.extend(found.named);
        }
        // Declarations that wait for the code go when no code outside them (and outside
        // the flag's other declarations, which go together) uses them any more.
        let named: Vec<(String, declarations::Needle, Range<usize>)> = work
            .values()
            .flat_map(|w| {
                w.named
                    .iter()
                    .map(|(needle, cut)| (w.file.path.clone(), needle.clone(), cut.clone()))
            })
            .collect();
        let waiting = |path: &str, range: &Range<usize>| {
            named
                .iter()
                .any(|(p, _, cut)| p == path && cut.start <= range.start && range.end <= cut.end)
        };
        let mut trees: HashMap<String, Tree> = HashMap::new();
        let mut cuts: Vec<(String, Range<usize>)> = Vec::new();
        for (path, needle, cut) in &named {
            let mut found = None;
            for file in input.files {
                if found.is_some() {
                    break;
                }
                if !file.text.contains(needle.text()) {
                    continue;
                }
                let tree = match work.get(&file.path) {
                    Some(w) => &w.tree,
                    None => match trees.entry(file.path.clone()) {
                        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                        std::collections::hash_map::Entry::Vacant(v) => match parse_file(file) {
                            Some(tree) => v.insert(tree),
                            None => continue,
                        },
                    },
                };
                let pieces = work.get(&file.path).map(|w| &w.pieces);
                found = first_use(tree.root_node(), file, needle, |range| {
                    !waiting(&file.path, range) && pieces.is_none_or(|p| p.keeps(range))
                })
                .map(|at| (file, at));
            }
            match found {
                None => cuts.push((path.clone(), cut.clone())),
                Some((file, at)) => {
                    let (line, column) = crate::config::line_column(&file.text, at);
                    let declared = by_path
                        .get(path.as_str())
                        .map_or((0, 0), |f| crate::config::line_column(&f.text, cut.start));
                    plan.hints.push(format!(
                        "kept the declaration at {path}:{}: still used at {}:{line}:{column}",
                        declared.0, file.path
                    ));
                }
            }
        }
        for (path, cut) in cuts {
            if let Some(w) = work.get_mut(&path) {
                w.pieces.cut(cut);
            }
        }
    }
    // Stage 3: what lost its last use. In each file, then across files: an exported
    // function or constant that importers no longer use, anywhere, goes too (the app's
    // own helper around the flag), which may leave more unused in its file.
    let mut pending: Vec<String> = work.keys().cloned().collect();
    let mut removed_imports: Vec<(PathBuf, String)> = Vec::new();
    let paths = ModulePaths::default();
    for _round in 0..MAX_ROUNDS {
        if pending.is_empty() {
            break;
        }
        pending.sort();
        pending.dedup();
        let mut lost: Vec<(PathBuf, String, String)> = Vec::new();
        for path in std::mem::take(&mut pending) {
            let Some(w) = work.get_mut(&path) else {
                continue;
            };
            let text = &w.file.text;
            let reads = read_spans(
                w.tree.root_node(),
                text,
                references_by_file.get(path.as_str()),
            );
            let more = unused::remove_unused(text, w.tree.root_node(), &mut w.pieces, &reads);
            w.removed_imports.extend(more.imports.iter().cloned());
            for (from, names) in w.removed_imports.drain(..) {
                removed_imports.push((w.file.absolute.clone(), from.clone()));
                for name in names {
                    lost.push((w.file.absolute.clone(), from.clone(), name));
                }
            }
        }
        for (importer, specifier, name) in lost {
            let Some(file) = defining_file(input.files, &paths, &importer, &specifier, &name)
            else {
                continue;
            };
            if !work.contains_key(&file.path) {
                let Some(tree) = parse_file(file) else {
                    continue;
                };
                work.insert(
                    file.path.clone(),
                    Work {
                        file,
                        tree,
                        pieces: Pieces::kept(0..file.text.len()),
                        removed_imports: Vec::new(),
                        flag_reads: Vec::new(),
                        named: Vec::new(),
                    },
                );
            }
            let Some(w) = work.get(&file.path) else {
                continue;
            };
            let Some((cut, anchor)) = exported_declaration(w.tree.root_node(), &file.text, &name)
            else {
                continue;
            };
            // Only the flag's own helper: an export that read the flag. Any other export
            // may have users outside the scanned folders.
            let reads_flag = w
                .flag_reads
                .iter()
                .any(|r| cut.start <= r.start && r.end <= cut.end);
            if !reads_flag || !w.pieces.keeps(&anchor) || generated(&file.text) {
                continue;
            }
            let used = input.files.iter().any(|other| {
                if !other.text.contains(name.as_str()) {
                    return false;
                }
                let except = if other.path == file.path {
                    cut.clone()
                } else {
                    0..0
                };
                match work.get(&other.path) {
                    Some(o) => mentioned_in_pieces(&other.text, &o.pieces, &name, &except),
                    None => declarations::mentions(&other.text, &name, &except),
                }
            });
            if !used {
                if let Some(w) = work.get_mut(&file.path) {
                    w.pieces.cut(cut);
                }
                pending.push(file.path.clone());
            }
        }
    }
    // Stage 4: every changed file's edits, checked by parsing the result.
    let mut paths: Vec<String> = work.keys().cloned().collect();
    paths.sort();
    for path in paths {
        let Some(mut w) = work.remove(&path) else {
            continue;
        };
        let text = &w.file.text;
        layout::tidy_blank_lines(text, &mut w.pieces);
        let edits = w.pieces.edits(text);
        if edits.is_empty() {
            continue;
        }
        let after = apply(text, &edits);
        if let Some(reason) = new_syntax_errors(w.file, &w.tree, &after) {
            plan.refused.push(Refusal {
                file: path.clone(),
                reason,
            });
            continue;
        }
        plan.changes.push(FileChange {
            path,
            absolute: w.file.absolute.clone(),
            before: text.clone(),
            edits,
            after,
        });
    }
    plan.hints
        .extend(now_unused(input.files, &plan.changes, &removed_imports));
    plan.hints.sort();
    plan.left.sort();
    plan.refused.sort();
    plan
}

/// Rounds of "an import lost a name, so its export may go": each can only follow imports
/// one step further, and real helpers sit one or two steps from their callers.
const MAX_ROUNDS: usize = 4;

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || b.canonicalize().is_ok_and(|b| a == b)
}

/// The file that declares `name` imported from `specifier` in `importer`, through
/// `export * from` barrels (an index file re-exporting its folder).
fn defining_file<'a>(
    files: &'a [SourceFile],
    paths: &ModulePaths,
    importer: &Path,
    specifier: &str,
    name: &str,
) -> Option<&'a SourceFile> {
    let mut target = paths.resolve(importer, specifier)?;
    for _ in 0..MAX_ROUNDS {
        let file = files.iter().find(|f| same_file(&f.absolute, &target))?;
        let tree = parse_file(file)?;
        let root = tree.root_node();
        if exported_declaration(root, &file.text, name).is_some() {
            return Some(file);
        }
        let src = file.text.as_bytes();
        let mut cursor = root.walk();
        let barrels: Vec<String> = root
            .named_children(&mut cursor)
            .filter(|s| {
                s.kind() == "export_statement" && s.child_by_field_name("declaration").is_none()
            })
            .filter(|s| {
                let mut c = s.walk();
                let bare = !s
                    .named_children(&mut c)
                    .any(|n| n.kind() == "export_clause");
                bare
            })
            .filter_map(|s| s.child_by_field_name("source"))
            .filter_map(|s| crate::parse::string_value(s, src))
            .collect();
        target = barrels.iter().find_map(|spec| {
            let next = paths.resolve(&file.absolute, spec)?;
            let next_file = files.iter().find(|f| same_file(&f.absolute, &next))?;
            let declares = parse_file(next_file).is_some_and(|t| {
                exported_declaration(t.root_node(), &next_file.text, name).is_some()
                    || next_file.text.contains("export *")
            });
            declares.then_some(next)
        })?;
    }
    None
}

/// The span of the top-level `export function name` / `export const name = ...` (a
/// single declarator) in a module, with the comments attached to it; and the span of its
/// name, there as long as the declaration is.
fn exported_declaration(
    root: Node,
    text: &str,
    name: &str,
) -> Option<(Range<usize>, Range<usize>)> {
    let src = text.as_bytes();
    let mut cursor = root.walk();
    let statements: Vec<Node> = root.named_children(&mut cursor).collect();
    statements.into_iter().find_map(|statement| {
        if statement.kind() != "export_statement" {
            return None;
        }
        let declaration = statement.child_by_field_name("declaration")?;
        let declared = match declaration.kind() {
            "function_declaration" | "class_declaration" => declaration.child_by_field_name("name"),
            "lexical_declaration" => {
                let mut inner = declaration.walk();
                let declarators: Vec<Node> = declaration
                    .named_children(&mut inner)
                    .filter(|d| d.kind() == "variable_declarator")
                    .collect();
                match declarators.as_slice() {
                    [only] => only.child_by_field_name("name"),
                    _ => None,
                }
            }
            _ => None,
        }?;
        (crate::parse::text(declared, src) == name).then(|| {
            (
                layout::statement_span(text, statement),
                declared.start_byte()..declared.end_byte(),
            )
        })
    })
}

/// The flag a reference reads, if it is one being removed (keys compared as the code
/// spells them: LaunchDarkly's React SDK camel-cases them). A key the scan could not
/// follow counts when it names the flag outright: `Flags.NEW_NAV` for the flag
/// `NEW_NAV`, an enum or map imported from a package the scan does not read.
fn choice_of<'a>(flags: &'a [FlagChoice], reference: &Reference) -> Option<&'a FlagChoice> {
    let Some(key) = reference.key.as_deref() else {
        let expression = &reference.dynamic.as_ref()?.expression;
        let tail = named_member(expression)?;
        return flags.iter().find(|f| f.key == tail);
    };
    flags.iter().find(|f| match reference.case.as_deref() {
        Some(case) => crate::rules::transform_case(&f.key, case) == key,
        None => f.key == key,
    })
}

/// `A.B.C` gives `C`, for a path of plain names only.
fn named_member(expression: &str) -> Option<&str> {
    let (_, tail) = expression.rsplit_once('.')?;
    let name = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    expression.split('.').all(name).then_some(tail)
}

fn left(reference: &Reference, key: &str, reason: String) -> LeftRead {
    LeftRead {
        file: reference.file.clone(),
        line: reference.line,
        column: reference.column,
        key: key.to_string(),
        reason,
    }
}

fn parse_file(file: &SourceFile) -> Option<Tree> {
    parse(Lang::from_path(Path::new(&file.path))?, &file.text)
}

/// What stage 1 gives for one file: its work so far, the reads left and the reads
/// replaced per flag.
type Folded<'a> = (Option<Work<'a>>, Vec<LeftRead>, BTreeMap<String, usize>);

fn fold_file<'a>(file: &'a SourceFile, references: &[&Reference], input: &FixInput) -> Folded<'a> {
    let mut left_reads = Vec::new();
    let mut counts = BTreeMap::new();
    let ours: Vec<(&Reference, &FlagChoice)> = references
        .iter()
        .filter_map(|r| choice_of(input.flags, r).map(|c| (*r, c)))
        .collect();
    let Some(tree) = parse_file(file) else {
        let left_reads = ours
            .iter()
            .map(|(r, c)| left(r, &c.key, "the file does not parse".into()))
            .collect();
        return (None, left_reads, counts);
    };
    let root = tree.root_node();
    let mut found: Vec<reads::Read> = Vec::new();
    for (reference, choice) in &ours {
        match reads::locate(root, &file.text, reference, &choice.value) {
            Ok(read) => {
                if !found.iter().any(|r| r.node == read.node) {
                    *counts.entry(choice.key.clone()).or_insert(0) += 1;
                    found.push(read);
                }
            }
            Err(reason) => left_reads.push(left(reference, &choice.key, reason)),
        }
    }
    let flag_reads = found
        .iter()
        .map(|r| r.node.start_byte()..r.node.end_byte())
        .collect();
    let lookup = |name: &str| input.conditionals.lookup(&file.absolute, &file.text, name);
    let mut pieces = fold::fold(&file.text, root, &found, &lookup);
    let reads = read_spans(root, &file.text, Some(&references.to_vec()));
    let removed = unused::remove_unused(&file.text, root, &mut pieces, &reads);
    drop(found);
    let work = Work {
        file,
        tree,
        pieces,
        removed_imports: removed.imports,
        flag_reads,
        named: Vec::new(),
    };
    (Some(work), left_reads, counts)
}

/// The spans of every flag read in a file (any flag): calls that are free of effects.
fn read_spans(root: Node, text: &str, references: Option<&Vec<&Reference>>) -> Vec<Range<usize>> {
    let any = FlagValue::on_off(true);
    references
        .map(|refs| {
            refs.iter()
                .filter_map(|r| reads::locate(root, text, r, &any).ok())
                .map(|read| read.node.start_byte()..read.node.end_byte())
                .collect()
        })
        .unwrap_or_default()
}

/// The first use of `needle` in a parsed file that `live` accepts (not removed, not one of
/// the declarations waiting with it), as a byte offset.
fn first_use(
    root: Node,
    file: &SourceFile,
    needle: &declarations::Needle,
    live: impl Fn(&Range<usize>) -> bool,
) -> Option<usize> {
    let src = file.text.as_bytes();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let range = node.start_byte()..node.end_byte();
        if node.kind() == "comment" || !file.text[range.clone()].contains(needle.text()) {
            continue;
        }
        if needle.used_by(node, src) && live(&range) {
            return Some(node.start_byte());
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    None
}

/// A file that says it is generated: editing it by hand is undone by the next generation.
fn generated(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "auto generated",
        "auto-generated",
        "autogenerated",
        "@generated",
        "do not edit",
    ]
    .iter()
    .any(|mark| head.contains(mark))
}

fn mentioned_in_pieces(text: &str, pieces: &Pieces, name: &str, except: &Range<usize>) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let end = at + name.len();
        declarations::whole_word(text, at, end)
            && !(except.start <= at && end <= except.end)
            && pieces.keeps(&(at..end))
    })
}

/// Why `after` may not replace the file: it has syntax errors the original did not.
fn new_syntax_errors(file: &SourceFile, before: &Tree, after: &str) -> Option<String> {
    let lang = Lang::from_path(Path::new(&file.path))?;
    let Some(tree) = parse(lang, after) else {
        return Some("the result could not be parsed".into());
    };
    let errors_after = error_lines(tree.root_node());
    if errors_after.is_empty() {
        return None;
    }
    let errors_before = error_lines(before.root_node()).len();
    if errors_after.len() <= errors_before {
        return None;
    }
    let lines: Vec<String> = errors_after.iter().take(3).map(|l| l.to_string()).collect();
    Some(format!(
        "the result would not parse (line {}); left as it was",
        lines.join(", ")
    ))
}

/// 1-based lines of ERROR and MISSING nodes.
fn error_lines(root: Node) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if !node.has_error() {
            continue;
        }
        if node.is_error() || node.is_missing() {
            lines.push(node.start_position().row + 1);
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// Files an import was removed from that no file imports any more.
fn now_unused(
    files: &[SourceFile],
    changes: &[FileChange],
    removed: &[(PathBuf, String)],
) -> Vec<String> {
    let paths = ModulePaths::default();
    let after: HashMap<&Path, &str> = changes
        .iter()
        .map(|c| (c.absolute.as_path(), c.after.as_str()))
        .collect();
    let mut targets: Vec<(PathBuf, &SourceFile)> = Vec::new();
    for (from, specifier) in removed {
        if let Some(target) = paths.resolve(from, specifier) {
            let target = target.canonicalize().unwrap_or(target);
            if let Some(file) = files
                .iter()
                .find(|f| f.absolute.canonicalize().ok().as_ref() == Some(&target))
            {
                if !targets.iter().any(|(t, _)| *t == target) {
                    targets.push((target, file));
                }
            }
        }
    }
    let mut hints = Vec::new();
    for (target, target_file) in targets {
        let stem = match target.file_stem().and_then(|s| s.to_str()) {
            Some("index") => target
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str()),
            other => other,
        };
        let Some(stem) = stem else {
            continue;
        };
        let imported = files.iter().any(|file| {
            if file.path == target_file.path {
                return false;
            }
            let text = after
                .get(file.absolute.as_path())
                .copied()
                .unwrap_or(file.text.as_str());
            if !text.contains(stem) {
                return false;
            }
            specifiers_mentioning(text, stem).iter().any(|specifier| {
                paths
                    .resolve(&file.absolute, specifier)
                    .map(|p| p.canonicalize().unwrap_or(p))
                    .is_some_and(|p| p == target)
            })
        });
        if !imported {
            hints.push(format!("now unused: {}", target_file.path));
        }
    }
    hints.sort();
    hints
}

/// String literals on import, export and require lines that contain `stem`.
fn specifiers_mentioning(text: &str, stem: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.contains(stem)) {
        let imports = line.contains("from")
            || line.contains("require(")
            || line.contains("import(")
            || line.trim_start().starts_with("import");
        if !imports {
            continue;
        }
        for quote in ['\'', '"', '`'] {
            let mut parts = line.split(quote);
            parts.next();
            while let Some(inside) = parts.next() {
                if inside.contains(stem) {
                    out.push(inside.to_string());
                }
                parts.next();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
