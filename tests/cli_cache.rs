//! The scan cache (`.flaglint/cache/`) as a user meets it: a second run answers from it,
//! prints the same bytes, and reads again whatever its answers depended on that changed.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, SystemTime};

use cli::{flaglint, repo_text, stderr, stdout};
use tempfile::TempDir;

/// Every file's modification time an hour back, as files are that were not just written:
/// the cache does not trust the stamp of a file modified in the two seconds before a scan.
fn age(dir: &Path) {
    let then = SystemTime::now() - Duration::from_secs(3600);
    for entry in walk(dir) {
        let file = std::fs::File::options().write(true).open(&entry).unwrap();
        file.set_modified(then).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".flaglint") {
            continue;
        }
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Writes a file as an editor would, with a modification time after the cached scan's.
fn edit(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

fn keys(output: &Output) -> Vec<(String, String)> {
    assert!(output.status.success(), "{}", stderr(output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["key"].as_str().unwrap_or("<dynamic>").to_string(),
            )
        })
        .collect()
}

fn refs(dir: &Path) -> Vec<(String, String)> {
    keys(&flaglint(dir, &["refs", "--format", "json"]))
}

/// The `stats: cache:` line of a run.
fn cache_stats(dir: &Path) -> String {
    let output = flaglint(dir, &["refs", "--format", "json", "--stats"]);
    assert!(output.status.success(), "{}", stderr(&output));
    stderr(&output)
        .lines()
        .filter(|l| l.starts_with("stats: cache"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn demo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("demo"),
        dir.path(),
    );
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".flaglint" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const APP: &str = "import flagsmith from 'flagsmith';\nimport { KEY } from './flags';\nexport const on = flagsmith.hasFeature(KEY);\n";

/// r13: a run from the cache prints, in every format, the bytes a run without it prints,
/// and says it answered from the cache.
#[test]
fn r13_a_cached_run_prints_the_same_bytes() {
    let dir = demo();
    age(dir.path());
    let runs: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "json"],
        &["check", "--format", "sarif"],
        &["check", "--format", "github"],
        &["refs"],
        &["refs", "--format", "json"],
        &["report", "--format", "markdown"],
    ];
    // The first run fills the cache.
    flaglint(dir.path(), &["refs"]);
    assert!(dir.path().join(".flaglint/cache/scan.json").is_file());
    for args in runs {
        let cold: Vec<&str> = args.iter().copied().chain(["--no-cache"]).collect();
        let cold = flaglint(dir.path(), &cold);
        let warm = flaglint(dir.path(), args);
        assert_eq!(warm.status.code(), cold.status.code(), "{args:?}");
        assert_eq!(stdout(&warm), stdout(&cold), "{args:?}");
    }
    let stats = cache_stats(dir.path());
    assert!(
        stats.contains("7 of 7 files and 4 of 4 parsed files answered from the cache"),
        "{stats}"
    );
}

/// r13: `--no-cache` neither reads nor writes the cache.
#[test]
fn r13_no_cache_writes_nothing() {
    let dir = repo_text(&[
        ("src/a.ts", APP),
        ("src/flags.ts", "export const KEY = 'a';\n"),
    ]);
    assert_eq!(
        keys(&flaglint(
            dir.path(),
            &["refs", "--format", "json", "--no-cache"]
        )),
        vec![("src/a.ts".into(), "a".into())]
    );
    assert!(!dir.path().join(".flaglint").exists());
    refs(dir.path());
    let ignore = dir.path().join(".flaglint/cache/.gitignore");
    assert_eq!(
        std::fs::read_to_string(ignore).unwrap(),
        "# flaglint's cache: never committed.\n*\n"
    );
}

/// r13: an imported module that changes, or a file an import could mean that appears,
/// makes the importing file's answer be worked out again, though the file is unchanged.
#[test]
fn r13_what_an_answer_read_is_checked_again() {
    let dir = repo_text(&[
        ("src/a.ts", APP),
        ("src/flags/index.ts", "export const KEY = 'from_index';\n"),
    ]);
    age(dir.path());
    assert_eq!(
        refs(dir.path()),
        vec![("src/a.ts".into(), "from_index".into())]
    );
    edit(
        dir.path(),
        "src/flags/index.ts",
        "export const KEY = 'edited';\n",
    );
    assert_eq!(refs(dir.path()), vec![("src/a.ts".into(), "edited".into())]);
    // `./flags` now means flags.ts, which comes before flags/index.ts.
    edit(
        dir.path(),
        "src/flags.ts",
        "export const KEY = 'shadowing';\n",
    );
    assert_eq!(
        refs(dir.path()),
        vec![("src/a.ts".into(), "shadowing".into())]
    );
    std::fs::remove_file(dir.path().join("src/flags.ts")).unwrap();
    assert_eq!(refs(dir.path()), vec![("src/a.ts".into(), "edited".into())]);
}

/// r13: tsconfig paths, package.json dependencies and flaglint.toml decide answers too.
#[test]
fn r13_configs_are_part_of_every_answer() {
    let dir = repo_text(&[
        (
            "tsconfig.json",
            r#"{"compilerOptions": {"baseUrl": ".", "paths": {"@keys/*": ["src/one/*"]}}}"#,
        ),
        (
            "src/a.ts",
            "import flagsmith from 'flagsmith';\nimport { KEY } from '@keys/flags';\nexport const on = flagsmith.hasFeature(KEY);\n",
        ),
        ("src/one/flags.ts", "export const KEY = 'one';\n"),
        ("src/two/flags.ts", "export const KEY = 'two';\n"),
        // Its own package: its import of flagsmith is no business of the root's packages.
        ("src/package.json", r#"{"name": "app"}"#),
        (
            "package.json",
            r#"{"private": true, "workspaces": ["packages/*"]}"#,
        ),
        (
            "packages/flags/package.json",
            r#"{"name": "@acme/flags", "main": "index.ts", "dependencies": {"flagsmith": "*"}}"#,
        ),
        (
            "packages/flags/index.ts",
            "import flagsmith from 'flagsmith';\nexport const client = flagsmith;\n",
        ),
        ("packages/web/package.json", r#"{"name": "web"}"#),
        (
            "packages/web/page.ts",
            "import { client } from '@acme/flags';\nexport const on = client.hasFeature('web_key');\n",
        ),
    ]);
    age(dir.path());
    let before = refs(dir.path());
    assert!(
        before.contains(&("src/a.ts".into(), "one".into())),
        "{before:?}"
    );
    edit(
        dir.path(),
        "tsconfig.json",
        r#"{"compilerOptions": {"baseUrl": ".", "paths": {"@keys/*": ["src/two/*"]}}}"#,
    );
    let after = refs(dir.path());
    assert!(
        after.contains(&("src/a.ts".into(), "two".into())),
        "{after:?}"
    );

    // web reaches Flagsmith once it depends on the workspace package that does.
    let web = ("packages/web/page.ts".to_string(), "web_key".to_string());
    assert!(!after.contains(&web), "{after:?}");
    edit(
        dir.path(),
        "packages/web/package.json",
        r#"{"name": "web", "dependencies": {"@acme/flags": "workspace:*"}}"#,
    );
    assert!(refs(dir.path()).contains(&web));

    // A wrapper declared in flaglint.toml: call sites in unchanged files are read again.
    edit(
        dir.path(),
        "src/b.ts",
        "export const b = isOn('wrapped');\n",
    );
    age(dir.path());
    assert!(!refs(dir.path()).contains(&("src/b.ts".into(), "wrapped".into())));
    edit(
        dir.path(),
        "flaglint.toml",
        "[[wrappers]]\npattern = \"isOn($KEY)\"\n",
    );
    assert!(refs(dir.path()).contains(&("src/b.ts".into(), "wrapped".into())));
}

/// r13: a helper whose body changes is looked for again in files that did not change.
#[test]
fn r13_helpers_are_found_again_when_their_file_changes() {
    let dir = repo_text(&[
        ("src/helpers.ts", "export function isOn(name: string) {\n  return false;\n}\n"),
        (
            "src/page.ts",
            "import flagsmith from 'flagsmith';\nimport { isOn } from './helpers';\nexport const a = isOn('through_helper');\nexport const b = flagsmith.hasFeature('direct');\n",
        ),
    ]);
    age(dir.path());
    assert_eq!(
        refs(dir.path()),
        vec![("src/page.ts".into(), "direct".into())]
    );
    edit(
        dir.path(),
        "src/helpers.ts",
        "import flagsmith from 'flagsmith';\nexport function isOn(name: string) {\n  return flagsmith.hasFeature(name);\n}\n",
    );
    assert_eq!(
        refs(dir.path()),
        vec![
            ("src/page.ts".into(), "through_helper".into()),
            ("src/page.ts".into(), "direct".into()),
        ]
    );
    // And back: the helper reads no flag any more.
    edit(
        dir.path(),
        "src/helpers.ts",
        "export function isOn(name: string) {\n  return name === 'x';\n}\n",
    );
    assert_eq!(
        refs(dir.path()),
        vec![("src/page.ts".into(), "direct".into())]
    );
}

/// r13: a file rewritten with the same size in the same second as the scan that cached
/// it is still read again (its stamp was not trusted).
#[test]
fn r13_a_file_written_just_before_a_scan_is_read_again() {
    let dir = repo_text(&[(
        "src/a.ts",
        "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('aaaa');\n",
    )]);
    let path = dir.path().join("src/a.ts");
    let stamp = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(refs(dir.path()), vec![("src/a.ts".into(), "aaaa".into())]);
    std::fs::write(
        &path,
        "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('bbbb');\n",
    )
    .unwrap();
    // Same size, same modification time: only the content differs.
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    assert_eq!(refs(dir.path()), vec![("src/a.ts".into(), "bbbb".into())]);
}

/// r13: a cache that cannot be read is said to be so with `--stats`, ignored and rewritten.
#[test]
fn r13_a_corrupt_cache_is_rebuilt() {
    let dir = repo_text(&[
        ("src/a.ts", APP),
        ("src/flags.ts", "export const KEY = 'a';\n"),
    ]);
    refs(dir.path());
    let file = dir.path().join(".flaglint/cache/scan.json");
    std::fs::write(&file, "{\"format\": 1, \"files\": [tr").unwrap();
    let stats = cache_stats(dir.path());
    assert!(
        stats.contains("is not a cache flaglint can read"),
        "{stats}"
    );
    assert_eq!(refs(dir.path()), vec![("src/a.ts".into(), "a".into())]);
    let rewritten: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(rewritten["files"].is_array());
}

/// r13: runs at the same time each print the right answer and leave a cache the next run
/// can read.
#[test]
fn r13_concurrent_runs_are_safe() {
    let dir = repo_text(&[
        ("src/a.ts", APP),
        ("src/flags.ts", "export const KEY = 'a';\n"),
    ]);
    age(dir.path());
    let runs: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_flaglint"))
                .args(["refs", "--format", "json"])
                .current_dir(dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for run in runs {
        let output = run.wait_with_output().unwrap();
        assert_eq!(keys(&output), vec![("src/a.ts".into(), "a".into())]);
    }
    let stats = cache_stats(dir.path());
    assert!(
        stats.contains("2 of 2 files and 1 of 1 parsed files answered from the cache"),
        "{stats}"
    );
}

/// r13: another build of flaglint, even under the same version number, does not take the
/// cached answers (its matching may differ).
#[test]
fn r13_another_build_rebuilds_the_cache() {
    let dir = repo_text(&[
        ("src/a.ts", APP),
        ("src/flags.ts", "export const KEY = 'a';\n"),
    ]);
    age(dir.path());
    let bin = tempfile::tempdir().unwrap();
    let copy = bin.path().join("flaglint");
    std::fs::copy(env!("CARGO_BIN_EXE_flaglint"), &copy).unwrap();
    let stats = |dir: &Path| {
        let output = std::process::Command::new(&copy)
            .args(["refs", "--stats", "--format", "json"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stderr(&output)
    };
    stats(dir.path());
    assert!(stats(dir.path()).contains("2 of 2 files and 1 of 1 parsed files answered"));
    std::fs::File::options()
        .write(true)
        .open(&copy)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(60))
        .unwrap();
    let rebuilt = stats(dir.path());
    assert!(
        rebuilt.contains("made by another flaglint or other settings"),
        "{rebuilt}"
    );
    assert!(
        rebuilt.contains("0 of 2 files and 0 of 1 parsed files answered"),
        "{rebuilt}"
    );
}
