//! Fixture files that mark their expected references with caret comments, for the SDK
//! and helper fixture tests.
//!
//! ```text
//! flagsmith.hasFeature('x');
//! //                   ^ x
//! isOn(Feature.Beta);
//! //   ^ beta via isOn
//! ```
//!
//! The caret sits under the key's first character on the nearest line above that is not
//! a caret comment; `^ dynamic` marks an unresolved key, `^ dynamic exp_` one with a
//! known prefix, and `via A > B` the app's helpers the read goes through. A scan must
//! report exactly the marked references: nothing missed (recall) and nothing more
//! (precision), which is what keeps the traps in the same files honest.
//!
//! Included with `#[path = "support/carets.rs"] mod carets;`.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use flaglint::matcher::{Matcher, SdkSpec};
use flaglint::reference::Reference;
use flaglint::scan::{scan, ScanOptions};
use flaglint::walk::FileFilter;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub key: String,
    /// The SDK that matched, when the fixture is one SDK's.
    pub sdk: Option<String>,
    pub via: Vec<String>,
}

/// The references `file` marks, paths relative to `root`.
pub fn expectations(sdk: Option<&str>, root: &Path, file: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(file).unwrap();
    let relative = relative(root, file);
    let mut expected = Vec::new();
    let mut target_line = 0;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let caret = trimmed
            .strip_prefix("//")
            .and_then(|rest| rest.trim_start().strip_prefix('^'));
        match caret {
            Some(rest) => {
                let column = line.chars().take_while(|c| *c != '^').count() + 1;
                let (key, via) = match rest.split_once(" via ") {
                    Some((key, via)) => (
                        key.trim().to_string(),
                        via.split('>').map(|h| h.trim().to_string()).collect(),
                    ),
                    None => (rest.trim().to_string(), Vec::new()),
                };
                expected.push(Expected {
                    file: relative.clone(),
                    line: target_line,
                    column,
                    key,
                    sdk: sdk.map(String::from),
                    via,
                });
            }
            None => target_line = index + 1,
        }
    }
    expected
}

pub fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The JS/TS files under `dir`.
pub fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if flaglint::parse::Lang::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

/// What a reference looks like as an expectation.
pub fn as_expected(reference: &Reference, with_sdk: bool) -> Expected {
    Expected {
        file: reference.file.clone(),
        line: reference.line,
        column: reference.column,
        key: match (&reference.key, &reference.dynamic) {
            (Some(key), _) => key.clone(),
            (None, Some(d)) => match &d.prefix {
                Some(prefix) => format!("dynamic {prefix}"),
                None => "dynamic".to_string(),
            },
            (None, None) => "?".to_string(),
        },
        sdk: with_sdk.then(|| reference.sdk.clone()),
        via: reference.via.clone(),
    }
}

/// The references a scan of `paths` reports, paths relative to `root`.
pub fn found_in(root: &Path, paths: Vec<PathBuf>, with_sdk: bool) -> BTreeSet<Expected> {
    let options = ScanOptions {
        infer_helpers: true,
        paths,
        root: root.to_path_buf(),
        threads: 2,
        filter: FileFilter::new(&[], &[], false).unwrap(),
        max_file_size: 2 * 1024 * 1024,
        files: Default::default(),
        cache: None,
    };
    let result = scan(&options, &Matcher::new(SdkSpec::builtin()).unwrap()).unwrap();
    result
        .references
        .iter()
        .map(|r| as_expected(r, with_sdk))
        .collect()
}

/// Scans `root` and compares with what its files mark.
pub fn check_folder(root: &Path, sdk: Option<&str>) -> Result<(), String> {
    let mut files = Vec::new();
    source_files(root, &mut files);
    let expected: BTreeSet<Expected> = files
        .iter()
        .flat_map(|f| expectations(sdk, root, f))
        .collect();
    if expected.is_empty() {
        return Err(format!("{} marks no references", root.display()));
    }
    let found = found_in(root, vec![root.to_path_buf()], sdk.is_some());
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    if missed.is_empty() && extra.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missed (marked, not found): {missed:#?}\nextra (found, not marked): {extra:#?}"
        ))
    }
}
