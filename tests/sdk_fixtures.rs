//! Every file under fixtures/sdk/<sdk>/ marks its expected references with caret comments
//! (tests/support/carets.rs); each must be found through the fixture's own SDK.

#[path = "support/carets.rs"]
mod carets;

use std::collections::BTreeSet;
use std::path::Path;

use carets::{check_folder, expectations, found_in, relative, source_files};
use flaglint::matcher::{Matcher, SdkSpec};

fn check_fixture(sdk: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sdk")
        .join(sdk);
    if let Err(failure) = check_folder(&root, Some(sdk)) {
        panic!("{failure}");
    }
    // Each file scanned alone gives what the folder gives for it: no query is left out
    // because some word occurs only in another file.
    let mut files = Vec::new();
    source_files(&root, &mut files);
    let found = found_in(&root, vec![root.clone()], true);
    for file in &files {
        let relative = relative(&root, file);
        let alone = found_in(&root, vec![file.clone()], true);
        let in_folder: BTreeSet<_> = found
            .iter()
            .filter(|e| e.file == relative)
            .cloned()
            .collect();
        assert_eq!(alone, in_folder, "{relative} scanned alone");
        let marked: BTreeSet<_> = expectations(Some(sdk), &root, file).into_iter().collect();
        assert_eq!(alone, marked, "{relative} scanned alone, against its marks");
    }
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

/// Trigger words never hide a match: each fixture file, matched with only the SDKs and
/// patterns its own words switch on (as a scan of that file alone compiles them), gives
/// every reference that matching it with every pattern of every SDK gives.
#[test]
fn trigger_words_never_hide_a_match() {
    use flaglint::matcher::find_references;
    use flaglint::prefilter::Prefilter;
    use flaglint::resolve::{Module, Project};

    let matcher = Matcher::new(SdkSpec::builtin()).unwrap();
    let prefilter = Prefilter::new(&matcher.triggers(), &matcher.packages());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk");
    let mut files = Vec::new();
    source_files(&dir, &mut files);
    let mut hidden = Vec::new();
    let mut everything: std::collections::HashMap<flaglint::parse::Lang, _> = Default::default();
    for path in &files {
        let source = std::fs::read_to_string(path).unwrap();
        let lang = flaglint::parse::Lang::from_path(path).unwrap();
        let hits = prefilter.scan(source.as_bytes());
        let project = Project::new(1 << 22);
        let module = Module::new(
            path.clone(),
            source.clone(),
            flaglint::parse::parse(lang, &source).unwrap(),
        );
        let file = path.strip_prefix(&dir).unwrap().display().to_string();
        let mut cursor = tree_sitter::QueryCursor::new();
        let everything = everything
            .entry(lang)
            .or_insert_with(|| matcher.compile(matcher.all(), lang, None).unwrap());
        let all = find_references(
            &matcher,
            everything,
            matcher.all(),
            &project,
            &mut cursor,
            &module,
            &file,
            &Default::default(),
        );
        let pruned = if hits.triggers == 0 {
            Vec::new()
        } else {
            let query = matcher
                .compile(hits.triggers, lang, Some(&hits.words))
                .unwrap();
            find_references(
                &matcher,
                &query,
                hits.triggers,
                &project,
                &mut cursor,
                &module,
                &file,
                &Default::default(),
            )
            .references
        };
        for reference in &all.references {
            if !pruned.contains(reference) {
                hidden.push(format!(
                    "{}:{}:{} {:?} ({})",
                    reference.file, reference.line, reference.column, reference.key, reference.sdk
                ));
            }
        }
    }
    assert!(
        hidden.is_empty(),
        "found with every pattern, hidden by the trigger words:\n{}",
        hidden.join("\n")
    );
}
