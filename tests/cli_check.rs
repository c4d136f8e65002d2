//! `flaglint check` and `flaglint pull` as a user runs them: the built binary on the bundled
//! demo, on temporary repositories, and against a local server replaying Flagsmith's
//! recorded responses.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/replay.rs"]
mod replay;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cli::{flaglint_with, stderr, stdout};
use replay::{Replay, Reply, API_KEY};
use tempfile::TempDir;

/// A copy of the bundled demo app, so a test may write into it.
fn demo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    copy_tree(&source, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const NOW: &[&str] = &["--now", "2026-11-25"];

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check"];
    args.extend_from_slice(NOW);
    args.extend_from_slice(extra);
    flaglint_with(dir, &args, &[])
}

fn rules_found(output: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(output)));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["flag"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn demo_text_output_and_exit_code() {
    let dir = demo();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn demo_json_output() {
    let dir = demo();
    let output = check(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn every_rule_fires_on_the_demo() {
    let dir = demo();
    let output = check(dir.path(), &["--format", "json"]);
    let found = rules_found(&output);
    for rule in [
        "stale-flag new_checkout",
        "undefined-flag chekout_v3",
        "archived-flag old_search",
        "unused-flag beta_dashboard",
        "unused-flag banner_copy_welcome",
        "dynamic-reference -",
        "permanent-flag search_v2",
    ] {
        assert!(
            found.iter().any(|f| f == rule),
            "{rule} missing from {found:?}"
        );
    }
    // A kill switch on for a year is doing its job; a split flag is not stale.
    assert!(
        !found.iter().any(|f| f.contains("payments_kill_switch")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|f| f.contains("button_color")),
        "{found:?}"
    );
}

#[test]
fn permanent_flag_before_the_stale_threshold() {
    let dir = demo();
    let output = flaglint_with(
        dir.path(),
        &["check", "--now", "2026-08-20", "--format", "json"],
        &[],
    );
    let found = rules_found(&output);
    assert!(
        found.contains(&"permanent-flag new_checkout".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"stale-flag new_checkout".to_string()),
        "{found:?}"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = demo();
    assert_eq!(
        check(dir.path(), &["--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        check(dir.path(), &["--fail-on", "warning"]).status.code(),
        Some(1)
    );
    // Only infos left: they fail only at --fail-on info.
    write(
        dir.path(),
        "flaglint.toml",
        "[service]\nfile = \"flags.toml\"\n[rules]\nseverity = { \"stale-flag\" = \"off\", \"undefined-flag\" = \"off\", \"archived-flag\" = \"off\", \"unused-flag\" = \"info\" }\n",
    );
    assert_eq!(check(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(
        check(dir.path(), &["--fail-on", "info"]).status.code(),
        Some(1)
    );
}

#[test]
fn severity_config_changes_and_disables_rules() {
    let dir = demo();
    write(
        dir.path(),
        "flaglint.toml",
        "[service]\nfile = \"flags.toml\"\n[rules]\nseverity = { \"unused-flag\" = \"error\", \"archived-flag\" = \"off\" }\n",
    );
    let output = check(dir.path(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.iter().any(|f| f["rule"] == "archived-flag"));
    let unused = findings
        .iter()
        .find(|f| f["rule"] == "unused-flag" && f["flag"] == "beta_dashboard")
        .unwrap();
    assert_eq!(unused["severity"], "error");
    assert_eq!(json["summary"]["suppressed"]["disabled_rules"], 1);
}

#[test]
fn unknown_rule_in_config_names_line_and_column() {
    let dir = demo();
    write(
        dir.path(),
        "flaglint.toml",
        "[service]\nfile = \"flags.toml\"\n[rules]\nseverity = { \"stale-flags\" = \"error\" }\n",
    );
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("flaglint.toml:4:30: unknown rule \"stale-flags\""),
        "{err}"
    );
}

#[test]
fn inline_ignore_comments_and_ignore_list() {
    let dir = demo();
    let path = dir.path().join("src/components/Banner.tsx");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "  if (flagsmith.hasFeature('old_search')) {",
        "  // flaglint-ignore archived-flag -- removed in the next release\n  if (flagsmith.hasFeature('old_search')) {",
    );
    std::fs::write(&path, text).unwrap();
    write(
        dir.path(),
        "flaglint.toml",
        "[service]\nfile = \"flags.toml\"\n[rules]\nignore = [\"beta_*\"]\n",
    );
    let output = check(dir.path(), &["--format", "json"]);
    let found = rules_found(&output);
    assert!(
        !found.contains(&"archived-flag old_search".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"unused-flag beta_dashboard".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"stale-flag new_checkout".to_string()),
        "{found:?}"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["suppressed"]["inline"], 1);
    assert_eq!(json["summary"]["suppressed"]["ignored_flags"], 1);
}

#[test]
fn baseline_accepts_existing_findings_only() {
    let dir = demo();
    let written = check(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let clean = check(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    // A new read of an undefined flag is not in the baseline.
    let path = dir.path().join("src/components/Banner.tsx");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "  const color",
        "  const typo = flagsmith.hasFeature('new_chekcout');\n  const color",
    );
    std::fs::write(&path, text).unwrap();
    let output = check(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(rules_found(&output), vec!["undefined-flag new_chekcout"]);
}

#[test]
fn explain_prints_the_rule_docs() {
    let dir = demo();
    let output = flaglint_with(dir.path(), &["check", "--explain", "stale-flag"], &[]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("# stale-flag (error)"), "{text}");
    assert!(text.contains("## How to fix"), "{text}");
}

#[test]
fn no_flag_source_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.ts", "export {}\n");
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no flag source configured"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn offline_without_a_snapshot_says_to_pull() {
    let dir = flagsmith_repo("http://127.0.0.1:9/api/v1/");
    let output = flaglint_with(dir.path(), &["check", "--offline"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("run `flaglint pull` first"),
        "{}",
        stderr(&output)
    );
}

/// A repository whose flaglint.toml points at a Flagsmith server.
fn flagsmith_repo(url: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flaglint.toml",
        &format!("[service]\nprovider = \"flagsmith\"\nurl = \"{url}\"\nproject = \"Web App\"\ncache_ttl = \"1h\"\n"),
    );
    write(
        dir.path(),
        "src/app.ts",
        "import flagsmith from 'flagsmith';\n\
         if (flagsmith.hasFeature('new_checkout')) {}\n\
         flagsmith.hasFeature('old_search');\n\
         flagsmith.hasFeature('payments_kill_switch');\n\
         flagsmith.getValue('welcome_message');\n\
         flagsmith.getValue('button_color');\n\
         flagsmith.hasFeature('beta_dashboard');\n\
         flagsmith.hasFeature('dark_mode');\n\
         flagsmith.hasFeature('api_timeout_ms');\n",
    );
    dir
}

#[test]
fn pull_then_check_offline_and_from_the_cache() {
    let replay = Replay::start();
    let dir = flagsmith_repo(&replay.base_url());
    let key = [("FLAGSMITH_API_KEY", API_KEY)];
    let pulled = flaglint_with(dir.path(), &["pull"], &key);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert!(
        stderr(&pulled).contains("9 flags in 3 environments"),
        "{}",
        stderr(&pulled)
    );
    let snapshot = dir.path().join(".flaglint/snapshot.json");
    let text = std::fs::read_to_string(&snapshot).unwrap();
    assert!(
        !text.contains(API_KEY),
        "the key must never be written to disk"
    );
    let requests = replay.requests().len();

    // Offline: the snapshot only. From the cache: fresh, so no request either.
    for extra in [&["--offline"][..], &[][..]] {
        let mut args = vec!["check", "--now", "2026-12-31", "--format", "json"];
        args.extend_from_slice(extra);
        let output = flaglint_with(dir.path(), &args, &[]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let found = rules_found(&output);
        assert!(
            found.contains(&"archived-flag old_search".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"stale-flag new_checkout".to_string()),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|f| f.contains("payments_kill_switch")),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|f| f.contains("button_color")),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|f| f.contains("welcome_message")),
            "{found:?}"
        );
    }
    assert_eq!(replay.requests().len(), requests, "check asked the service");
}

#[test]
fn live_check_reads_the_service_and_refreshes_the_snapshot() {
    let replay = Replay::start();
    let dir = flagsmith_repo(&replay.base_url());
    let output = flaglint_with(
        dir.path(),
        &["check", "--now", "2026-12-31", "--format", "json"],
        &[("FLAGSMITH_API_KEY", API_KEY)],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!replay.requests().is_empty());
    assert!(dir.path().join(".flaglint/snapshot.json").is_file());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["source"], "live");
}

#[test]
fn bad_key_exits_2_naming_the_variable_never_the_key() {
    let replay = Replay::start();
    let dir = flagsmith_repo(&replay.base_url());
    let wrong = "AAAAAAAA.wrongwrongwrongwrongwrong";
    let output = flaglint_with(dir.path(), &["check"], &[("FLAGSMITH_API_KEY", wrong)]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("401") && err.contains("FLAGSMITH_API_KEY"),
        "{err}"
    );
    assert!(
        !err.contains(wrong) && !stdout(&output).contains(wrong),
        "{err}"
    );
}

#[test]
fn server_errors_are_never_a_clean_run() {
    let replay = Replay::start();
    replay.respond_any_query("GET", "/api/v1/projects/", Reply::json(500, "{}"));
    let dir = flagsmith_repo(&replay.base_url());
    let output = flaglint_with(dir.path(), &["check"], &[("FLAGSMITH_API_KEY", API_KEY)]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("500"), "{}", stderr(&output));
}

#[test]
fn missing_key_is_a_clear_error() {
    let dir = flagsmith_repo("http://127.0.0.1:9/api/v1/");
    let output = flaglint_with(dir.path(), &["check"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("FLAGSMITH_API_KEY is not set"),
        "{}",
        stderr(&output)
    );
}

#[allow(dead_code)]
fn fixtures() -> PathBuf {
    replay::fixtures_dir()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The demo as a git repository with everything committed.
fn demo_repo() -> TempDir {
    let dir = demo();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "demo"]);
    dir
}

#[test]
fn staged_checks_only_staged_files_and_never_calls_a_flag_unused() {
    let dir = demo_repo();
    let banner = dir.path().join("src/components/Banner.tsx");
    let text = std::fs::read_to_string(&banner).unwrap().replace(
        "  const color",
        "  const typo = flagsmith.hasFeature('new_chekcout');\n  const color",
    );
    std::fs::write(&banner, text).unwrap();
    // Nothing staged yet: nothing to say.
    let output = check(dir.path(), &["--staged", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(rules_found(&output).is_empty());

    git(dir.path(), &["add", "src/components/Banner.tsx"]);
    let output = check(dir.path(), &["--staged", "--format", "json"]);
    let found = rules_found(&output);
    assert!(
        found.contains(&"undefined-flag new_chekcout".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"archived-flag old_search".to_string()),
        "{found:?}"
    );
    // Checkout.tsx (stale new_checkout) was not staged; unused-flag needs the whole code.
    assert!(
        !found.iter().any(|f| f.starts_with("stale-flag")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|f| f.starts_with("unused-flag")),
        "{found:?}"
    );
}

#[test]
fn changed_since_counts_committed_modified_and_new_files() {
    let dir = demo_repo();
    write(
        dir.path(),
        "src/new.ts",
        "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('brand_new');\n",
    );
    let output = check(dir.path(), &["--changed-since", "HEAD", "--format", "json"]);
    assert_eq!(rules_found(&output), vec!["undefined-flag brand_new"]);
    let bad = check(dir.path(), &["--changed-since", "no-such-ref"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("git diff"), "{}", stderr(&bad));
}

#[test]
fn refs_upload_posts_the_references_to_flagsmith() {
    let replay = Replay::start();
    let dir = flagsmith_repo(&replay.base_url());
    let output = flaglint_with(
        dir.path(),
        &[
            "refs",
            "--upload",
            "--repository-url",
            "https://github.com/acme/web-app",
            "--revision",
            "4f2a9c1",
        ],
        &[("FLAGSMITH_API_KEY", API_KEY)],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("uploaded 8 code references at 4f2a9c1"),
        "{}",
        stderr(&output)
    );
    let post = replay
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a POST");
    assert_eq!(post.path, "/api/v1/projects/1/code-references/");
    let body: serde_json::Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["repository_url"], "https://github.com/acme/web-app");
    assert_eq!(body["revision"], "4f2a9c1");
    assert_eq!(body["vcs_provider"], "github");
    assert_eq!(
        body["code_references"][0],
        serde_json::json!({"feature_name": "new_checkout", "file_path": "src/app.ts", "line_number": 2})
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = demo();
    let plain = check(dir.path(), &[]);
    assert!(
        !stdout(&plain).contains('\x1b'),
        "piped output has no colour"
    );
    let coloured = check(dir.path(), &["--color", "always"]);
    assert!(
        stdout(&coloured).contains("\x1b[1;31merror[stale-flag]"),
        "{}",
        stdout(&coloured)
    );
}

#[test]
fn staged_keeps_the_include_and_exclude_globs() {
    let dir = demo_repo();
    let banner = dir.path().join("src/components/Banner.tsx");
    let text = std::fs::read_to_string(&banner).unwrap().replace(
        "  const color",
        "  const typo = flagsmith.hasFeature('new_chekcout');\n  const color",
    );
    std::fs::write(&banner, text).unwrap();
    git(dir.path(), &["add", "src/components/Banner.tsx"]);
    // The control: without the exclude, the staged typo is found.
    let included = check(dir.path(), &["--staged", "--format", "json"]);
    assert_eq!(included.status.code(), Some(1), "{}", stderr(&included));
    assert!(
        rules_found(&included).contains(&"undefined-flag new_chekcout".to_string()),
        "{:?}",
        rules_found(&included)
    );
    let output = check(
        dir.path(),
        &[
            "--staged",
            "--format",
            "json",
            "--exclude",
            "src/components",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        rules_found(&output).is_empty(),
        "{:?}",
        rules_found(&output)
    );
}

/// Issue 14, item 1: a typo in the flags file used to make findings vanish.
#[test]
fn r14_flags_file_typos_stop_the_check() {
    let dir = demo();
    let flags = dir.path().join("flags.toml");
    let text = std::fs::read_to_string(&flags).unwrap();
    std::fs::write(
        &flags,
        text.replacen(
            "[flags.environments.Staging]",
            "[flags.environments.Stagng]",
            1,
        ),
    )
    .unwrap();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("flags.toml:13:21: environment `Stagng` of flag `new_checkout` is not declared (did you mean `Staging`?)"),
        "{err}"
    );
}

/// Issue 14, item 12: the OS reason once, not twice.
#[test]
fn r14_missing_config_file_says_why_once() {
    let dir = demo();
    let output = check(dir.path(), &["--config", "nosuch.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(err.starts_with("error: cannot read nosuch.toml: "), "{err}");
}

/// Issue 14, item 12: with the service down and the snapshot past `cache_ttl`, say that
/// the snapshot is there and `--offline` would use it.
#[test]
fn r14_service_down_with_an_expired_snapshot_points_at_offline() {
    let dir = flagsmith_repo("http://127.0.0.1:9/api/v1/");
    write(
        dir.path(),
        ".flaglint/snapshot.json",
        r#"{"provider": "flagsmith", "project": "Web App", "environments": ["Production"],
            "fetched_at": "2026-11-20T10:00:00Z", "flags": []}"#,
    );
    let output = flaglint_with(dir.path(), &["check"], &[("FLAGSMITH_API_KEY", API_KEY)]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("the snapshot .flaglint/snapshot.json is ")
            && err
                .contains("(from 2026-11-20 10:00 UTC): `--offline` reads it without the service"),
        "{err}"
    );
    // Without a snapshot, `--offline` cannot help: it says so.
    std::fs::remove_file(dir.path().join(".flaglint/snapshot.json")).unwrap();
    let output = flaglint_with(dir.path(), &["check"], &[("FLAGSMITH_API_KEY", API_KEY)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("there is no snapshot yet (.flaglint/snapshot.json), so `--offline` has nothing to read"),
        "{}",
        stderr(&output)
    );
}

/// Issue 14, item 9: `--quiet` prints the results only, as `--help` says.
#[test]
fn r14_quiet_prints_results_only() {
    let dir = demo();
    let full = stdout(&check(dir.path(), &[]));
    let quiet = check(dir.path(), &["-q"]);
    assert_eq!(quiet.status.code(), Some(1));
    let text = stdout(&quiet);
    assert!(text.starts_with("error[archived-flag]"), "{text}");
    assert!(!text.contains("checked against"), "{text}");
    // Everything but the summary line.
    let summary = full.lines().last().unwrap();
    assert!(summary.contains("checked against"), "{full}");
    assert_eq!(text, full.replace(&format!("{summary}\n"), ""));
    let github = stdout(&check(dir.path(), &["-q", "--format", "github"]));
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
}

/// Issue 14, item 3: a scan of some files cannot know that a flag is unused.
#[test]
fn r14_explicit_files_leave_out_unused_flag() {
    let dir = demo();
    let output = check(
        dir.path(),
        &["src/components/Banner.tsx", "--format", "json"],
    );
    let found = rules_found(&output);
    assert!(
        found.contains(&"archived-flag old_search".to_string()),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|f| f.starts_with("unused-flag")),
        "{found:?}"
    );
    // A folder is the whole code: there it stays on.
    let output = check(dir.path(), &["src", "--format", "json"]);
    assert!(
        rules_found(&output).contains(&"unused-flag beta_dashboard".to_string()),
        "{:?}",
        rules_found(&output)
    );
}

/// Issue 14, item 4: the config is looked for from a file's own folder up, as from a folder.
#[test]
fn r14_config_is_found_from_the_files_folder() {
    let parent = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("demo"),
        &parent.path().join("demo"),
    );
    let output = check(
        parent.path(),
        &["demo/src/components/Banner.tsx", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        rules_found(&output).contains(&"archived-flag old_search".to_string()),
        "{:?}",
        rules_found(&output)
    );
}

/// Issue 14, item 2: `--staged` judges what is being committed, the staged blobs, and
/// follows imports into staged modules too, whatever the working copy holds now.
#[test]
fn r14_staged_reads_the_index_not_the_working_tree() {
    let dir = demo_repo();
    write(
        dir.path(),
        "src/keys.ts",
        "export const STAGED_KEY = 'staged_import';\n",
    );
    write(
        dir.path(),
        "src/typo.ts",
        "import flagsmith from 'flagsmith';\nimport { STAGED_KEY } from './keys';\n\
         flagsmith.hasFeature('staged_typo');\nflagsmith.hasFeature(STAGED_KEY);\n\
         flagsmith.hasFeature('accepted'); // flaglint-ignore\n",
    );
    git(dir.path(), &["add", "src/typo.ts", "src/keys.ts"]);
    // The working copy moves on after staging.
    write(
        dir.path(),
        "src/keys.ts",
        "export const STAGED_KEY = 'worktree_import';\n",
    );
    write(
        dir.path(),
        "src/typo.ts",
        "import flagsmith from 'flagsmith';\nimport { STAGED_KEY } from './keys';\n\
         flagsmith.hasFeature('worktree_other');\nflagsmith.hasFeature(STAGED_KEY);\n\
         flagsmith.hasFeature('accepted');\n",
    );
    let output = check(dir.path(), &["--staged", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let mut found = rules_found(&output);
    found.sort();
    assert_eq!(
        found,
        ["undefined-flag staged_import", "undefined-flag staged_typo"],
        "{}",
        stdout(&output)
    );
    // The ignore comment and the code frames are the staged file's too.
    let text = stdout(&check(dir.path(), &["--staged"]));
    assert!(
        text.contains("3 | flagsmith.hasFeature('staged_typo');"),
        "{text}"
    );
    assert!(!text.contains("worktree"), "{text}");
}

/// Issue 14, item 8: JUnit failures are the findings that fail the run.
#[test]
fn r14_junit_failures_follow_fail_on() {
    let dir = demo();
    let junit = stdout(&check(dir.path(), &["--format", "junit"]));
    assert!(
        junit.contains(r#"<testsuites name="flaglint" tests="9" failures="4" errors="0">"#),
        "{junit}"
    );
    let junit = stdout(&check(
        dir.path(),
        &["--format", "junit", "--fail-on", "info"],
    ));
    assert!(junit.contains(r#"tests="9" failures="9""#), "{junit}");
}

/// Issue 14, item 7: every format prints a file's path relative to the working directory,
/// so that it opens from the shell it was printed in.
#[test]
fn r14_paths_are_relative_to_the_working_directory_in_every_format() {
    let parent = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("demo"),
        &parent.path().join("demo"),
    );
    let run = |args: &[&str]| {
        let mut all = vec!["check", "demo", "--now", "2026-11-25"];
        all.extend_from_slice(args);
        stdout(&flaglint_with(parent.path(), &all, &[]))
    };
    let text = run(&[]);
    assert!(
        text.contains(" --> demo/src/components/Banner.tsx:7:28\n"),
        "{text}"
    );
    assert!(!text.contains("> src/"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    assert_eq!(json["version"], 2);
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.starts_with("demo/src/")),
        "{files:?}"
    );
    for (format, needle) in [
        ("github", "file=demo/src/components/Banner.tsx,line=7"),
        ("sarif", "\"uri\": \"demo/src/components/Banner.tsx\""),
        ("markdown", "`demo/src/components/Banner.tsx:7`"),
        (
            "junit",
            "file=\"demo/src/components/Banner.tsx\" line=\"7\"",
        ),
        (
            "codeclimate",
            "\"path\": \"demo/src/components/Banner.tsx\"",
        ),
    ] {
        let output = run(&["--format", format]);
        assert!(output.contains(needle), "{format}: {output}");
    }

    let refs = stdout(&flaglint_with(parent.path(), &["refs", "demo"], &[]));
    assert!(
        refs.contains("\n  demo/src/components/Banner.tsx:7:28  flagsmith"),
        "{refs}"
    );
    let refs: serde_json::Value = serde_json::from_slice(
        &flaglint_with(parent.path(), &["refs", "demo", "--format", "json"], &[]).stdout,
    )
    .unwrap();
    assert_eq!(refs["version"], 2);
    assert_eq!(refs["root"], "demo");
    assert!(refs["references"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["file"].as_str().unwrap().starts_with("demo/src/")));
}
