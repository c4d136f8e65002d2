//! Human output in the style of rustc and ruff: a header line with severity and rule,
//! the place, a code frame with the key underlined, the fix, then a summary.
//!
//! ```text
//! error[stale-flag]: `new_checkout` is on in all 3 environments, unchanged since 2026-08-14 (103 days)
//!   --> src/checkout.ts:12:28
//!    |
//! 12 |   if (flagsmith.hasFeature('new_checkout')) {
//!    |                            ^^^^^^^^^^^^^^
//!    = help: remove the flag: keep the code it enables, then delete `new_checkout` in flagsmith
//! ```

use std::io::Write;

use crate::finding::{Finding, Severity};
use crate::lines::SourceLines;

use super::{checked, counts, repo_path, Run, Style};

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, style: &str, text: &str) -> String {
        if self.on {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => BLUE,
        }
    }
}

pub fn report(out: &mut dyn Write, run: &Run, style: Style) -> anyhow::Result<()> {
    let paint = Paint { on: style.color };
    let mut sources = SourceLines::reading(&run.root, &run.files);
    for finding in &run.findings {
        finding_block(out, run, finding, &paint, &mut sources)?;
    }
    if !style.quiet {
        summary(out, run, &paint)?;
    }
    Ok(())
}

fn finding_block(
    out: &mut dyn Write,
    run: &Run,
    finding: &Finding,
    paint: &Paint,
    sources: &mut SourceLines,
) -> std::io::Result<()> {
    let style = paint.severity(finding.severity);
    writeln!(
        out,
        "{}{}",
        paint.wrap(style, &format!("{}[{}]", finding.severity, finding.rule)),
        paint.wrap(BOLD, &format!(": {}", finding.message))
    )?;
    let Some(location) = &finding.location else {
        writeln!(out, "   = help: {}", finding.help)?;
        writeln!(out)?;
        return Ok(());
    };
    let number = location.line.to_string();
    let gutter = " ".repeat(number.len());
    writeln!(
        out,
        "{gutter}{} {}:{}:{}",
        paint.wrap(BLUE, "-->"),
        repo_path(run, &location.file),
        location.line,
        location.column
    )?;
    if let Some(line) = sources.line(&location.file, location.line) {
        let line = line.replace('\t', "    ");
        let indent = " ".repeat(location.column.saturating_sub(1));
        let width = finding.span_len.clamp(1, line.chars().count().max(1));
        writeln!(out, "{gutter} {}", paint.wrap(BLUE, "|"))?;
        writeln!(
            out,
            "{} {} {line}",
            paint.wrap(BLUE, &number),
            paint.wrap(BLUE, "|")
        )?;
        writeln!(
            out,
            "{gutter} {} {indent}{}",
            paint.wrap(BLUE, "|"),
            paint.wrap(style, &"^".repeat(width))
        )?;
    }
    writeln!(out, "{gutter} = help: {}", finding.help)?;
    writeln!(out)
}

fn summary(out: &mut dyn Write, run: &Run, paint: &Paint) -> std::io::Result<()> {
    let s = &run.summary;
    writeln!(out, "{}: {}", paint.wrap(BOLD, &counts(s)), checked(s))?;
    let x = &s.suppressed;
    let parts: Vec<String> = [
        (x.inline, "by flaglint-ignore comments"),
        (x.baseline, "by the baseline"),
        (x.ignored_flags, "by [rules] ignore"),
        (x.disabled_rules, "by rules turned off"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("{n} {why}"))
    .collect();
    if !parts.is_empty() {
        writeln!(out, "suppressed: {}", parts.join(", "))?;
    }
    for file in &s.unreadable {
        writeln!(
            out,
            "error: {} could not be read: the answer is incomplete",
            repo_path(run, file)
        )?;
    }
    Ok(())
}
