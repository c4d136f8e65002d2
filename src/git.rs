//! What git knows that flaglint uses: changed files for `--staged` / `--changed-since`, and
//! the repository and revision for a code-references upload. Git is run as a program, so
//! whatever configuration the user has (worktrees, sparse checkouts) is honoured.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("cannot run git; --staged, --changed-since and --upload need git on PATH")?;
    if !output.status.success() {
        bail!(
            "git {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).context("git printed something that is not UTF-8")
}

/// Files changed under `root`, as paths relative to `root`: staged for commit, or changed
/// (committed, staged or not) since `since`. Deleted files are left out.
pub fn changed_files(root: &Path, since: Option<&str>) -> Result<Vec<PathBuf>> {
    let mut args = vec![
        "diff",
        "--name-only",
        "--relative",
        "--diff-filter=ACMR",
        "-z",
    ];
    match since {
        Some(reference) => args.push(reference),
        None => args.push("--cached"),
    }
    let listed = git(root, &args)?;
    let mut files: Vec<PathBuf> = listed
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect();
    if since.is_some() {
        // New files not yet added are changes too.
        let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z"])?;
        files.extend(
            untracked
                .split('\0')
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
        );
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// The scan root's place in its repository (`apps/web/`), for repository-relative paths.
pub fn prefix(root: &Path) -> Result<String> {
    Ok(git(root, &["rev-parse", "--show-prefix"])?
        .trim()
        .to_string())
}

pub fn head_revision(root: &Path) -> Result<String> {
    Ok(git(root, &["rev-parse", "HEAD"])?.trim().to_string())
}

/// `origin`'s URL as a browsable https URL: `git@github.com:acme/web.git` is
/// `https://github.com/acme/web`.
pub fn repository_url(root: &Path) -> Result<String> {
    let remote = git(root, &["remote", "get-url", "origin"])
        .context("no `origin` remote: pass --repository-url")?;
    Ok(browsable(remote.trim()))
}

fn browsable(remote: &str) -> String {
    let url = match remote.strip_prefix("git@") {
        Some(rest) => format!("https://{}", rest.replacen(':', "/", 1)),
        None => remote
            .strip_prefix("ssh://git@")
            .map(|rest| format!("https://{rest}"))
            .unwrap_or_else(|| remote.to_string()),
    };
    // Credentials in an https remote must never be sent on.
    let url = match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, host))
                if !rest[..rest.find('/').unwrap_or(rest.len())].is_empty()
                    && rest.find('@') < rest.find('/') =>
            {
                format!("{scheme}://{host}")
            }
            _ => url.clone(),
        },
        None => url.clone(),
    };
    url.trim_end_matches(".git").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_become_browsable_urls() {
        assert_eq!(
            browsable("git@github.com:acme/web.git"),
            "https://github.com/acme/web"
        );
        assert_eq!(
            browsable("https://github.com/acme/web.git"),
            "https://github.com/acme/web"
        );
        assert_eq!(
            browsable("ssh://git@gitlab.com/acme/web.git"),
            "https://gitlab.com/acme/web"
        );
        assert_eq!(
            browsable("https://user:token@github.com/acme/web.git"),
            "https://github.com/acme/web"
        );
    }
}
