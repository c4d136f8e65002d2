//! `check --format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request.
//!
//! ```text
//! ::error file=src/checkout.ts,line=12,col=28,title=flaglint(stale-flag)::src/checkout.ts:12:28: `new_checkout` is on in all 3 environments, unchanged since 2026-08-14 (103 days)%0Ahelp: remove the flag: ...
//! ::warning title=flaglint(unused-flag)::`beta_dashboard` is defined in flagsmith but no scanned code reads it%0Ahelp: ...
//! flaglint: 2 errors, 1 warning, 1 info
//! ```
//!
//! One line per finding: `error`, `warning`, or `notice` for info. A finding with no
//! place in the code (an unused flag) has no `file`. The properties (`file=`, `title=`)
//! only feed the annotation, not the log, so the message repeats `file:line:col` (as
//! ruff and oxlint do). Data and properties are escaped differently, as the runner
//! unescapes them: see [`escape_data`] and [`escape_property`]. Paths are relative to
//! the working directory ([`repo_path`](super::repo_path)). A plain summary line ends the
//! output; files that could not be read are `::error` lines.

use std::io::Write;

use crate::finding::{Finding, Severity};

use super::{counts, repo_path, Run};

/// `quiet`: without the summary line.
pub fn report(out: &mut dyn Write, run: &Run, quiet: bool) -> anyhow::Result<()> {
    for finding in &run.findings {
        writeln!(out, "{}", command(run, finding))?;
    }
    for file in &run.summary.unreadable {
        let path = repo_path(run, file);
        writeln!(
            out,
            "::error file={},title=flaglint::{}",
            escape_property(&path),
            escape_data(&format!(
                "{path}: could not be read, so the answer is incomplete"
            ))
        )?;
    }
    if !quiet {
        writeln!(out, "flaglint: {}", counts(&run.summary))?;
    }
    Ok(())
}

fn command(run: &Run, finding: &Finding) -> String {
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let title = escape_property(&format!("flaglint({})", finding.rule));
    let text = format!("{}\nhelp: {}", finding.message, finding.help);
    match &finding.location {
        Some(location) => {
            let path = repo_path(run, &location.file);
            format!(
                "::{level} file={},line={},col={},title={title}::{}",
                escape_property(&path),
                location.line,
                location.column,
                escape_data(&format!(
                    "{path}:{}:{}: {text}",
                    location.line, location.column
                ))
            )
        }
        None => format!("::{level} title={title}::{}", escape_data(&text)),
    }
}

/// The message after `::`. See the runner's `ActionCommand.EscapeData`
/// (https://github.com/actions/runner/blob/main/src/Runner.Common/ActionCommand.cs) and
/// `escapeData` in @actions/core (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts).
fn escape_data(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A property value (`file=`, `title=`): as data, plus `:` and `,`, which end a value.
/// See `ActionCommand.EscapeProperty` and `escapeProperty` at the links above.
fn escape_property(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' => escaped.push_str("%3A"),
            ',' => escaped.push_str("%2C"),
            _ => escaped.push(c),
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
        let output = render(Format::Github, &sample_run());
        insta::assert_snapshot!(output);
        // Commands are one line each: the newline in a message is escaped.
        assert_eq!(output.lines().count(), sample_run().findings.len() + 1);
        assert!(output.contains(
            "::error file=src/legacy pages/promo%2Cv2.tsx,line=3,col=7,title=flaglint(undefined-flag)::src/legacy pages/promo,v2.tsx:3:7: "
        ));
        assert!(output.contains("::notice file=src/components/Banner.tsx,line=11,col=35,"));
    }

    #[test]
    fn empty() {
        insta::assert_snapshot!(render(Format::Github, &empty_run()));
    }

    #[test]
    fn no_location() {
        let output = render(Format::Github, &no_location_run());
        insta::assert_snapshot!(output);
        assert!(output.starts_with("::warning title=flaglint(unused-flag)::`beta_dashboard`"));
    }

    #[test]
    fn unreadable_files_are_errors() {
        let mut run = empty_run();
        run.summary.unreadable = vec!["src/a,b.ts".into()];
        assert_eq!(
            render(Format::Github, &run).lines().next().unwrap(),
            "::error file=src/a%2Cb.ts,title=flaglint::src/a,b.ts: could not be read, so the answer is incomplete"
        );
    }

    #[test]
    fn quiet_leaves_out_the_summary_line() {
        let mut out = Vec::new();
        report(&mut out, &sample_run(), true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), sample_run().findings.len());
        assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
    }

    #[test]
    fn data_and_properties_escape_differently() {
        let value = "50% a,b: c\r\nd";
        assert_eq!(escape_data(value), "50%25 a,b: c%0D%0Ad");
        assert_eq!(escape_property(value), "50%25 a%2Cb%3A c%0D%0Ad");
    }
}
