//! The modules of one scan: each file parsed at most once, on whichever worker first
//! needs it, and kept for every later question; and the paths between them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tree_sitter::{Node, Tree};

use super::answer::Origin;
use super::fields::FieldIds;
use super::index::{self, ScopeIndex};
use super::paths::ModulePaths;
use super::reads::{self, Read};
use super::scope::Binding;
use crate::parse::{parse, text, Lang};
use crate::walk::Files;

/// One parsed source file.
pub struct Module {
    pub path: PathBuf,
    pub source: String,
    pub tree: Tree,
    /// [`reads::content_hash`] of the source, noted by every file whose answer reads it.
    pub hash: u64,
    /// Field ids of the module's grammar, looked up on first use.
    fields: OnceLock<FieldIds>,
    /// Which names each scope may declare, filled in by lookups.
    scopes: ScopeIndex,
    /// `this.member` origins per class of this module.
    pub(super) members: MemberOrigins,
}

impl Module {
    pub fn new(path: PathBuf, source: String, tree: Tree) -> Module {
        Module {
            path,
            hash: reads::content_hash(source.as_bytes()),
            source,
            tree,
            fields: OnceLock::new(),
            scopes: ScopeIndex::default(),
            members: MemberOrigins::default(),
        }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        self.source.as_bytes()
    }

    pub(super) fn fields(&self) -> &FieldIds {
        self.fields
            .get_or_init(|| FieldIds::of(&self.tree.language()))
    }

    /// The binding `name` has at `at` (a node of this module's tree): the answer of
    /// [`scope::lookup`], found through a per-module index instead of scanning every
    /// enclosing scope.
    pub fn lookup<'m>(&'m self, name: &str, at: Node<'m>) -> Option<Binding<'m>> {
        self.scopes
            .lookup(self.fields(), self.tree.root_node(), name, at, self.bytes())
    }

    /// Whether `node` names a variable holding the result of calling `callee`: `m` in
    /// `const m = useFlagMap(); m.newNav`.
    pub fn holds_result_of(&self, node: Node, callee: &str) -> bool {
        let source = self.bytes();
        let Some(Binding::Const { value: Some(value) } | Binding::Variable { value: Some(value) }) =
            self.lookup(text(node, source), node)
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

    /// `at`'s ancestors, innermost first.
    pub(super) fn ancestors<'m>(&'m self, at: Node<'m>) -> Vec<Node<'m>> {
        match index::ancestors(self.tree.root_node(), at) {
            Some(mut chain) => {
                chain.reverse();
                chain
            }
            None => std::iter::successors(at.parent(), |n| n.parent()).collect(),
        }
    }
}

/// `Project::this_member_origin` answers: by class body and depth, then member, project
/// and packages. An answer depends on nothing else (the files are read once and do not
/// change during a run), and reading the whole class body again for every
/// `this.client.x()` in it is what it saves.
#[derive(Default)]
pub(super) struct MemberOrigins {
    answers: Mutex<HashMap<(usize, usize), Vec<MemberOrigin>>>,
}

pub(super) struct MemberOrigin {
    pub(super) member: String,
    pub(super) project: u64,
    pub(super) packages: Vec<String>,
    pub(super) origin: Option<Origin>,
    /// What finding the origin read of other files.
    pub(super) reads: Vec<Read>,
}

impl MemberOrigins {
    pub(super) fn get(
        &self,
        key: (usize, usize),
        member: &str,
        project: u64,
        packages: &[String],
    ) -> Option<Option<Origin>> {
        let answers = self.answers.lock().ok()?;
        answers
            .get(&key)?
            .iter()
            .find(|a| a.member == member && a.project == project && a.packages == packages)
            .map(|a| {
                reads::note_all(&a.reads);
                a.origin.clone()
            })
    }

    pub(super) fn insert(&self, key: (usize, usize), answer: MemberOrigin) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.entry(key).or_default().push(answer);
        }
    }
}

type ModuleSlot = Arc<OnceLock<Option<Arc<Module>>>>;

/// Shared by all worker threads: the modules imported so far and the tsconfig aliases.
pub struct Project {
    modules: Mutex<HashMap<PathBuf, ModuleSlot>>,
    paths: ModulePaths,
    max_file_size: u64,
    /// Where the importing files were read from, so imports are read from there too.
    files: Files,
    loaded: AtomicUsize,
    /// Tells projects apart in the answers a module remembers.
    pub(super) id: u64,
    /// Files looked at through `export * from` but not parsed, so that each is read once:
    /// a barrel file re-exports dozens of modules, and only one of them holds the name.
    star_texts: Mutex<HashMap<PathBuf, StarText>>,
    /// Which module a barrel's `export *` gets each name from.
    pub(super) star_sources: StarSources,
    /// Global names that are SDK clients in this project, with the SDK's packages.
    globals: Vec<(String, Vec<String>)>,
}

impl Default for Project {
    fn default() -> Project {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Project {
            modules: Mutex::default(),
            paths: ModulePaths::default(),
            max_file_size: 0,
            files: Files::default(),
            loaded: AtomicUsize::new(0),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            star_texts: Mutex::default(),
            star_sources: StarSources::default(),
            globals: Vec::new(),
        }
    }
}

impl Project {
    pub fn new(max_file_size: u64) -> Project {
        Project {
            max_file_size,
            ..Project::default()
        }
    }

    /// Global names that are an SDK's client here (a script tag installs the SDK): each
    /// with the packages of its SDK.
    pub fn with_globals(mut self, globals: Vec<(String, Vec<String>)>) -> Project {
        self.globals = globals;
        self
    }

    /// Whether `name`, used without a declaration, is a global client of the SDK with
    /// these packages.
    pub(super) fn is_global_client(&self, name: &str, packages: &[String]) -> bool {
        self.globals
            .iter()
            .any(|(global, of)| global == name && of.as_slice() == packages)
    }

    /// Imported modules are read from `files` (the working tree by default).
    pub fn reading(self, files: Files) -> Project {
        Project { files, ..self }
    }

    /// How many imported modules were parsed for resolution.
    pub fn modules_loaded(&self) -> usize {
        self.loaded.load(Ordering::Relaxed)
    }

    fn load(&self, path: &Path) -> Option<Arc<Module>> {
        self.load_with(path, || self.read(path))
    }

    /// Keeps a module the scan parsed itself, so that imports of it and later rounds do
    /// not parse it again; the one already kept, if another worker kept it first.
    pub fn adopt(&self, module: Module) -> Arc<Module> {
        let path = module.path.clone();
        let slot = match self.modules.lock() {
            Ok(mut modules) => modules.entry(path).or_default().clone(),
            Err(_) => return Arc::new(module),
        };
        let mut module = Some(module);
        let kept = slot.get_or_init(|| module.take().map(Arc::new)).clone();
        match (kept, module) {
            (Some(kept), _) => kept,
            // The slot holds a failed parse of the same file: keep this one apart.
            (None, Some(module)) => Arc::new(module),
            (None, None) => unreachable!("the module was kept or is still here"),
        }
    }

    /// The module at `path` if it was parsed already.
    pub fn parsed(&self, path: &Path) -> Option<Arc<Module>> {
        let modules = self.modules.lock().ok()?;
        modules.get(path)?.get()?.clone()
    }

    /// The module at `path`, parsed from what `read` gives the first time it is asked for.
    fn load_with(
        &self,
        path: &Path,
        read: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<Arc<Module>> {
        let slot = {
            let mut modules = self.modules.lock().ok()?;
            modules.entry(path.to_owned()).or_default().clone()
        };
        let module = slot
            .get_or_init(|| self.parse_module(path, read()?))
            .clone();
        // Every file whose answer asks for the module depends on it, whichever parsed it.
        reads::note(Read::File(
            path.to_owned(),
            module.as_ref().map_or(0, |m| m.hash),
        ));
        module
    }

    /// A file's bytes, unless it is over the size limit or unreadable.
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        self.files.read_at_most(path, self.max_file_size).ok()?.ok()
    }

    fn parse_module(&self, path: &Path, bytes: Vec<u8>) -> Option<Arc<Module>> {
        let lang = Lang::from_path(path)?;
        let source = String::from_utf8(bytes).ok()?;
        // Imported modules are parsed on whichever worker first needs them.
        let tree = parse(lang, &source)?;
        self.loaded.fetch_add(1, Ordering::Relaxed);
        Some(Arc::new(Module::new(path.to_owned(), source, tree)))
    }

    pub(super) fn import(&self, from: &Module, specifier: &str) -> Option<Arc<Module>> {
        let path = self.paths.resolve(&from.path, specifier)?;
        self.load(&path)
    }

    /// The module `export * from "<specifier>"` names, when it could export `name`: it is
    /// parsed only if its text spells the name or passes on other modules' exports.
    pub(super) fn star_target(
        &self,
        from: &Module,
        specifier: &str,
        name: &str,
    ) -> Option<Arc<Module>> {
        let path = self.paths.resolve(&from.path, specifier)?;
        let parsed = self
            .modules
            .lock()
            .ok()?
            .get(&path)
            .is_some_and(|slot| slot.get().is_some());
        if parsed {
            return self.load(&path);
        }
        let cached = self.star_texts.lock().ok()?.get(&path).cloned();
        let (text, hash) = match cached {
            Some(text) => text,
            None => {
                let text: Arc<[u8]> = self.read(&path)?.into();
                let hash = reads::content_hash(&text);
                self.star_texts
                    .lock()
                    .ok()?
                    .insert(path.clone(), (text.clone(), hash));
                (text, hash)
            }
        };
        reads::note(Read::File(path.clone(), hash));
        if could_export(&text, name) {
            self.load_with(&path, || Some(text.to_vec()))
        } else {
            None
        }
    }
}

/// A file looked at through `export *`, and its [`reads::content_hash`].
type StarText = (Arc<[u8]>, u64);

/// Which module each `export *` barrel gets a name from: every call of an imported helper
/// asks the same question of the same barrel, and answering it walks the barrel's
/// re-exports (dozens of modules on real apps).
#[derive(Default)]
pub(super) struct StarSources {
    pub(super) answers: Mutex<HashMap<StarQuestion, StarAnswer>>,
}

/// The barrel's path and the name asked for.
type StarQuestion = (PathBuf, String);

/// The module that gives the name, and what finding it read.
type StarAnswer = (Option<Arc<Module>>, Vec<Read>);

/// Whether a module's text could export `name`: it spells it, re-exports another
/// module wholesale (`export * from`), or hands one on through `require`.
fn could_export(text: &[u8], name: &str) -> bool {
    let passes_on_a_module = memchr::memmem::find_iter(text, b"export").any(|at| {
        text[at + b"export".len()..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'*')
    });
    passes_on_a_module
        || memchr::memmem::find(text, name.as_bytes()).is_some()
        || memchr::memmem::find(text, b"require(").is_some()
}
