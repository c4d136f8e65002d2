//! The built binary run as a user runs it, for the CLI tests.
//!
//! Included with `#[path = "support/cli.rs"] mod cli;`.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

/// `flaglint ARGS` in `dir`, without colour and without the service URL or key of the
/// environment the tests run in; then `env` on top.
pub fn flaglint_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flaglint"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FLAGSMITH_API_KEY")
        .env_remove("FLAGLINT_SERVICE_URL");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

pub fn flaglint(dir: &Path, args: &[&str]) -> Output {
    flaglint_with(dir, args, &[])
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temporary folder holding `files`, each a path and its content.
pub fn repo(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// [`repo`] for text files.
pub fn repo_text(files: &[(&str, &str)]) -> TempDir {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_bytes())).collect();
    repo(&files)
}
