//! What answering for one file read of other files: the modules it imported, the files an
//! import could have been and was not. The scan cache keeps a file's answer as long as each
//! of these reads would read the same thing again.
//!
//! Recording is per thread, in frames: [`recording`] opens one around a file's whole
//! answer, and [`remembered`] one around an answer that is kept for other files to reuse
//! (which `export *` module gives a name, what `this.client` holds), so that a file that
//! reuses it notes the reads it was made from.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One thing a resolution read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Read {
    /// A file's content, by its hash ([`content_hash`]); 0 when it could not be read.
    File(PathBuf, u64),
    /// A path an import could name and that was not a file.
    Missing(PathBuf),
    /// A file whose existence decided a path, not its content.
    Exists(PathBuf),
}

thread_local! {
    static FRAMES: RefCell<Vec<Vec<Read>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `answer`, and returns with its result every read it made (sorted, each once).
pub fn recording<T>(answer: impl FnOnce() -> T) -> (T, Vec<Read>) {
    FRAMES.with(|frames| frames.borrow_mut().push(Vec::new()));
    let result = answer();
    let mut reads = FRAMES
        .with(|frames| frames.borrow_mut().pop())
        .unwrap_or_default();
    reads.sort();
    reads.dedup();
    (result, reads)
}

/// Like [`recording`] for an answer kept for reuse: its reads also count for the answer
/// around it.
pub(super) fn remembered<T>(answer: impl FnOnce() -> T) -> (T, Vec<Read>) {
    let (result, reads) = recording(answer);
    note_all(&reads);
    (result, reads)
}

/// Notes one read for the answers being recorded on this thread, if any.
pub(super) fn note(read: Read) {
    FRAMES.with(|frames| {
        if let Some(frame) = frames.borrow_mut().last_mut() {
            frame.push(read);
        }
    });
}

/// Notes the reads a reused answer was made from.
pub(super) fn note_all(reads: &[Read]) {
    FRAMES.with(|frames| {
        if let Some(frame) = frames.borrow_mut().last_mut() {
            frame.extend_from_slice(reads);
        }
    });
}

/// Whether a file is there, noted as read.
pub(super) fn is_file(path: &Path) -> bool {
    let found = path.is_file();
    note(if found {
        Read::Exists(path.to_path_buf())
    } else {
        Read::Missing(path.to_path_buf())
    });
    found
}

/// What tells one content of a file from another: the first 8 bytes of its SHA-256.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.as_ref()[..8]);
    // Never 0, which stands for "could not be read".
    u64::from_le_bytes(first).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_nest_and_reused_answers_count_for_the_outer_one() {
        let ((), outer) = recording(|| {
            note(Read::Missing("a.ts".into()));
            let ((), inner) = remembered(|| note(Read::File("b.ts".into(), 7)));
            assert_eq!(inner, vec![Read::File("b.ts".into(), 7)]);
            note_all(&[Read::Exists("c.ts".into())]);
            note(Read::Missing("a.ts".into()));
        });
        assert_eq!(
            outer,
            vec![
                Read::File("b.ts".into(), 7),
                Read::Missing("a.ts".into()),
                Read::Exists("c.ts".into()),
            ]
        );
        // Outside any frame, nothing is kept.
        note(Read::Missing("d.ts".into()));
        let ((), empty) = recording(|| ());
        assert!(empty.is_empty());
    }

    #[test]
    fn hashes_tell_contents_apart() {
        assert_eq!(content_hash(b"a"), content_hash(b"a"));
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
        assert_ne!(content_hash(b""), 0);
    }
}
