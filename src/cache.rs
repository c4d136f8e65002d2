//! The scan cache: what each file gave the last scan, so that a file that has not changed is
//! neither read nor parsed again, as ruff's and eslint's `--cache` do.
//!
//! It lives in `.flaglint/cache/` beside the config (or in the scanned folder), with the
//! snapshot: the repository's own copy, which CI can keep between runs with the checkout
//! and which goes away with the checkout; a user-wide cache would mix every clone of
//! every repository. The folder holds a `.gitignore` of `*`, so it is never committed.
//!
//! What is kept, per file:
//! - stage 1 (the prefilter's words and packages), valid while the file's size and
//!   modification time are the same. A file modified in the two seconds before a scan is
//!   not trusted that way (its time could be the same after another write in the same
//!   tick, as git's "racily clean" entries): it is read again next time.
//! - stage 2 (references, helpers, syntax notes), valid while the file's content hash is
//!   the same, the scan's context is the same (flaglint's version, the config and SDK
//!   queries, every package.json and tsconfig, the SDKs the file's package reaches) and
//!   every read its resolution made would read the same again (each imported module by
//!   content hash, each path an import could have named and did not).
//!
//! The file is written whole to a temporary file and renamed into place, so concurrent
//! runs each read a complete cache, and the last one to finish leaves its own. A cache
//! that cannot be read (corrupt, another version) is ignored and rewritten.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::prefilter::WordSet;
use crate::resolve::reads::{content_hash, Read};

/// Where the cache lives, relative to the config's folder or the scanned folder.
pub const CACHE_DIR: &str = ".flaglint/cache";
const FILE_NAME: &str = "scan.json";
/// Changes when what is stored changes meaning, within one flaglint version too.
const FORMAT: u32 = 1;
/// A file modified this close to the start of a scan is read again next time.
const RACY: Duration = Duration::from_secs(2);

/// A file's size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub secs: i64,
    pub nanos: u32,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        let modified = meta.modified().ok()?;
        let since = modified.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            secs: i64::try_from(since.as_secs()).ok()?,
            nanos: since.subsec_nanos(),
        })
    }

    fn modified(self) -> SystemTime {
        UNIX_EPOCH + Duration::new(u64::try_from(self.secs).unwrap_or(0), self.nanos)
    }
}

/// What stage 1 found in a JS/TS file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub triggers: u64,
    pub packages: u64,
    pub words: WordSet,
    pub kind: FileKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    /// No trigger word: dropped after stage 1.
    Plain,
    /// Trigger words, UTF-8: parsed if its package reaches their SDKs.
    Candidate,
    TooLarge(u64),
    Binary,
    NotUtf8,
}

/// One file as the cache knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: PathBuf,
    /// `None`: not to be trusted (modified just before the scan); read it again.
    pub stamp: Option<Stamp>,
    /// [`content_hash`] of the content, 0 when not known.
    pub hash: u64,
    /// `None` for a file outside the walk that an import read.
    pub facts: Option<FileFacts>,
}

/// What stage 2 (`pass` 0) or a helper round (`pass`: its fingerprint) gave for one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutcomeEntry<T> {
    pub path: PathBuf,
    pub pass: u64,
    /// The file's content hash.
    pub hash: u64,
    /// Everything else the answer depended on, hashed.
    pub context: u64,
    pub reads: Vec<Read>,
    pub value: T,
}

/// The files a helper round read (they name one of its helpers).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoundEntry {
    pub pass: u64,
    pub visited: Vec<PathBuf>,
}

#[derive(Serialize, Deserialize)]
struct Stored<T> {
    format: u32,
    version: String,
    key: u64,
    files: Vec<FileEntry>,
    outcomes: Vec<OutcomeEntry<T>>,
    rounds: Vec<RoundEntry>,
}

/// The cache a scan reads from; what it writes back is handed to [`Cache::save`].
pub struct Cache<T> {
    file: Option<PathBuf>,
    key: u64,
    started: SystemTime,
    /// By the path's bytes: a `Path` hashes component by component, which on a warm run
    /// of 25,000 files was a tenth of the time.
    files: HashMap<OsString, FileEntry>,
    outcomes: HashMap<(PathBuf, u64), OutcomeEntry<T>>,
    rounds: HashMap<u64, Vec<PathBuf>>,
    /// Content hashes learned during this run, by path.
    current: Mutex<HashMap<PathBuf, u64>>,
    /// Files outside the walk hashed during this run, kept for the next.
    learned: Mutex<Vec<FileEntry>>,
    /// The kept answers this run used, written again.
    used: Mutex<std::collections::HashSet<(PathBuf, u64)>>,
    /// Why the last cache was not used, for `--stats`.
    pub note: Option<String>,
}

impl<T: Serialize + DeserializeOwned> Cache<T> {
    /// No cache: nothing is read or written.
    pub fn off() -> Cache<T> {
        Cache::empty(None, 0)
    }

    fn empty(file: Option<PathBuf>, key: u64) -> Cache<T> {
        Cache {
            file,
            key,
            started: SystemTime::now(),
            files: HashMap::new(),
            outcomes: HashMap::new(),
            rounds: HashMap::new(),
            current: Mutex::default(),
            learned: Mutex::default(),
            used: Mutex::default(),
            note: None,
        }
    }

    /// The cache in `dir` for scans whose settings hash to `key`; empty if there is none
    /// or it is from other settings.
    pub fn open(dir: &Path, key: u64) -> Cache<T> {
        let file = dir.join(FILE_NAME);
        let mut cache = Cache::empty(Some(file.clone()), key);
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(err) => {
                cache.note = Some(format!("cannot read {}: {err}", file.display()));
                return cache;
            }
        };
        let stored: Stored<T> = match serde_json::from_slice(&bytes) {
            Ok(stored) => stored,
            Err(err) => {
                cache.note = Some(format!(
                    "{} is not a cache flaglint can read ({err}); it will be rewritten",
                    file.display()
                ));
                return cache;
            }
        };
        if stored.format != FORMAT
            || stored.version != env!("CARGO_PKG_VERSION")
            || stored.key != key
        {
            cache.note = Some("made by another flaglint or other settings; rebuilt".into());
            return cache;
        }
        cache.files = stored
            .files
            .into_iter()
            .map(|entry| (entry.path.clone().into_os_string(), entry))
            .collect();
        cache.outcomes = stored
            .outcomes
            .into_iter()
            .map(|entry| ((entry.path.clone(), entry.pass), entry))
            .collect();
        cache.rounds = stored
            .rounds
            .into_iter()
            .map(|round| (round.pass, round.visited))
            .collect();
        cache
    }

    pub fn is_on(&self) -> bool {
        self.file.is_some()
    }

    /// The stamp to keep for a file read now: none when it was modified just before.
    pub fn trusted(&self, stamp: Option<Stamp>) -> Option<Stamp> {
        stamp.filter(|s| s.modified() + RACY < self.started)
    }

    /// The entry of a walked file whose size and modification time are `stamp`'s.
    pub fn file(&self, path: &Path, stamp: Option<Stamp>) -> Option<&FileEntry> {
        let entry = self.files.get(path.as_os_str())?;
        (entry.stamp.is_some() && entry.stamp == stamp && entry.facts.is_some()).then_some(entry)
    }

    /// Notes a file's content hash as it is now.
    pub fn learn(&self, path: &Path, hash: u64) {
        if hash != 0 {
            if let Ok(mut current) = self.current.lock() {
                current.insert(path.to_path_buf(), hash);
            }
        }
    }

    /// The kept answer for one file and pass, if it still holds: same content, same
    /// context, and every read it made would read the same.
    pub fn outcome(&self, path: &Path, pass: u64, hash: u64, context: u64) -> Option<&T> {
        let key = (path.to_path_buf(), pass);
        let entry = self.outcomes.get(&key)?;
        let holds =
            hash != 0 && entry.hash == hash && entry.context == context && self.hold(&entry.reads);
        if holds {
            if let Ok(mut used) = self.used.lock() {
                used.insert(key);
            }
        }
        holds.then_some(&entry.value)
    }

    /// The files a round with this fingerprint read last time.
    pub fn round(&self, pass: u64) -> Option<&[PathBuf]> {
        self.rounds.get(&pass).map(Vec::as_slice)
    }

    fn hold(&self, reads: &[Read]) -> bool {
        reads.iter().all(|read| match read {
            Read::File(path, hash) => *hash != 0 && self.current_hash(path) == *hash,
            Read::Missing(path) => !path.is_file(),
            Read::Exists(path) => path.is_file(),
        })
    }

    /// A file's content hash now, 0 if it cannot be read: known from this run, or from
    /// the cache while its stamp holds, or read.
    fn current_hash(&self, path: &Path) -> u64 {
        if let Some(hash) = self.current.lock().ok().and_then(|c| c.get(path).copied()) {
            return hash;
        }
        let stamp = std::fs::metadata(path).ok().and_then(|m| Stamp::of(&m));
        let known = self
            .files
            .get(path.as_os_str())
            .filter(|e| e.stamp.is_some() && e.stamp == stamp && e.hash != 0)
            .map(|e| e.hash);
        let hash = known.unwrap_or_else(|| {
            let hash = std::fs::read(path).map_or(0, |bytes| content_hash(&bytes));
            if let Ok(mut learned) = self.learned.lock() {
                learned.push(FileEntry {
                    path: path.to_path_buf(),
                    stamp: self.trusted(stamp),
                    hash,
                    facts: None,
                });
            }
            hash
        });
        self.learn(path, hash);
        hash
    }

    /// Writes the cache: this run's entries, and the kept entries of files outside the
    /// scanned paths (a scan of some files leaves the others' entries alone). Nothing is
    /// written when nothing changed.
    pub fn save(
        self,
        scanned: &[PathBuf],
        mut files: Vec<FileEntry>,
        mut outcomes: Vec<OutcomeEntry<T>>,
        mut rounds: Vec<RoundEntry>,
        changed: bool,
    ) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let learned = self.learned.into_inner().unwrap_or_default();
        if !changed && learned.is_empty() && file.is_file() {
            return Ok(());
        }
        // Hashes learned on the way (modules imported, files a helper round read): the
        // next scan checks those files by stamp instead of reading them.
        let current = self.current.into_inner().unwrap_or_default();
        for entry in files
            .iter_mut()
            .filter(|f| f.hash == 0 && f.stamp.is_some())
        {
            if let Some(hash) = current.get(&entry.path) {
                entry.hash = *hash;
            }
        }
        let used = self.used.into_inner().unwrap_or_default();
        let fresh: std::collections::HashSet<(PathBuf, u64)> =
            outcomes.iter().map(|o| (o.path.clone(), o.pass)).collect();
        let outside = |path: &Path| !scanned.iter().any(|root| is_under(path, root));
        let seen: std::collections::HashSet<OsString> = files
            .iter()
            .chain(&learned)
            .map(|f| f.path.clone().into_os_string())
            .collect();
        files.extend(learned);
        files.extend(self.files.into_values().filter(|f| {
            !seen.contains(f.path.as_os_str()) && (f.facts.is_none() || outside(&f.path))
        }));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        outcomes.extend(self.outcomes.into_iter().filter_map(|(key, entry)| {
            let keep = !fresh.contains(&key) && (used.contains(&key) || outside(&entry.path));
            keep.then_some(entry)
        }));
        outcomes.sort_by(|a, b| (&a.path, a.pass).cmp(&(&b.path, b.pass)));
        rounds.sort_by_key(|r| r.pass);
        let stored = Stored {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            key: self.key,
            files,
            outcomes,
            rounds,
        };
        let dir = file.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let ignore = dir.join(".gitignore");
        if !ignore.is_file() {
            std::fs::write(&ignore, "# flaglint's cache: never committed.\n*\n")?;
        }
        let bytes = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
        // Renamed into place whole; not synced: a cache lost to a crash is only rebuilt.
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(&bytes)?;
        temp.persist(file).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Whether `path` is `root` or inside it (`.` holds every relative path).
fn is_under(path: &Path, root: &Path) -> bool {
    root == Path::new(".") || root.as_os_str().is_empty() || path.starts_with(root)
}

/// Hashes values into one cache key.
#[derive(Default)]
pub struct KeyHasher(Vec<u8>);

impl KeyHasher {
    pub fn add(&mut self, part: impl AsRef<[u8]>) -> &mut Self {
        let part = part.as_ref();
        self.0.extend_from_slice(&(part.len() as u64).to_le_bytes());
        self.0.extend_from_slice(part);
        self
    }

    pub fn finish(&self) -> u64 {
        content_hash(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, stamp: Option<Stamp>, hash: u64) -> FileEntry {
        FileEntry {
            path: path.into(),
            stamp,
            hash,
            facts: Some(FileFacts {
                triggers: 1,
                packages: 0,
                words: WordSet::default(),
                kind: FileKind::Candidate,
            }),
        }
    }

    fn stamp(secs: i64) -> Option<Stamp> {
        Some(Stamp {
            len: 10,
            secs,
            nanos: 0,
        })
    }

    #[test]
    fn round_trips_and_checks_stamps_hashes_and_reads() {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("flags.ts");
        std::fs::write(&module, "export const A = 'a'").unwrap();
        let module_hash = content_hash(b"export const A = 'a'");
        let missing = dir.path().join("flags.tsx");
        let cache: Cache<String> = Cache::open(dir.path(), 7);
        assert!(cache.note.is_none());
        cache
            .save(
                &[PathBuf::from(".")],
                vec![entry("src/a.ts", stamp(100), 42)],
                vec![OutcomeEntry {
                    path: "src/a.ts".into(),
                    pass: 0,
                    hash: 42,
                    context: 9,
                    reads: vec![
                        Read::File(module.clone(), module_hash),
                        Read::Missing(missing.clone()),
                    ],
                    value: "found".to_string(),
                }],
                vec![],
                true,
            )
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "# flaglint's cache: never committed.\n*\n"
        );

        let cache: Cache<String> = Cache::open(dir.path(), 7);
        let path = Path::new("src/a.ts");
        assert!(cache.file(path, stamp(100)).is_some());
        assert!(cache.file(path, stamp(101)).is_none());
        assert_eq!(
            cache.outcome(path, 0, 42, 9).map(String::as_str),
            Some("found")
        );
        assert!(cache.outcome(path, 0, 43, 9).is_none());
        assert!(cache.outcome(path, 0, 42, 8).is_none());
        assert!(cache.outcome(path, 1, 42, 9).is_none());

        // The imported module changes: the answer no longer holds.
        std::fs::write(&module, "export const A = 'b'").unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 7);
        assert!(cache.outcome(path, 0, 42, 9).is_none());
        // Back as it was, but a file the import could now mean appears.
        std::fs::write(&module, "export const A = 'a'").unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 7);
        assert!(cache.outcome(path, 0, 42, 9).is_some());
        std::fs::write(&missing, "export const A = 'c'").unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 7);
        assert!(cache.outcome(path, 0, 42, 9).is_none());

        // Other settings: nothing is used.
        let other: Cache<String> = Cache::open(dir.path(), 8);
        assert!(other.file(path, stamp(100)).is_none());
        assert!(other.note.is_some());
    }

    #[test]
    fn a_corrupt_cache_is_ignored_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "{ not json").unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 1);
        assert!(cache.is_on());
        assert!(cache.note.as_deref().unwrap().contains("rewritten"));
        assert!(cache.file(Path::new("a.ts"), stamp(1)).is_none());
    }

    #[test]
    fn a_partial_scan_keeps_the_other_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 1);
        cache
            .save(
                &[PathBuf::from(".")],
                vec![
                    entry("web/a.ts", stamp(1), 1),
                    entry("api/b.ts", stamp(1), 2),
                ],
                vec![],
                vec![],
                true,
            )
            .unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 1);
        cache
            .save(
                &[PathBuf::from("web")],
                vec![entry("web/a.ts", stamp(2), 3)],
                vec![],
                vec![],
                true,
            )
            .unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 1);
        assert!(cache.file(Path::new("api/b.ts"), stamp(1)).is_some());
        assert!(cache.file(Path::new("web/a.ts"), stamp(2)).is_some());
        // A full scan drops what it no longer sees.
        cache
            .save(
                &[PathBuf::from(".")],
                vec![entry("web/a.ts", stamp(2), 3)],
                vec![],
                vec![],
                true,
            )
            .unwrap();
        let cache: Cache<String> = Cache::open(dir.path(), 1);
        assert!(cache.file(Path::new("api/b.ts"), stamp(1)).is_none());
    }

    #[test]
    fn files_modified_just_before_a_scan_are_not_trusted() {
        let cache: Cache<String> = Cache::off();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let fresh = Stamp {
            len: 1,
            secs: now.as_secs() as i64,
            nanos: 0,
        };
        assert_eq!(cache.trusted(Some(fresh)), None);
        assert_eq!(cache.trusted(stamp(100)), stamp(100));
    }
}
