//! What git knows that flaglint uses: changed files for `--staged` / `--changed-since`, the
//! staged content of files for `--staged` ([`Index`]), and the repository and revision for
//! a code-references upload. Git is run as a program, so whatever configuration the user
//! has (worktrees, sparse checkouts) is honoured.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

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

/// The staged content of files: what `git commit` would record, whatever the working copy
/// holds now. One `git cat-file --batch` answers every read of the run, so a pre-commit
/// hook pays for one process, not one per file.
pub struct Index {
    /// The work tree's top folder, canonical: index paths are relative to it.
    top: PathBuf,
    batch: Mutex<Batch>,
}

struct Batch {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Index {
    /// The index of the repository `dir` is in.
    pub fn open(dir: &Path) -> Result<Index> {
        let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?.trim_end());
        let top = top.canonicalize().unwrap_or(top);
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .current_dir(&top)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run git cat-file; --staged needs git on PATH")?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("cannot talk to git cat-file");
        };
        Ok(Index {
            top,
            batch: Mutex::new(Batch {
                child,
                input: Some(input),
                output: BufReader::new(output),
            }),
        })
    }

    /// The staged bytes of the file at `path` (in the work tree), or `Err(size)` when they
    /// are larger than `limit`; `NotFound` when the index has no such file.
    pub fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Result<Vec<u8>, u64>> {
        let name = self.index_path(path)?;
        let mut batch = self
            .batch
            .lock()
            .map_err(|_| io::Error::other("git cat-file failed earlier"))?;
        let Batch { input, output, .. } = &mut *batch;
        let input = input
            .as_mut()
            .ok_or_else(|| io::Error::other("git cat-file has stopped"))?;
        writeln!(input, ":{name}")?;
        input.flush()?;
        let mut header = String::new();
        output.read_line(&mut header)?;
        // `<oid> blob <size>`, or `:<name> missing` for a path the index does not hold.
        let size = match header.split_whitespace().collect::<Vec<_>>().as_slice() {
            [_, "blob", size] => size
                .parse::<u64>()
                .map_err(|_| io::Error::other(format!("git cat-file said {header:?}")))?,
            [_, "missing"] => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{name} is not staged"),
                ))
            }
            _ => return Err(io::Error::other(format!("git cat-file said {header:?}"))),
        };
        // The content and its newline are read whole even when too large, so that the
        // next answer starts where it should.
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
        output.by_ref().take(size + 1).read_to_end(&mut bytes)?;
        if bytes.pop() != Some(b'\n') {
            return Err(io::Error::other("git cat-file ended early"));
        }
        Ok(if size > limit { Err(size) } else { Ok(bytes) })
    }

    /// `path` as the index names it: relative to the top folder, `/`-separated.
    fn index_path(&self, path: &Path) -> io::Result<String> {
        let absolute = match path.canonicalize() {
            Ok(path) => path,
            // Staged, but gone from the work tree: spell the path out by hand.
            Err(_) => crate::paths::lexical(&std::env::current_dir()?.join(path)),
        };
        let relative = absolute.strip_prefix(&self.top).map_err(|_| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is outside the repository", path.display()),
            )
        })?;
        let name = relative.to_string_lossy().replace('\\', "/");
        if name.contains('\n') {
            return Err(io::Error::other(
                "a path with a newline cannot be read from the index",
            ));
        }
        Ok(name)
    }
}

impl Drop for Index {
    fn drop(&mut self) {
        if let Ok(batch) = self.batch.get_mut() {
            // Closing its input ends git cat-file.
            batch.input.take();
            let _ = batch.child.wait();
        }
    }
}

/// Of `files` (absolute paths), those with changes git has not staged, or that git does not
/// track: writing over them could lose work no commit or index holds. An error when the
/// files are not in a git repository, or git cannot be run.
pub fn unstaged(files: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let Some(dir) = files.first().and_then(|f| f.parent()) else {
        return Ok(Vec::new());
    };
    let run = |args: &[&str], paths: &[PathBuf]| -> Result<Option<String>> {
        let output = Command::new("git")
            .args(args)
            .args(paths)
            .current_dir(dir)
            .output()
            .context("cannot run git to check for unsaved work; pass --force to write anyway")?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
    };
    let Some(top) = run(&["rev-parse", "--show-toplevel"], &[])? else {
        bail!(
            "{} is not in a git repository, so flaglint cannot tell your unsaved work from its own; \
             pass --force to write anyway",
            dir.display()
        );
    };
    let top = PathBuf::from(top.trim());
    let status = run(
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
        ],
        files,
    )?
    .context("git status failed; pass --force to write anyway")?;
    let mut dirty = Vec::new();
    let mut entries = status.split('\0');
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        let (code, path) = entry.split_at(3);
        let code = code.as_bytes();
        // A rename or copy names its source next.
        if matches!(code[0], b'R' | b'C') {
            entries.next();
        }
        if code[1] != b' ' {
            dirty.push(top.join(path));
        }
    }
    Ok(dirty)
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

    /// Reads stay in step with git cat-file: a blob over the limit is skipped whole, a path
    /// the index lacks is NotFound, and the next read still gets its own file.
    #[test]
    fn index_reads_staged_blobs_in_step() {
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let status = Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        run(&["init", "-q"]);
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/a.ts"), "staged a\n").unwrap();
        std::fs::write(dir.path().join("big.ts"), "x".repeat(100)).unwrap();
        run(&["add", "."]);
        std::fs::write(dir.path().join("src/a.ts"), "working copy\n").unwrap();
        std::fs::write(dir.path().join("new.ts"), "untracked").unwrap();

        let index = Index::open(&dir.path().join("src")).unwrap();
        let a = dir.path().join("src/a.ts");
        assert_eq!(
            index.read_at_most(&dir.path().join("big.ts"), 10).unwrap(),
            Err(100)
        );
        assert_eq!(index.read_at_most(&a, 10).unwrap().unwrap(), b"staged a\n");
        let missing = index
            .read_at_most(&dir.path().join("new.ts"), 10)
            .unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        let dotted = dir.path().join("src/../src/./a.ts");
        assert_eq!(
            index.read_at_most(&dotted, 10).unwrap().unwrap(),
            b"staged a\n"
        );
    }

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
