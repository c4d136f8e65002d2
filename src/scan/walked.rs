//! Stage 1: walk and prefilter, in parallel. Every file is read once, searched for trigger
//! words and SDK package names, and dropped unless it holds a trigger word; package.json
//! files and HTML pages say which SDKs each package reaches.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use indicatif::ProgressBar;

use super::outcome::Outcome;
use super::{display_path, relative_path, FileError, ScanOptions, ScanResult, SkipReason, Skipped};
use crate::cache::{Cache, FileEntry, FileFacts, FileKind, Stamp};
use crate::parse::Lang;
use crate::prefilter::{NameSketch, Prefilter, ScopeFacts, WordSet};
use crate::resolve::reads::content_hash;
use crate::walk::WalkError;
use crate::walk::{read_at_most, walker};

/// One file of the walk, remembered for the helper rounds.
pub(super) struct WalkedFile {
    pub(super) path: PathBuf,
    pub(super) file: String,
    pub(super) lang: Lang,
    /// Unchanged since the cached scan: its content hash then (0 if not known).
    pub(super) unchanged: Option<u64>,
    /// The words it holds, when it was read in this scan.
    pub(super) sketch: Option<Box<NameSketch>>,
}

/// A file with trigger words, waiting to be parsed.
pub(super) struct Candidate {
    pub(super) path: PathBuf,
    pub(super) file: String,
    pub(super) lang: Lang,
    /// `None` when stage 1 took the file's facts from the cache without reading it.
    pub(super) source: Option<String>,
    /// Its content hash and size.
    pub(super) hash: u64,
    pub(super) len: u64,
    /// The SDKs whose trigger words it holds.
    pub(super) sdks: u64,
    pub(super) words: WordSet,
}

/// What stage 1 leaves for stage 2.
#[derive(Default)]
pub(super) struct Walked {
    pub(super) candidates: Vec<Candidate>,
    /// Every JS/TS file read, for the helper rounds.
    pub(super) files: Vec<WalkedFile>,
    /// The SDKs whose packages some file names.
    pub(super) imported: u64,
    /// The SDKs an HTML page of the repository installs with a script tag.
    pub(super) script_tags: u64,
    /// Which package names which SDK, for scoping them package by package.
    pub(super) scope: ScopeFacts,
    /// The package.json, tsconfig and workspace files, with their content hashes: what
    /// resolving imports reads besides modules.
    pub(super) configs: Vec<(PathBuf, u64)>,
    /// Every JS/TS file's entry for the next scan's cache.
    pub(super) entries: Vec<FileEntry>,
    /// Files whose stage 1 came from the cache.
    pub(super) from_cache: usize,
    pub(super) bytes_read: u64,
    pub(super) result: ScanResult,
}

impl Walked {
    pub(super) fn absorb(&mut self, other: Walked) {
        self.candidates.extend(other.candidates);
        self.files.extend(other.files);
        self.imported |= other.imported;
        self.script_tags |= other.script_tags;
        self.scope.absorb(other.scope);
        self.configs.extend(other.configs);
        self.entries.extend(other.entries);
        self.from_cache += other.from_cache;
        self.bytes_read += other.bytes_read;
        self.result.files_scanned += other.result.files_scanned;
        self.result.skipped.extend(other.result.skipped);
        self.result.errors.extend(other.result.errors);
    }
}

pub(super) fn walk_and_prefilter(
    options: &ScanOptions,
    prefilter: &Prefilter,
    globals: &[(String, usize)],
    cache: &Cache<Outcome>,
    progress: &ProgressBar,
) -> Result<Walked, WalkError> {
    let walk = walker(&options.paths, options.threads)?;
    let merged = Arc::new(Mutex::new(Walked::default()));
    let mut builder = VisitorBuilder {
        options,
        prefilter,
        globals,
        cache,
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

pub(super) struct VisitorBuilder<'s> {
    pub(super) options: &'s ScanOptions,
    pub(super) prefilter: &'s Prefilter,
    pub(super) globals: &'s [(String, usize)],
    pub(super) cache: &'s Cache<Outcome>,
    pub(super) merged: Arc<Mutex<Walked>>,
    pub(super) progress: &'s ProgressBar,
}

impl<'s> ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(FileVisitor {
            options: self.options,
            prefilter: self.prefilter,
            globals: self.globals,
            cache: self.cache,
            local: Walked::default(),
            merged: self.merged.clone(),
            progress: self.progress.clone(),
        })
    }
}

pub(super) struct FileVisitor<'s> {
    pub(super) options: &'s ScanOptions,
    pub(super) prefilter: &'s Prefilter,
    /// Each SDK's global names, for script tags in HTML pages.
    pub(super) globals: &'s [(String, usize)],
    pub(super) cache: &'s Cache<Outcome>,
    pub(super) local: Walked,
    pub(super) merged: Arc<Mutex<Walked>>,
    pub(super) progress: ProgressBar,
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
            self.prefilter_file(&entry, &relative, lang);
        } else if entry.file_name() == "package.json" {
            if let Ok(manifest) = std::fs::read(entry.path()) {
                self.note_config(entry.path(), &manifest);
                let manifest = self.prefilter.read_manifest(&manifest);
                self.local.imported |= manifest.sdks;
                let path = crate::resolve::paths::normalize(entry.path());
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                self.local.scope.manifests.push((dir, manifest));
            }
        } else if is_resolution_config(entry.path()) {
            if let Ok(bytes) = std::fs::read(entry.path()) {
                self.note_config(entry.path(), &bytes);
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

/// A file that decides what an import resolves to, besides package.json.
pub(super) fn is_resolution_config(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == "pnpm-workspace.yaml"
        || ((name.starts_with("tsconfig") || name.starts_with("jsconfig"))
            && name.ends_with(".json"))
}

pub(super) fn is_html(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

impl FileVisitor<'_> {
    /// The SDKs whose script-tag install this HTML page holds: a `<script>` and the SDK's
    /// global name (`posthog.init(`, `flagsmith.init(`).
    pub(super) fn script_tags(&self, path: &Path) -> u64 {
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

    fn note_config(&mut self, path: &Path, bytes: &[u8]) {
        let path = crate::resolve::paths::normalize(path);
        self.local.configs.push((path, content_hash(bytes)));
    }

    pub(super) fn prefilter_file(&mut self, entry: &DirEntry, relative: &Path, lang: Lang) {
        // One name per file, as imports name it (`./src/a.ts` and `src/a.ts` are one module).
        let path = &crate::resolve::paths::normalize(entry.path());
        self.local.result.files_scanned += 1;
        self.progress.inc(1);
        let stamp = if self.cache.is_on() {
            entry.metadata().ok().and_then(|meta| Stamp::of(&meta))
        } else {
            None
        };
        let file = display_path(relative);
        let (facts, hash, source, unchanged, sketch) = match self.cache.file(path, stamp) {
            Some(FileEntry {
                facts: Some(facts),
                hash,
                ..
            }) => {
                self.local.from_cache += 1;
                (facts.clone(), *hash, None, Some(*hash), None)
            }
            _ => match self.read_facts(path, &file) {
                Some(Read {
                    facts,
                    hash,
                    source,
                    sketch,
                }) => (facts, hash, source, None, sketch),
                None => return,
            },
        };
        self.local.entries.push(FileEntry {
            path: path.to_owned(),
            stamp: self.cache.trusted(stamp),
            hash,
            facts: Some(facts.clone()),
        });
        let limit = self.options.max_file_size;
        let skipped = |reason| Skipped {
            file: file.clone(),
            reason,
        };
        match facts.kind {
            FileKind::TooLarge(bytes) => {
                self.local
                    .result
                    .skipped
                    .push(skipped(SkipReason::TooLarge { bytes, limit }));
                return;
            }
            FileKind::Binary => self.local.result.skipped.push(skipped(SkipReason::Binary)),
            FileKind::NotUtf8 => self.local.result.skipped.push(skipped(SkipReason::NotUtf8)),
            FileKind::Plain | FileKind::Candidate => {}
        }
        self.local.files.push(WalkedFile {
            path: path.to_owned(),
            file: file.clone(),
            lang,
            unchanged,
            sketch,
        });
        self.local.imported |= facts.packages;
        if facts.packages != 0 {
            self.local
                .scope
                .imports
                .push((path.to_owned(), facts.packages));
        }
        if facts.kind == FileKind::Candidate {
            let len = source
                .as_ref()
                .map_or_else(|| stamp.map_or(0, |s| s.len), |s| s.len() as u64);
            self.local.candidates.push(Candidate {
                path: path.to_owned(),
                file,
                lang,
                source,
                hash,
                len,
                sdks: facts.triggers,
                words: facts.words,
            });
        }
    }

    /// Reads a file and prefilters it. `None` when it cannot be read (an error).
    fn read_facts(&mut self, path: &Path, file: &str) -> Option<Read> {
        let limit = self.options.max_file_size;
        let facts = |kind| FileFacts {
            triggers: 0,
            packages: 0,
            words: WordSet::default(),
            kind,
        };
        let bytes = match self.options.files.read_at_most(path, limit) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(bytes)) => {
                return Some(Read {
                    facts: facts(FileKind::TooLarge(bytes)),
                    hash: 0,
                    source: None,
                    sketch: None,
                })
            }
            Err(err) => {
                self.local.result.errors.push(FileError {
                    file: file.to_string(),
                    message: err.to_string(),
                });
                return None;
            }
        };
        self.local.bytes_read += bytes.len() as u64;
        let hits = self.prefilter.scan(&bytes);
        let mut read = Read {
            facts: FileFacts {
                triggers: hits.triggers,
                packages: hits.packages,
                words: hits.words,
                kind: FileKind::Plain,
            },
            hash: 0,
            source: None,
            sketch: self
                .options
                .infer_helpers
                .then(|| Box::new(NameSketch::of(&bytes))),
        };
        if hits.triggers == 0 {
            return Some(read);
        }
        if memchr::memchr(0, &bytes).is_some() {
            read.facts.kind = FileKind::Binary;
            return Some(read);
        }
        read.hash = content_hash(&bytes);
        match String::from_utf8(bytes) {
            Ok(source) => {
                read.facts.kind = FileKind::Candidate;
                read.source = Some(source);
            }
            Err(_) => read.facts.kind = FileKind::NotUtf8,
        }
        Some(read)
    }
}

/// A file read by stage 1: its facts, its content hash if it is a candidate (0
/// otherwise), its text if it is one, and the sketch of its words for the helper rounds.
struct Read {
    facts: FileFacts,
    hash: u64,
    source: Option<String>,
    sketch: Option<Box<NameSketch>>,
}
