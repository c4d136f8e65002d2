//! `check --format junit`: JUnit XML, for CI test reports (GitLab `artifacts:reports:junit`,
//! Jenkins, Azure Pipelines).
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="flaglint" tests="6" failures="1" errors="0">
//!   <testsuite name="stale-flag" tests="1" failures="1" errors="0" skipped="0">
//!     <testcase classname="src/checkout.ts" name="new_checkout at line 12" file="src/checkout.ts" line="12">
//!       <failure type="error" message="`new_checkout` is on in all 3 environments, ...">error[stale-flag]: `new_checkout` is on ...
//! at src/checkout.ts:12:28
//! help: remove the flag: ...</failure>
//!     </testcase>
//!   </testsuite>
//!   <testsuite name="permanent-flag" tests="1" failures="0" errors="0" skipped="0">
//!     <testcase classname="flaglint" name="permanent-flag"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One test suite per rule, in [`RULES`] order; a rule without findings has one passing
//! test case, so the report shows every rule that ran. A finding at or above `--fail-on`
//! is a failing test case (the `type` attribute carries its severity); one below it is a
//! passing case with the same text in `<system-out>`, so that the CI's count of failures
//! agrees with flaglint's exit code. The class is the file and the name the flag (or the
//! rule) and the line. A finding with no place in the code (an
//! unused flag) has the flags source ([`flags_source`](super::flags_source)) as its class.
//! Files that could not be read are `<error>` cases in a last suite, `flaglint`. Text is
//! escaped by [`escape`]; there are no times, so the output is the same on every run.

use std::io::Write;

use crate::finding::Finding;
use crate::rules::RULES;

use super::{flags_source, repo_path, Run};

pub fn report(out: &mut dyn Write, run: &Run) -> anyhow::Result<()> {
    let mut suites = Vec::new();
    for rule in RULES {
        let findings: Vec<&Finding> = run.findings.iter().filter(|f| f.rule == rule.id).collect();
        let cases = if findings.is_empty() {
            vec![format!(
                "    <testcase classname=\"flaglint\" name=\"{}\"/>\n",
                escape(rule.id)
            )]
        } else {
            findings.iter().map(|f| failure_case(run, f)).collect()
        };
        suites.push(Suite {
            name: rule.id.to_string(),
            tests: cases.len(),
            failures: findings.iter().filter(|f| run.fails(f)).count(),
            errors: 0,
            cases,
        });
    }
    if !run.summary.unreadable.is_empty() {
        let cases: Vec<String> = run
            .summary
            .unreadable
            .iter()
            .map(|file| {
                let path = escape(&repo_path(run, file));
                format!(
                    "    <testcase classname=\"{path}\" name=\"read {path}\" file=\"{path}\">\n      <error type=\"unreadable\" message=\"could not be read, so the answer is incomplete\"/>\n    </testcase>\n"
                )
            })
            .collect();
        suites.push(Suite {
            name: "flaglint".to_string(),
            tests: cases.len(),
            failures: 0,
            errors: cases.len(),
            cases,
        });
    }

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="flaglint" tests="{}" failures="{}" errors="{}">"#,
        suites.iter().map(|s| s.tests).sum::<usize>(),
        suites.iter().map(|s| s.failures).sum::<usize>(),
        suites.iter().map(|s| s.errors).sum::<usize>(),
    )?;
    for suite in &suites {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="0">"#,
            escape(&suite.name),
            suite.tests,
            suite.failures,
            suite.errors
        )?;
        for case in &suite.cases {
            out.write_all(case.as_bytes())?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(())
}

struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    /// Rendered `<testcase>` elements.
    cases: Vec<String>,
}

fn failure_case(run: &Run, finding: &Finding) -> String {
    let subject = finding.flag.as_deref().unwrap_or(finding.rule);
    let (classname, name, place, attributes) = match &finding.location {
        Some(location) => {
            let path = repo_path(run, &location.file);
            (
                path.clone(),
                format!("{subject} at line {}", location.line),
                format!("at {path}:{}:{}", location.line, location.column),
                format!(" file=\"{}\" line=\"{}\"", escape(&path), location.line),
            )
        }
        None => {
            let (source, line) = flags_source(run, finding.flag.as_deref());
            (
                source.clone(),
                subject.to_string(),
                format!("defined at {source}:{line}; read nowhere in the code"),
                format!(" file=\"{}\" line=\"{line}\"", escape(&source)),
            )
        }
    };
    let body = format!(
        "{}[{}]: {}\n{place}\nhelp: {}",
        finding.severity, finding.rule, finding.message, finding.help
    );
    let outcome = if run.fails(finding) {
        format!(
            "<failure type=\"{}\" message=\"{}\">{}</failure>",
            finding.severity,
            escape(&finding.message),
            escape(&body)
        )
    } else {
        format!("<system-out>{}</system-out>", escape(&body))
    };
    format!(
        "    <testcase classname=\"{}\" name=\"{}\"{attributes}>\n      {outcome}\n    </testcase>\n",
        escape(&classname),
        escape(&name),
    )
}

/// Text for XML 1.0 element content and double- or single-quoted attribute values: the five
/// markup characters as entities; tab, newline and carriage return as character references
/// (an attribute value would turn them into spaces); other control characters, which
/// XML 1.0 cannot carry at all, as U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' => escaped.push_str("&#9;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                escaped.push('\u{FFFD}')
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporters::tests::{empty_run, no_location_run, render, sample_run};
    use crate::reporters::Format;

    #[test]
    fn output() {
        let output = render(Format::Junit, &sample_run());
        insta::assert_snapshot!(output);
        assert!(
            output.contains(r#"<testsuites name="flaglint" tests="6" failures="4" errors="0">"#)
        );
        assert!(output.contains("promo|&lt;v2&gt;"));
        assert!(!output.contains("<v2>"));
    }

    #[test]
    fn empty() {
        let output = render(Format::Junit, &empty_run());
        insta::assert_snapshot!(output);
        assert!(!output.contains("<failure"));
        assert_eq!(output.matches("<testsuite ").count(), RULES.len());
    }

    #[test]
    fn no_location() {
        let output = render(Format::Junit, &no_location_run());
        insta::assert_snapshot!(output);
        assert!(output.contains(
            r#"<testcase classname="flags.toml" name="beta_dashboard" file="flags.toml" line="1">"#
        ));
    }

    /// Issue 14, item 8: only findings at or above `--fail-on` are failures; the others
    /// are passing cases that still carry their text.
    #[test]
    fn failures_follow_fail_on() {
        let mut run = sample_run();
        run.fail_at = Some(crate::finding::Severity::Error);
        let output = render(Format::Junit, &run);
        insta::assert_snapshot!(output);
        assert!(
            output.contains(r#"<testsuites name="flaglint" tests="6" failures="2" errors="0">"#),
            "{output}"
        );
        assert_eq!(output.matches("<failure ").count(), 2);
        assert!(output.contains("<system-out>warning[unused-flag]: `beta_dashboard`"));
        run.fail_at = None;
        let output = render(Format::Junit, &run);
        assert!(output.contains(r#"tests="6" failures="0""#), "{output}");
        assert!(!output.contains("<failure"), "{output}");
    }

    #[test]
    fn unreadable_files_are_errors() {
        let mut run = empty_run();
        run.summary.unreadable = vec!["src/a&b.ts".into()];
        let output = render(Format::Junit, &run);
        assert!(output.contains(
            r#"<testsuite name="flaglint" tests="1" failures="0" errors="1" skipped="0">"#
        ));
        assert!(output.contains(r#"classname="src/a&amp;b.ts""#));
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape(r#"a & b < c > d "e" 'f'"#),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;"
        );
        assert_eq!(escape("1\t2\n3\r4\u{1}5"), "1&#9;2&#10;3&#13;4\u{FFFD}5");
        assert_eq!(escape("ünïcödé ✓"), "ünïcödé ✓");
    }
}
