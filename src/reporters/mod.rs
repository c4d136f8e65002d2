//! Reporters: one file per output format. `refs` prints references; every other format
//! prints a [`Run`] of `check` through [`report`], picked by one `match` on [`Format`].
//!
//! Paths: findings carry paths relative to the scan root (baselines and inline ignores are
//! keyed by them); every format prints [`repo_path`] instead, relative to the working
//! directory as ripgrep and eslint print them, so that `flaglint check web/` shows
//! `web/src/a.ts`, which opens from that shell and which CI services annotate.

pub mod codeclimate;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod refs;
pub mod sarif;
pub mod text;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::finding::{Finding, FlagOrigin, Severity, Suppressed};
use crate::walk::Files;

/// Everything a `check` reporter shows.
pub struct Run {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Where the scanned files are, to read code frames from.
    pub root: PathBuf,
    /// What they were read from: the working tree, or git's index (`--staged`).
    pub files: Files,
    /// `--fail-on`: the least severity that fails the run; None for `never`. JUnit makes
    /// failures of these findings only.
    pub fail_at: Option<Severity>,
}

impl Run {
    /// Whether this finding fails the run (exit code 1).
    pub fn fails(&self, finding: &Finding) -> bool {
        self.fail_at.is_some_and(|least| finding.severity >= least)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub references: usize,
    pub flags: usize,
    pub files_scanned: usize,
    /// "flagsmith", "file", ...
    pub service: String,
    pub project: Option<String>,
    pub environments: Vec<String>,
    /// Where the flags came from.
    pub source: FlagOrigin,
    pub suppressed: Suppressed,
    /// Files that could not be read: the answer is partial.
    pub unreadable: Vec<String>,
}

impl Summary {
    pub fn count(findings: &[Finding]) -> (usize, usize, usize) {
        let of = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        (
            of(Severity::Error),
            of(Severity::Warning),
            of(Severity::Info),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: code frames and a summary.
    Text,
    /// Versioned JSON (README.md documents it).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML: one test suite per rule, for CI test reports.
    Junit,
    /// GitLab Code Quality (Code Climate issues as a JSON array).
    #[value(alias = "gitlab")]
    Codeclimate,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// How the formats for people show a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// `--quiet`: the findings only, no summary line (text and github; the other formats
    /// are documents whose summary is data).
    pub quiet: bool,
}

pub fn report(format: Format, out: &mut dyn Write, run: &Run, style: Style) -> anyhow::Result<()> {
    match format {
        Format::Text => text::report(out, run, style),
        Format::Json => json::report(out, run),
        Format::Sarif => sarif::report(out, run),
        Format::Github => github::report(out, run, style.quiet),
        Format::Junit => junit::report(out, run),
        Format::Codeclimate => codeclimate::report(out, run),
        Format::Markdown => markdown::report(out, run),
    }
}

/// "1 file", "2 files".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "2 errors, 1 warning, 1 info", or "no findings".
pub(crate) fn counts(summary: &Summary) -> String {
    let parts: Vec<String> = [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.infos, "info"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| plural(*n, word))
    .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    }
}

/// "9 references in 6 files checked against 8 flags of flagsmith project "Web App"
/// (Development, Production; file flags.toml)".
pub(crate) fn checked(summary: &Summary) -> String {
    let project = summary
        .project
        .as_deref()
        .map(|p| format!(" project {p:?}"))
        .unwrap_or_default();
    format!(
        "{} in {} checked against {} of {}{project} ({}; {})",
        plural(summary.references, "reference"),
        plural(summary.files_scanned, "file"),
        plural(summary.flags, "flag"),
        summary.service,
        summary.environments.join(", "),
        summary.source.summary(),
    )
}

/// A finding's path as every format prints it: relative to the working directory (the
/// checkout, in CI), `/`-separated. `file` is relative to `run.root`.
pub(crate) fn repo_path(run: &Run, file: &str) -> String {
    crate::paths::from_cwd(&run.root, file)
}

/// Where a finding with no place in the code (an unused flag) is pinned, for the formats
/// that need a file (SARIF, Code Climate, JUnit): the line defining `flag` in the flags
/// file when the flags come from one (`provider = "file"`), otherwise line 1 of
/// `flaglint.toml` at the scan root, the file that names the flag service.
pub(crate) fn flags_source(run: &Run, flag: Option<&str>) -> (String, usize) {
    match run.summary.source.flags_file() {
        // The command gives the flags file relative to the working directory already.
        Some(path) => {
            let line = flag
                .and_then(|flag| definition_line(path, flag))
                .unwrap_or(1);
            (crate::paths::slashes(path), line)
        }
        None => (repo_path(run, crate::config::FILE_NAME), 1),
    }
}

/// The line of `key = "flag"` in a flags file, else the first line quoting `"flag"`.
fn definition_line(path: &Path, flag: &str) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let quoted = serde_json::to_string(flag).ok()?;
    let key_line = text.lines().position(|line| {
        line.split_once('=')
            .is_some_and(|(name, value)| name.trim() == "key" && value.trim() == quoted)
    });
    key_line
        .or_else(|| text.lines().position(|line| line.contains(&quoted)))
        .map(|index| index + 1)
}

/// Fingerprints unique within one run: the n-th finding with the same parts gets `n` mixed
/// in (findings come sorted by rule, flag, path, line, so `n` counts in line order), like
/// ruff's GitLab reporter rehashing a fingerprint already in use.
#[derive(Default)]
pub(crate) struct Fingerprints {
    seen: std::collections::BTreeMap<Vec<String>, usize>,
}

impl Fingerprints {
    pub(crate) fn next(&mut self, parts: &[&str]) -> String {
        let key: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        let count = self.seen.entry(key).or_default();
        *count += 1;
        let occurrence = count.to_string();
        let mut all = parts.to_vec();
        all.push(&occurrence);
        fingerprint(&all)
    }
}

/// A stable fingerprint: SHA-256 (hex) over the parts, each length-prefixed so that
/// ("ab", "c") and ("a", "bc") differ. Stable across Rust versions and platforms, unlike
/// `std::hash`; used by SARIF `partialFingerprints` and Code Climate `fingerprint`.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        context.update(&(part.len() as u64).to_le_bytes());
        context.update(part.as_bytes());
    }
    context
        .finish()
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::finding::{Finding, FlagOrigin, Location, Severity, Suppressed};

    fn at(file: &str, line: usize, column: usize) -> Option<Location> {
        Some(Location {
            file: file.into(),
            line,
            column,
        })
    }

    /// The fixture every reporter test renders: a stale flag, an undefined flag whose
    /// message and path need escaping in every format (`|`, `<`, `&`, `%`, a newline, a
    /// comma, a colon, a space), an unused flag with no place in the code and a dynamic
    /// reference. Sorted as `rules::check` sorts.
    pub(crate) fn sample_run() -> Run {
        let findings = vec![
            Finding {
                rule: "dynamic-reference",
                severity: Severity::Info,
                flag: None,
                location: at("src/components/Banner.tsx", 11, 35),
                span_len: 24,
                message: "flag key `banner_copy_${variant}` cannot be resolved statically (starts with \"banner_copy_\")".into(),
                help: "use a literal or a constant key, or mark the line `// flaglint-ignore dynamic-reference`".into(),
            },
            Finding {
                rule: "stale-flag",
                severity: Severity::Error,
                flag: Some("new_checkout".into()),
                location: at("src/checkout.ts", 12, 28),
                span_len: 14,
                message: "`new_checkout` is on in all 3 environments, unchanged since 2026-08-14 (103 days)".into(),
                help: "remove the flag: keep the code it enables, then delete `new_checkout` in flagsmith".into(),
            },
            Finding {
                rule: "undefined-flag",
                severity: Severity::Error,
                flag: Some("promo|<v2>".into()),
                location: at("src/legacy pages/promo,v2.tsx", 3, 7),
                span_len: 12,
                message: "`promo|<v2>` is not defined in flagsmith project \"Web & App\": 100% of reads see the default\nsecond line, after a newline".into(),
                help: "fix the key (did you mean `promo_v2`?) or create the flag".into(),
            },
            Finding {
                rule: "unused-flag",
                severity: Severity::Warning,
                flag: Some("beta_dashboard".into()),
                location: None,
                span_len: 0,
                message: "`beta_dashboard` is defined in flagsmith but no scanned code reads it".into(),
                help: "delete or archive the flag in the service (check other repositories that share the project first)".into(),
            },
        ];
        run_of(findings)
    }

    /// A run with these findings and the sample's summary, counts recomputed.
    pub(crate) fn run_of(findings: Vec<Finding>) -> Run {
        let (errors, warnings, infos) = Summary::count(&findings);
        Run {
            summary: Summary {
                errors,
                warnings,
                infos,
                references: 9,
                flags: 8,
                files_scanned: 6,
                service: "flagsmith".into(),
                project: Some("Web App".into()),
                environments: vec!["Development".into(), "Staging".into(), "Production".into()],
                source: FlagOrigin::File(PathBuf::from("flags.toml")),
                suppressed: Suppressed::default(),
                unreadable: Vec::new(),
            },
            findings,
            root: PathBuf::from("."),
            files: Files::WorkTree,
            // Every finding a failure, as `--fail-on info` has it.
            fail_at: Some(Severity::Info),
        }
    }

    /// No findings.
    pub(crate) fn empty_run() -> Run {
        run_of(Vec::new())
    }

    /// Only the sample's findings without a place in the code (the unused flag).
    pub(crate) fn no_location_run() -> Run {
        let findings = sample_run()
            .findings
            .into_iter()
            .filter(|f| f.location.is_none())
            .collect();
        run_of(findings)
    }

    /// What a reporter writes, as text.
    pub(crate) fn render(format: Format, run: &Run) -> String {
        let mut out = Vec::new();
        report(format, &mut out, run, Style::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sample_covers_every_case() {
        let run = sample_run();
        assert!(run.findings.iter().any(|f| f.location.is_none()));
        assert!(run.findings.iter().any(|f| f.flag.is_none()));
        let text: String = run.findings.iter().map(|f| f.message.as_str()).collect();
        for c in ['|', '<', '&', '%', '\n', ',', ':'] {
            assert!(text.contains(c), "no {c:?} in the sample messages");
        }
        let mut sorted = run.findings.clone();
        sorted.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        assert_eq!(sorted, run.findings);
    }

    #[test]
    fn repo_path_joins_the_root() {
        let mut run = empty_run();
        assert_eq!(repo_path(&run, "src/a.ts"), "src/a.ts");
        run.root = PathBuf::from("web");
        assert_eq!(repo_path(&run, "src/a.ts"), "web/src/a.ts");
        run.root = std::env::current_dir().unwrap().join("web");
        assert_eq!(repo_path(&run, "src/a.ts"), "web/src/a.ts");
    }

    #[test]
    fn flags_source_is_the_flags_file_or_the_config() {
        let mut run = empty_run();
        assert_eq!(flags_source(&run, Some("x")), ("flags.toml".into(), 1));
        run.summary.source = FlagOrigin::Live;
        run.root = PathBuf::from("web");
        assert_eq!(
            flags_source(&run, Some("x")),
            ("web/flaglint.toml".into(), 1)
        );
        run.summary.source = FlagOrigin::Snapshot {
            path: PathBuf::from(".flaglint/snapshot.json"),
            age: "offline".into(),
        };
        assert_eq!(flags_source(&run, None), ("web/flaglint.toml".into(), 1));
    }

    #[test]
    fn flags_source_points_at_the_definition() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flags.toml");
        let toml = "[[flags]]\nkey = \"a\"\nowners = [\"beta\"]\n\n[[flags]]\nkey   =   \"beta\"\n";
        std::fs::write(&path, toml).unwrap();
        let mut run = empty_run();
        run.summary.source = FlagOrigin::File(path.clone());
        let file = path.display().to_string();
        assert_eq!(flags_source(&run, Some("beta")), (file.clone(), 6));
        assert_eq!(flags_source(&run, Some("a")), (file.clone(), 2));
        assert_eq!(flags_source(&run, Some("gone")), (file.clone(), 1));
        std::fs::write(
            &path,
            "{\"flags\": [{\"key\": \"a\"},\n {\"key\": \"beta\"}]}",
        )
        .unwrap();
        assert_eq!(flags_source(&run, Some("beta")), (file, 2));
    }

    #[test]
    fn fingerprints_are_stable_and_unambiguous() {
        // Pinned: a change here moves every alert in code scanning and GitLab.
        assert_eq!(
            fingerprint(&["stale-flag", "dark_mode"]),
            "af4a42dd6681977f0918f05b6edcd23685ddba5f309a9831ec0e62f9c87efc94"
        );
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&[]).len(), 64);
        let mut seen = Fingerprints::default();
        let first = seen.next(&["stale-flag", "x", "a.ts"]);
        let second = seen.next(&["stale-flag", "x", "a.ts"]);
        assert_ne!(first, second);
        assert_eq!(
            first,
            Fingerprints::default().next(&["stale-flag", "x", "a.ts"])
        );
    }
}
