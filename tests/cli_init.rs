//! `flaglint init` as a user runs it: the built binary on temporary repositories.

#[path = "support/cli.rs"]
mod cli;

use cli::{flaglint, repo_text, stderr};

/// Issue 14, item 12: a missing folder is named as `check` names it, not as the walker does.
#[test]
fn r14_init_on_a_missing_folder_says_so_cleanly() {
    let dir = repo_text(&[]);
    let output = flaglint(dir.path(), &["init", "nosuchdir"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: nosuchdir: no such file or directory\n"
    );
}

/// Issue 14, item 5: an Unleash app gets `provider = "unleash"`, with where its URL and
/// token go, and the next `check` asks for what is missing rather than for a flags file.
#[test]
fn r14_init_writes_the_service_it_detected() {
    let dir = repo_text(&[
        (
            "package.json",
            r#"{"dependencies": {"@unleash/proxy-client-react": "^4", "unleash-client": "^6"}}"#,
        ),
        (
            "src/app.tsx",
            "import { useFlag } from '@unleash/proxy-client-react';\nexport const on = () => useFlag('new_nav');\n",
        ),
    ]);
    let output = flaglint(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let config = std::fs::read_to_string(dir.path().join("flaglint.toml")).unwrap();
    assert!(config.contains("\nprovider = \"unleash\"\n"), "{config}");
    assert!(config.contains("UNLEASH_API_TOKEN"), "{config}");
    assert!(config.contains("# url = \"https://"), "{config}");
    assert!(!config.contains("\nfile = "), "{config}");
    let output = flaglint(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("set `url` in [service]"), "{err}");
}
