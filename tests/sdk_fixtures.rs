//! Every file under fixtures/sdk/<sdk>/ marks its expected references with caret comments:
//!
//! ```text
//! flagsmith.hasFeature('x');
//! //                   ^ x
//! ```
//!
//! The caret sits under the key's first character on the nearest line above that is not
//! a caret comment; `^ dynamic` marks an unresolved key, `^ dynamic exp_` one with a
//! known prefix. The scan must report exactly the marked references, each through the
//! fixture's own SDK: nothing missed (recall) and nothing more (precision), which is what
//! keeps the traps in the same files honest.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use flaglint::matcher::{Matcher, SdkSpec};
use flaglint::scan::{scan, ScanOptions};
use flaglint::walk::FileFilter;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    file: String,
    line: usize,
    column: usize,
    key: String,
    sdk: String,
}

fn expectations(sdk: &str, root: &Path, file: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(file).unwrap();
    let relative = file
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
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
                expected.push(Expected {
                    file: relative.clone(),
                    line: target_line,
                    column,
                    key: rest.trim().to_string(),
                    sdk: sdk.to_string(),
                });
            }
            None => target_line = index + 1,
        }
    }
    expected
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if flaglint::parse::Lang::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

fn check_fixture(sdk: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sdk")
        .join(sdk);
    let mut files = Vec::new();
    source_files(&root, &mut files);
    let expected: BTreeSet<Expected> = files
        .iter()
        .flat_map(|f| expectations(sdk, &root, f))
        .collect();
    assert!(!expected.is_empty(), "fixture {sdk} marks no references");

    let options = ScanOptions {
        paths: vec![root.clone()],
        root: root.clone(),
        threads: 2,
        filter: FileFilter::new(&[], &[], false).unwrap(),
        max_file_size: 2 * 1024 * 1024,
        files: Default::default(),
    };
    let result = scan(&options, &Matcher::new(SdkSpec::builtin()).unwrap()).unwrap();
    let found: BTreeSet<Expected> = result
        .references
        .iter()
        .map(|r| Expected {
            file: r.file.clone(),
            line: r.line,
            column: r.column,
            key: match (&r.key, &r.dynamic) {
                (Some(key), _) => key.clone(),
                (None, Some(d)) => match &d.prefix {
                    Some(prefix) => format!("dynamic {prefix}"),
                    None => "dynamic".to_string(),
                },
                (None, None) => "?".to_string(),
            },
            sdk: r.sdk.clone(),
        })
        .collect();
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed (marked, not found): {missed:#?}\nextra (found, not marked): {extra:#?}"
    );
}

/// One fixture folder per SDK, fixtures/sdk/<sdk>/, named as its query file's `; sdk:`
/// header; every built-in SDK has one, and every folder belongs to an SDK.
#[test]
fn every_sdk_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk");
    let mut folders: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut sdks: Vec<String> = SdkSpec::builtin().into_iter().map(|s| s.name).collect();
    sdks.sort();
    assert_eq!(
        folders, sdks,
        "fixtures/sdk/ must hold one folder per queries/<sdk>.scm, named after its `; sdk:` header"
    );
    let failures: Vec<String> = sdks
        .iter()
        .filter_map(|sdk| {
            std::panic::catch_unwind(|| check_fixture(sdk))
                .err()
                .map(|e| format!("{sdk}: {}", panic_text(&e)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn panic_text(error: &Box<dyn std::any::Any + Send>) -> String {
    error
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| error.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
