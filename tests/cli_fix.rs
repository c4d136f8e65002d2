//! `flaglint fix` as a user runs it: the dry-run diff, `--write`, the refusals and their
//! reasons, `--force` over unstaged work, `--verify` putting files back, `--stale`.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;
use std::process::{Command, Output};

use cli::{flaglint, repo_text, stderr, stdout};

const CHECKOUT: &str = "import flagsmith from 'flagsmith';
import { NewCheckout } from './NewCheckout';
import { OldCheckout } from './OldCheckout';

export function Checkout() {
  if (flagsmith.hasFeature('new_checkout')) {
    return <NewCheckout />;
  }
  return <OldCheckout />;
}
";

const BANNER: &str = "import flagsmith from 'flagsmith';

export const banner = flagsmith.hasFeature('new_checkout') ? 'New!' : 'Welcome';
export const dark = flagsmith.hasFeature('dark_mode');
";

/// A flags file: `new_checkout` on everywhere since August, `dark_mode` on in Development
/// only, `fast_cart` on everywhere but with segment overrides in Production, and
/// `payments_kill_switch` on everywhere but exempt.
const FLAGS: &str = r#"provider = "flagsmith"
project = "Shop"
environments = ["Development", "Production"]

[[flags]]
key = "new_checkout"
[flags.environments.Development]
enabled = true
last_changed = "2026-08-10"
[flags.environments.Production]
enabled = true
last_changed = "2026-08-14"

[[flags]]
key = "dark_mode"
[flags.environments.Development]
enabled = true
last_changed = "2026-11-01"
[flags.environments.Production]
enabled = false
last_changed = "2026-09-01"

[[flags]]
key = "fast_cart"
[flags.environments.Development]
enabled = true
last_changed = "2026-08-01"
[flags.environments.Production]
enabled = true
segment_overrides = 2
last_changed = "2026-08-01"
"#;

fn app() -> tempfile::TempDir {
    repo_text(&[
        ("flaglint.toml", "[service]\nfile = \"flags.toml\"\n"),
        ("flags.toml", FLAGS),
        ("src/Checkout.tsx", CHECKOUT),
        ("src/Banner.ts", BANNER),
        (
            "src/NewCheckout.tsx",
            "export const NewCheckout = () => <form />;\n",
        ),
        (
            "src/OldCheckout.tsx",
            "export const OldCheckout = () => <div />;\n",
        ),
    ])
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@localhost"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", stderr(&status));
}

/// The app, committed to a fresh git repository.
fn committed_app() -> tempfile::TempDir {
    let dir = app();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "app"]);
    dir
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

fn transcript(output: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}

#[test]
fn a_dry_run_prints_the_diff_and_writes_nothing() {
    let dir = app();
    let output = flaglint(dir.path(), &["fix", "new_checkout", "--value", "on"]);
    insta::assert_snapshot!(transcript(&output));
    assert_eq!(read(dir.path(), "src/Checkout.tsx"), CHECKOUT);
    assert_eq!(read(dir.path(), "src/Banner.ts"), BANNER);
}

#[test]
fn the_value_comes_from_the_flag_service_when_it_is_the_same_everywhere() {
    let dir = committed_app();
    let output = flaglint(dir.path(), &["fix", "new_checkout", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stderr(&output));
    assert_eq!(
        read(dir.path(), "src/Checkout.tsx"),
        "import { NewCheckout } from './NewCheckout';\n\nexport function Checkout() {\n  return <NewCheckout />;\n}\n"
    );
    assert_eq!(
        read(dir.path(), "src/Banner.ts"),
        "import flagsmith from 'flagsmith';\n\nexport const banner = 'New!';\nexport const dark = flagsmith.hasFeature('dark_mode');\n"
    );
}

#[test]
fn a_flag_that_differs_between_environments_is_refused_with_the_reason() {
    let dir = app();
    let output = flaglint(dir.path(), &["fix", "dark_mode"]);
    assert_eq!(output.status.code(), Some(1));
    let overrides = flaglint(dir.path(), &["fix", "fast_cart"]);
    assert_eq!(overrides.status.code(), Some(1));
    let unknown = flaglint(dir.path(), &["fix", "no_such_flag"]);
    assert_eq!(unknown.status.code(), Some(1));
    insta::assert_snapshot!(format!(
        "{}{}{}",
        stderr(&output),
        stderr(&overrides),
        stderr(&unknown)
    ));
    assert_eq!(read(dir.path(), "src/Banner.ts"), BANNER);
}

#[test]
fn value_overrides_the_service_and_bad_values_are_errors() {
    let dir = app();
    let output = flaglint(dir.path(), &["fix", "dark_mode", "--value", "off"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("+export const dark = false;"),
        "{}",
        stdout(&output)
    );
    let bad = flaglint(dir.path(), &["fix", "dark_mode", "--value", "blue"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a flag value"),
        "{}",
        stderr(&bad)
    );
    let none = flaglint(dir.path(), &["fix"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("name the flag to remove"),
        "{}",
        stderr(&none)
    );
}

#[test]
fn without_a_flag_source_the_value_must_be_given() {
    let dir = repo_text(&[("src/Checkout.tsx", CHECKOUT)]);
    let output = flaglint(dir.path(), &["fix", "new_checkout"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("pass --value"),
        "{}",
        stderr(&output)
    );
    let given = flaglint(dir.path(), &["fix", "new_checkout", "--value", "on"]);
    assert_eq!(given.status.code(), Some(0), "{}", stderr(&given));
}

#[test]
fn writing_refuses_files_with_unstaged_changes_unless_forced() {
    let dir = committed_app();
    let edited = format!("{CHECKOUT}// work in progress\n");
    std::fs::write(dir.path().join("src/Checkout.tsx"), &edited).unwrap();
    let refused = flaglint(
        dir.path(),
        &["fix", "new_checkout", "--value", "on", "--write"],
    );
    assert_eq!(refused.status.code(), Some(2));
    insta::assert_snapshot!(stderr(&refused));
    assert_eq!(read(dir.path(), "src/Checkout.tsx"), edited);
    assert_eq!(
        read(dir.path(), "src/Banner.ts"),
        BANNER,
        "nothing is written"
    );

    let forced = flaglint(
        dir.path(),
        &["fix", "new_checkout", "--value", "on", "--write", "--force"],
    );
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(read(dir.path(), "src/Checkout.tsx").ends_with("// work in progress\n"));
    assert!(!read(dir.path(), "src/Checkout.tsx").contains("hasFeature"));
}

#[test]
fn writing_outside_git_needs_force() {
    let dir = app();
    let refused = flaglint(
        dir.path(),
        &["fix", "new_checkout", "--value", "on", "--write"],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("not in a git repository"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(read(dir.path(), "src/Checkout.tsx"), CHECKOUT);
}

#[test]
fn a_failing_verify_puts_every_file_back() {
    let dir = committed_app();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("src/Banner.ts");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let output = flaglint(
        dir.path(),
        &[
            "fix",
            "new_checkout",
            "--value",
            "on",
            "--write",
            "--verify",
            "exit 3",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&output));
    assert_eq!(read(dir.path(), "src/Checkout.tsx"), CHECKOUT);
    assert_eq!(read(dir.path(), "src/Banner.ts"), BANNER);

    let kept = flaglint(
        dir.path(),
        &[
            "fix",
            "new_checkout",
            "--value",
            "on",
            "--write",
            "--verify",
            "test -f src/Banner.ts",
        ],
    );
    assert_eq!(kept.status.code(), Some(0), "{}", stderr(&kept));
    assert!(!read(dir.path(), "src/Banner.ts").contains("new_checkout"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("src/Banner.ts"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "the file's mode is kept");
    }
}

#[test]
fn stale_takes_every_flag_that_serves_one_value_everywhere() {
    let dir = committed_app();
    let output = flaglint(dir.path(), &["fix", "--stale", "--now", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.contains("-  if (flagsmith.hasFeature('new_checkout')) {"),
        "{out}"
    );
    let changed: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with('+') || l.starts_with('-'))
        .collect();
    assert!(
        !changed.iter().any(|l| l.contains("dark_mode")),
        "dark_mode differs between environments: {out}"
    );
}

#[test]
fn reads_that_cannot_be_fixed_are_reported_and_fail_the_run() {
    let dir = repo_text(&[(
        "src/a.tsx",
        "import { useFeature } from '@growthbook/growthbook-react';\n\nexport function A() {\n  const feature = useFeature('checkout');\n  return feature.on ? 1 : 0;\n}\n",
    )]);
    let output = flaglint(dir.path(), &["fix", "checkout", "--value", "on"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&output));
    assert_eq!(stdout(&output), "");
}
