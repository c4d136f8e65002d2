//! `check --format codeclimate` (alias `gitlab`): GitLab Code Quality, a JSON array of
//! Code Climate issues (`artifacts:reports:codequality`).
//!
//! ```json
//! [{"check_name": "stale-flag",
//!   "description": "stale-flag: `new_checkout` is on in all 3 environments, ...",
//!   "content": {"body": "remove the flag: keep the code it enables, ..."},
//!   "severity": "major",
//!   "fingerprint": "<sha-256 hex>",
//!   "location": {"path": "src/checkout.ts", "lines": {"begin": 12}}}]
//! ```
//!
//! - `description` starts with the rule, as GitLab shows no `check_name` (ruff does the
//!   same); `content.body` is the help.
//! - `severity`: error is `major`, warning `minor`, info `info`. `critical` is a file that
//!   could not be read (check name `unreadable-file`): the answer is incomplete. flaglint
//!   uses no `blocker`: a stale flag is debt, not an outage.
//! - `fingerprint` hashes the rule, the flag and the path, never the line (ruff's
//!   gitlab.rs), so GitLab tells new issues from old ones while code moves; the n-th issue
//!   with the same three in one run mixes in n, keeping fingerprints unique.
//! - `location.path` is relative to the working directory (the checkout in CI; see
//!   [`repo_path`](super::repo_path)). GitLab needs a path for every issue, so a finding
//!   with no place in the code (an unused flag) points at the flags source: the flag's
//!   line in the flags file, or line 1 of `flaglint.toml`, which names the flag service
//!   ([`flags_source`](super::flags_source)).

use std::io::Write;

use serde::Serialize;

use crate::finding::Severity;

use super::{flags_source, repo_path, Fingerprints, Run};

#[derive(Serialize)]
struct Issue {
    check_name: String,
    description: String,
    content: Content,
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Content {
    body: String,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn report(out: &mut dyn Write, run: &Run) -> anyhow::Result<()> {
    let mut fingerprints = Fingerprints::default();
    let mut issues: Vec<Issue> = run
        .findings
        .iter()
        .map(|finding| {
            let (path, line) = match &finding.location {
                Some(location) => (repo_path(run, &location.file), location.line.max(1)),
                None => flags_source(run, finding.flag.as_deref()),
            };
            let flag = finding.flag.as_deref().unwrap_or("");
            Issue {
                check_name: finding.rule.to_string(),
                description: format!("{}: {}", finding.rule, finding.message),
                content: Content {
                    body: finding.help.clone(),
                },
                severity: severity(finding.severity),
                fingerprint: fingerprints.next(&[finding.rule, flag, &path]),
                location: Location {
                    path,
                    lines: Lines { begin: line },
                },
            }
        })
        .collect();
    for file in &run.summary.unreadable {
        let path = repo_path(run, file);
        issues.push(Issue {
            check_name: "unreadable-file".to_string(),
            description: format!(
                "unreadable-file: {path} could not be read, so the answer is incomplete"
            ),
            content: Content {
                body: "check the file's permissions, then run flaglint again".to_string(),
            },
            severity: "critical",
            fingerprint: fingerprints.next(&["unreadable-file", "", &path]),
            location: Location {
                path,
                lines: Lines { begin: 1 },
            },
        });
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::reporters::tests::{empty_run, no_location_run, render, run_of, sample_run};
    use crate::reporters::Format;

    fn parse(output: &str) -> Vec<Value> {
        serde_json::from_str::<Value>(output)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }

    #[test]
    fn output() {
        let run = sample_run();
        let output = render(Format::Codeclimate, &run);
        insta::assert_snapshot!(output);
        let issues = parse(&output);
        assert_eq!(issues.len(), run.findings.len());
        for (issue, finding) in issues.iter().zip(&run.findings) {
            assert_eq!(issue["check_name"], finding.rule);
            assert_eq!(
                issue["description"],
                format!("{}: {}", finding.rule, finding.message)
            );
            assert_eq!(issue["content"]["body"], finding.help);
            assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 64);
            let expected_line = finding.location.as_ref().map_or(1, |l| l.line);
            assert_eq!(issue["location"]["lines"]["begin"], expected_line);
        }
        let severities: Vec<_> = issues.iter().map(|i| i["severity"].clone()).collect();
        assert_eq!(severities, ["info", "major", "major", "minor"]);
        assert_eq!(
            issues[2]["location"]["path"],
            "src/legacy pages/promo,v2.tsx"
        );
    }

    #[test]
    fn empty() {
        let output = render(Format::Codeclimate, &empty_run());
        insta::assert_snapshot!(output);
        assert!(parse(&output).is_empty());
    }

    #[test]
    fn no_location() {
        let output = render(Format::Codeclimate, &no_location_run());
        insta::assert_snapshot!(output);
        let issue = &parse(&output)[0];
        assert_eq!(issue["location"]["path"], "flags.toml");
        assert_eq!(issue["location"]["lines"]["begin"], 1);
        assert_eq!(issue["severity"], "minor");
    }

    /// The line is not part of the fingerprint; a second finding of the same rule, flag and
    /// file still gets its own.
    #[test]
    fn fingerprints_ignore_the_line_and_stay_unique() {
        let stale = sample_run().findings[1].clone();
        let fingerprints = |lines: &[usize]| -> Vec<Value> {
            let findings = lines
                .iter()
                .map(|&line| {
                    let mut finding = stale.clone();
                    finding.location.as_mut().unwrap().line = line;
                    finding
                })
                .collect();
            parse(&render(Format::Codeclimate, &run_of(findings)))
                .iter()
                .map(|issue| issue["fingerprint"].clone())
                .collect()
        };
        assert_eq!(fingerprints(&[12]), fingerprints(&[40]));
        let two = fingerprints(&[12, 30]);
        assert_ne!(two[0], two[1]);
        assert_eq!(two[0], fingerprints(&[12])[0]);
    }

    #[test]
    fn unreadable_files_are_critical() {
        let mut run = empty_run();
        run.summary.unreadable = vec!["src/locked.ts".into()];
        let issue = &parse(&render(Format::Codeclimate, &run))[0];
        assert_eq!(issue["check_name"], "unreadable-file");
        assert_eq!(issue["severity"], "critical");
        assert_eq!(issue["location"]["path"], "src/locked.ts");
    }
}
