//! Git awareness for the report, where the scan root is in a git work tree: who last
//! touched each line that reads a flag (`git blame`), and when each key first appeared in
//! the code (`git log -p`). Both are optional: without git, or outside a work tree, the
//! report says so in a note and leaves the columns out.
//!
//! Costs, measured on Flagsmith's own repository (6,500 commits; its frontend reads 31 of
//! 38 flag keys in 108 places across 65 files): `git log -S'<key>' --reverse` once per key
//! took 30 s (0.8 s a key: the whole history is searched again for each key); one
//! `git log -p --unified=0 --reverse` over the JS/TS files, its added lines matched against
//! every key at once with Aho-Corasick, took 1.6 s for all keys and gave the same date as
//! the pickaxe for all 31. It also stops reading once every key has been seen. Blame runs
//! once per file, with an `-L n,n` per referenced line in one invocation (65 files: 2.3 s
//! in a row; blaming line by line took twice as long for under half the lines), spread
//! over `--threads` workers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use aho_corasick::AhoCorasick;
use anyhow::{bail, Context, Result};

use super::model::{Blame, Place, Report};

/// File patterns of the code flaglint reads, as git pathspecs (`*` crosses folders).
const CODE_PATHSPECS: [&str; 8] = [
    "*.js", "*.jsx", "*.mjs", "*.cjs", "*.ts", "*.tsx", "*.mts", "*.cts",
];

/// Whether `root` is inside a git work tree: Ok(false) when git says no, Err when git is
/// missing.
fn in_work_tree(root: &Path) -> Result<bool, String> {
    match git(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
    {
        Ok(output) => {
            Ok(output.status.success() && String::from_utf8_lossy(&output.stdout).trim() == "true")
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err("git is not installed".into())
        }
        Err(err) => Err(format!("git could not run ({err})")),
    }
}

fn git(root: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(root)
        // Never page, never prompt, never localise what we parse.
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    command
}

/// Adds blame to every place and first-seen dates to every referenced key, and notes what
/// could not be done. `report.git` says whether git was used at all.
pub fn annotate(report: &mut Report, root: &Path, threads: usize) {
    match in_work_tree(root) {
        Ok(true) => {}
        Ok(false) => {
            report.notes.push(format!(
                "{} is not in a git work tree: no blame authors or first-seen dates",
                display(root)
            ));
            return;
        }
        Err(why) => {
            report
                .notes
                .push(format!("{why}: no blame authors or first-seen dates"));
            return;
        }
    }
    report.git = true;

    // Blame: one run per file, every referenced line of it at once.
    let mut lines: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for place in all_places(report) {
        lines
            .entry(place.file.clone())
            .or_default()
            .insert(place.line);
    }
    let (blames, failed) = blame_all(root, &lines, threads);
    for place in all_places_mut(report) {
        place.blame = blames
            .get(&place.file)
            .and_then(|by_line| by_line.get(&place.line))
            .cloned();
    }
    if !failed.is_empty() {
        let shown: Vec<String> = failed
            .iter()
            .take(3)
            .map(|file| crate::paths::from_cwd(root, file))
            .collect();
        let more = match failed.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        report.notes.push(format!(
            "git blame found no history for {} (not committed yet?): {}{more}",
            crate::reporters::plural(failed.len(), "file"),
            shown.join(", ")
        ));
    }

    // First seen: every key the code reads, in the spelling the code uses.
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for flag in &report.flags {
        keys.extend(flag.spellings.iter().cloned());
    }
    keys.extend(report.undefined.iter().map(|u| u.key.clone()));
    if keys.is_empty() {
        return;
    }
    let keys: Vec<String> = keys.into_iter().collect();
    match first_seen(root, &keys) {
        Ok(dates) => {
            for flag in &mut report.flags {
                // A flag spelled two ways first appeared with the earlier spelling.
                flag.first_seen = flag
                    .spellings
                    .iter()
                    .filter_map(|s| dates.get(s))
                    .min()
                    .cloned();
            }
            for row in &mut report.undefined {
                row.first_seen = dates.get(&row.key).cloned();
            }
        }
        Err(err) => report
            .notes
            .push(format!("first-seen dates left out: {err:#}")),
    }
    if git(root)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true")
    {
        report.notes.push(
            "this is a shallow clone: a first-seen date may only be the oldest commit fetched (clone with full history for the real date)"
                .to_string(),
        );
    }
}

fn display(root: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        "the current folder".to_string()
    } else {
        root.display().to_string()
    }
}

fn all_places(report: &Report) -> impl Iterator<Item = &Place> {
    report
        .flags
        .iter()
        .flat_map(|f| &f.places)
        .chain(report.undefined.iter().flat_map(|u| &u.places))
        .chain(report.dynamic.iter().map(|d| &d.place))
}

/// Every place the report shows, to annotate or to rewrite.
pub fn all_places_mut(report: &mut Report) -> impl Iterator<Item = &mut Place> {
    report
        .flags
        .iter_mut()
        .flat_map(|f| &mut f.places)
        .chain(report.undefined.iter_mut().flat_map(|u| &mut u.places))
        .chain(report.dynamic.iter_mut().map(|d| &mut d.place))
}

type Blames = BTreeMap<String, BTreeMap<usize, Blame>>;

/// Blames every file on `threads` workers; returns the blames and the files git refused.
fn blame_all(
    root: &Path,
    lines: &BTreeMap<String, BTreeSet<usize>>,
    threads: usize,
) -> (Blames, Vec<String>) {
    let files: Vec<(&String, &BTreeSet<usize>)> = lines.iter().collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, files.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((file, lines)) = files.get(i) else {
                    break;
                };
                let result = blame_file(root, file, lines);
                if let Ok(mut results) = results.lock() {
                    results.push(((*file).clone(), result));
                }
            });
        }
    });
    let mut blames = Blames::new();
    let mut failed = Vec::new();
    for (file, result) in results.into_inner().unwrap_or_default() {
        match result {
            Some(by_line) => {
                blames.insert(file, by_line);
            }
            None => failed.push(file),
        }
    }
    failed.sort();
    (blames, failed)
}

/// `git blame --porcelain -L a,a -L b,b -- file`: None when git has no history for it.
fn blame_file(root: &Path, file: &str, lines: &BTreeSet<usize>) -> Option<BTreeMap<usize, Blame>> {
    let mut command = git(root);
    command.args(["blame", "--porcelain"]);
    for line in lines {
        command.arg("-L").arg(format!("{line},{line}"));
    }
    let output = command.arg("--").arg(file).output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(parse_blame(&String::from_utf8_lossy(&output.stdout)))
}

/// The final line number of each blamed line and who last touched it.
///
/// Porcelain output: a header `<sha> <orig-line> <final-line> [<count>]`, the commit's
/// `author`, `author-time`, `author-tz` ... the first time that commit appears, then the
/// line itself after a tab.
pub(crate) fn parse_blame(text: &str) -> BTreeMap<usize, Blame> {
    #[derive(Default)]
    struct Commit {
        author: String,
        time: Option<i64>,
        tz: i64,
    }
    let mut commits: HashMap<String, Commit> = HashMap::new();
    let mut current: Option<(String, usize)> = None;
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if line.starts_with('\t') {
            if let Some((sha, final_line)) = current.take() {
                let commit = commits.get(&sha);
                let uncommitted = sha.bytes().all(|b| b == b'0');
                let blame = if uncommitted {
                    Blame {
                        author: "not committed yet".to_string(),
                        date: String::new(),
                    }
                } else {
                    Blame {
                        author: commit.map(|c| c.author.clone()).unwrap_or_default(),
                        date: commit
                            .and_then(|c| Some(date_of(c.time?, c.tz)))
                            .unwrap_or_default(),
                    }
                };
                out.insert(final_line, blame);
            }
            continue;
        }
        let mut words = line.split(' ');
        let first = words.next().unwrap_or("");
        if first.len() == 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            let final_line = words.nth(1).and_then(|w| w.parse().ok());
            if let Some(final_line) = final_line {
                commits.entry(first.to_string()).or_default();
                current = Some((first.to_string(), final_line));
            }
            continue;
        }
        let Some((sha, _)) = &current else { continue };
        let Some(commit) = commits.get_mut(sha) else {
            continue;
        };
        if let Some(author) = line.strip_prefix("author ") {
            commit.author = author.to_string();
        } else if let Some(time) = line.strip_prefix("author-time ") {
            commit.time = time.trim().parse().ok();
        } else if let Some(tz) = line.strip_prefix("author-tz ") {
            commit.tz = tz_seconds(tz.trim());
        }
    }
    out
}

/// `+0130` as seconds east of UTC.
fn tz_seconds(tz: &str) -> i64 {
    let (sign, digits) = match tz.split_at_checked(1) {
        Some(("-", rest)) => (-1, rest),
        Some(("+", rest)) => (1, rest),
        _ => return 0,
    };
    let Ok(n) = digits.parse::<i64>() else {
        return 0;
    };
    sign * ((n / 100) * 3600 + (n % 100) * 60)
}

/// YYYY-MM-DD in the author's own time zone, as `git log --format=%as` prints it.
fn date_of(seconds: i64, tz: i64) -> String {
    jiff::Timestamp::from_second(seconds + tz)
        .map(crate::rules::date)
        .unwrap_or_default()
}

/// When each key first appears on an added line of a JS/TS file, oldest commit first:
/// one `git log -p` over the history, every key matched at once.
fn first_seen(root: &Path, keys: &[String]) -> Result<BTreeMap<String, String>> {
    let matcher = AhoCorasick::new(keys).context("cannot build the key matcher")?;
    let mut child = git(root)
        .args([
            "log",
            "--reverse",
            "--format=%x00%as",
            "-p",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--",
        ])
        .args(CODE_PATHSPECS)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run git log")?;
    let stderr = child.stderr.take().map(|mut stderr| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        })
    });
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut date = String::new();
    let mut complete = false;
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::with_capacity(1 << 16, stdout);
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if let Some(rest) = line.strip_prefix(b"\0") {
                date = String::from_utf8_lossy(rest).trim().to_string();
                continue;
            }
            let Some(added) = line.strip_prefix(b"+") else {
                continue;
            };
            if added.starts_with(b"++ b/") || added.starts_with(b"++ /dev/null") {
                continue;
            }
            for m in matcher.find_overlapping_iter(added) {
                let key = &keys[m.pattern().as_usize()];
                if found.contains_key(key) || !whole_word(added, m.start(), m.end()) {
                    continue;
                }
                found.insert(key.clone(), date.clone());
            }
            if found.len() == keys.len() {
                complete = true;
                break;
            }
        }
    }
    if complete {
        // Everything is known: the rest of the history is not needed.
        let _ = child.kill();
    }
    let status = child.wait().context("git log did not finish")?;
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    if !complete && !status.success() {
        let message = stderr
            .lines()
            .next()
            .unwrap_or("no message")
            .trim()
            .to_string();
        // An empty repository (no commits yet) has no history to search: nothing is seen.
        if message.contains("does not have any commits") {
            return Ok(found);
        }
        bail!("git log failed: {message}");
    }
    Ok(found)
}

/// The match is a whole key: no identifier or key character right before or after it,
/// so `search` is not found in `search_v2` or `researcher`.
fn whole_word(text: &[u8], start: usize, end: usize) -> bool {
    let part = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$';
    let before = start.checked_sub(1).map(|i| text[i]);
    let after = text.get(end).copied();
    !before.is_some_and(part) && !after.is_some_and(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_blame_reuses_commit_headers() {
        let text = "\
1111111111111111111111111111111111111111 7 7 1
author Ada Lovelace
author-mail <ada@example.com>
author-time 1767225600
author-tz +0100
summary first
filename src/a.ts
\t  if (flagsmith.hasFeature('old_search')) {
1111111111111111111111111111111111111111 10 10 1
\t  const x = 1;
0000000000000000000000000000000000000000 12 12 1
author Not Committed Yet
author-time 1767225600
author-tz +0000
filename src/a.ts
\t  edited
";
        let blames = parse_blame(text);
        assert_eq!(blames[&7].author, "Ada Lovelace");
        assert_eq!(blames[&7].date, "2026-01-01");
        assert_eq!(blames[&10], blames[&7]);
        assert_eq!(blames[&12].author, "not committed yet");
        assert_eq!(tz_seconds("-0530"), -(5 * 3600 + 30 * 60));
    }

    #[test]
    fn keys_match_whole_words_only() {
        let text = b"useFlags(['search', 'search_v2', 'researcher']) && flags.search.enabled";
        let at: Vec<usize> = text
            .windows(6)
            .enumerate()
            .filter(|(_, w)| w == b"search")
            .map(|(i, _)| i)
            .filter(|&i| whole_word(text, i, i + 6))
            .collect();
        assert_eq!(at.len(), 2);
    }
}
