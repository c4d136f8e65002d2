//! `flaglint fix` on the fixtures of `fixtures/fix/`, as (before, after) pairs: each folder
//! holds a small app before a flag's removal (`before/`), the app after it (`after/`,
//! every file), and `case.toml` naming the flag, its value and the exit code expected.
//! The binary runs on a copy of `before/` with `--write --force`; every file must then
//! equal its `after/` copy, byte for byte.
//!
//! `FLAGLINT_BLESS=1 cargo test --test fix_fixtures` writes `after/` from the result, for a
//! person to review in `git diff`.

#[path = "support/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cli::{flaglint, stderr};

#[derive(serde::Deserialize)]
struct Case {
    flag: String,
    value: String,
    #[serde(default)]
    exit: i32,
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // The scan cache `fix` leaves behind is not part of the app.
            if path.file_name().is_some_and(|name| name == ".flaglint") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn copy(files: &BTreeMap<String, Vec<u8>>, to: &Path) {
    for (path, content) in files {
        let target = to.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, content).unwrap();
    }
}

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_becomes_its_after_copy() {
    let bless = std::env::var_os("FLAGLINT_BLESS").is_some();
    let mut failures = Vec::new();
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 10, "fixtures/fix/ holds {} cases", dirs.len());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let case: Case = toml::from_str(&std::fs::read_to_string(dir.join("case.toml")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        let before = files(&dir.join("before"));
        let work = tempfile::tempdir().unwrap();
        copy(&before, work.path());
        let output = flaglint(
            work.path(),
            &[
                "fix",
                &case.flag,
                "--value",
                &case.value,
                "--write",
                "--force",
            ],
        );
        if output.status.code() != Some(case.exit) {
            failures.push(format!(
                "{name}: exit {:?}, expected {}\n{}",
                output.status.code(),
                case.exit,
                stderr(&output)
            ));
            continue;
        }
        let got = files(work.path());
        if bless {
            let after = dir.join("after");
            let _ = std::fs::remove_dir_all(&after);
            copy(&got, &after);
            continue;
        }
        let expected = files(&dir.join("after"));
        if got != expected {
            for path in expected
                .keys()
                .chain(got.keys())
                .collect::<std::collections::BTreeSet<_>>()
            {
                let (want, have) = (expected.get(path), got.get(path));
                if want != have {
                    failures.push(format!(
                        "{name}/{path}:\n--- expected\n{}\n--- got\n{}",
                        want.map(|w| String::from_utf8_lossy(w).into_owned())
                            .unwrap_or("(none)".into()),
                        have.map(|h| String::from_utf8_lossy(h).into_owned())
                            .unwrap_or("(none)".into()),
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n========\n"));
}
