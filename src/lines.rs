//! Lines of the scanned files, read once per file: for inline `flaglint-ignore` comments
//! and for the code frames and fingerprints the reporters show.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::walk::Files;

/// Source lines by file (relative to the scan root), read on first use.
pub struct SourceLines {
    root: PathBuf,
    /// Where the scan read the files (the index for `--staged`): the lines must be those
    /// the findings were made from.
    source: Files,
    files: HashMap<String, Option<Vec<String>>>,
}

impl SourceLines {
    pub fn new(root: &Path) -> SourceLines {
        SourceLines::reading(root, &Files::WorkTree)
    }

    pub fn reading(root: &Path, source: &Files) -> SourceLines {
        SourceLines {
            root: root.to_owned(),
            source: source.clone(),
            files: HashMap::new(),
        }
    }

    /// Line `line` (1-based) of `file`, or None when the file cannot be read or is shorter.
    pub fn line(&mut self, file: &str, line: usize) -> Option<&str> {
        let (root, source) = (&self.root, &self.source);
        let lines = self.files.entry(file.to_string()).or_insert_with(|| {
            let bytes = source.read_at_most(&root.join(file), u64::MAX).ok()?.ok()?;
            String::from_utf8(bytes)
                .ok()
                .map(|text| text.lines().map(String::from).collect())
        });
        lines
            .as_ref()?
            .get(line.checked_sub(1)?)
            .map(String::as_str)
    }
}
