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
