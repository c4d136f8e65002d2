//! `check --format markdown`: a pull-request comment (GitHub Flavored Markdown).
//!
//! ```markdown
//! ## flaglint: 2 errors, 1 warning, 1 info
//!
//! 9 references in 6 files checked against 8 flags of flagsmith project "Web App" (...).
//!
//! | # | severity | rule | flag | location | message |
//! | ---: | --- | --- | --- | --- | --- |
//! | 1 | error | [`stale-flag`](https://...#stale-flag) | `new_checkout` | `src/checkout.ts:12` | `new_checkout` is on in all 3 environments, ... |
//!
//! **What to do**
//!
//! 1. remove the flag: keep the code it enables, then delete `new_checkout` in flagsmith
//!
//! <details>
//! <summary>1 info</summary>
//!
//! (the same table and list, numbered on)
//!
//! </details>
//! ```
//!
//! Errors and warnings come first, with the help per finding under the table, numbered
//! like its rows; infos are collapsed in `<details>`. A finding with no place in the code
//! (an unused flag) has `—` as its location. Paths are relative to the working directory
//! ([`repo_path`](super::repo_path)).
//!
//! Escaping: messages are plain text that quote code in backticks. A pair of equal
//! backtick runs becomes a code span (fenced anew so no backtick inside can end it);
//! outside code, every character Markdown could read as syntax (`\ ` * _ [ ] < > | ~ & $`)
//! is backslash-escaped, and a newline is `<br>`. In a table cell, `|` is `\|` inside code
//! spans too (GFM splits cells before it reads code spans).

use std::io::Write;

use crate::finding::{Finding, Severity};
use crate::rules;

use super::{checked, counts, plural, repo_path, Run};

pub fn report(out: &mut dyn Write, run: &Run) -> anyhow::Result<()> {
    let s = &run.summary;
    writeln!(out, "## flaglint: {}", counts(s))?;
    writeln!(out)?;
    let line = format!("{}.", checked(s));
    writeln!(out, "{}", text(&line, false))?;
    for file in &s.unreadable {
        writeln!(out)?;
        writeln!(
            out,
            "**Incomplete:** {} could not be read, so findings may be missing.",
            code(&repo_path(run, file), false)
        )?;
    }

    let (infos, main): (Vec<&Finding>, Vec<&Finding>) = run
        .findings
        .iter()
        .partition(|f| f.severity == Severity::Info);
    let mut main = main;
    // Errors before warnings; the sort is stable, so each keeps the findings' order.
    main.sort_by_key(|f| std::cmp::Reverse(f.severity));
    if !main.is_empty() {
        writeln!(out)?;
        section(out, run, &main, 1)?;
    }
    if !infos.is_empty() {
        writeln!(out)?;
        writeln!(out, "<details>")?;
        writeln!(out, "<summary>{}</summary>", plural(infos.len(), "info"))?;
        writeln!(out)?;
        section(out, run, &infos, main.len() + 1)?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    Ok(())
}

/// A table of findings numbered from `first`, then what to do about each.
fn section(
    out: &mut dyn Write,
    run: &Run,
    findings: &[&Finding],
    first: usize,
) -> std::io::Result<()> {
    writeln!(out, "| # | severity | rule | flag | location | message |")?;
    writeln!(out, "| ---: | --- | --- | --- | --- | --- |")?;
    for (n, finding) in (first..).zip(findings) {
        let rule = match rules::rule(finding.rule) {
            Some(rule) => format!("[{}]({})", code(rule.id, true), rule.help_uri()),
            None => code(finding.rule, true),
        };
        let flag = finding
            .flag
            .as_deref()
            .map_or("—".to_string(), |f| code(f, true));
        let location = finding.location.as_ref().map_or("—".to_string(), |l| {
            code(&format!("{}:{}", repo_path(run, &l.file), l.line), true)
        });
        writeln!(
            out,
            "| {n} | {} | {rule} | {flag} | {location} | {} |",
            finding.severity,
            text(&finding.message, true)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "**What to do**")?;
    writeln!(out)?;
    for (n, finding) in (first..).zip(findings) {
        writeln!(out, "{n}. {}", text(&finding.help, false))?;
    }
    Ok(())
}

/// Plain text that quotes code in backticks, as Markdown: equal backtick runs pair into
/// code spans, everything else is literal. `table`: the text goes in a table cell.
fn text(plain: &str, table: bool) -> String {
    let chars: Vec<char> = plain.chars().collect();
    let mut out = String::with_capacity(plain.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = backtick_run(&chars, i);
            if let Some(close) = closing_run(&chars, i + run, run) {
                let content: String = chars[i + run..close].iter().collect();
                out.push_str(&code(&content, table));
                i = close + run;
            } else {
                for _ in 0..run {
                    out.push_str("\\`");
                }
                i += run;
            }
            continue;
        }
        match chars[i] {
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(chars[i]);
            }
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn backtick_run(chars: &[char], start: usize) -> usize {
    chars[start..].iter().take_while(|&&c| c == '`').count()
}

/// Where the next run of exactly `len` backticks at or after `from` starts.
fn closing_run(chars: &[char], from: usize, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = backtick_run(chars, i);
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// A code span showing `content` exactly: fenced by more backticks than any run inside,
/// padded with a space when it starts or ends with a backtick; newlines become spaces (as
/// a code span renders them anyway). `table`: `|` is `\|`, which GFM reads as a pipe.
fn code(content: &str, table: bool) -> String {
    let content = content.replace(['\r', '\n'], " ");
    let content = if table {
        content.replace('|', "\\|")
    } else {
        content
    };
    let longest = content.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporters::tests::{empty_run, no_location_run, render, sample_run};
    use crate::reporters::Format;

    #[test]
    fn output() {
        let output = render(Format::Markdown, &sample_run());
        insta::assert_snapshot!(output);
        assert!(output.starts_with("## flaglint: 2 errors, 1 warning, 1 info\n"));
        // The info is collapsed, after the errors and the warning, numbered on.
        let details = output.find("<details>").unwrap();
        assert!(output[details..].contains("| 4 | info | [`dynamic-reference`]"));
        assert!(output[..details].contains("| 3 | warning | [`unused-flag`]"));
    }

    #[test]
    fn empty() {
        let output = render(Format::Markdown, &empty_run());
        insta::assert_snapshot!(output);
        assert!(!output.contains('|'));
    }

    #[test]
    fn no_location() {
        let output = render(Format::Markdown, &no_location_run());
        insta::assert_snapshot!(output);
        assert!(output.contains("| `beta_dashboard` | — |"));
        assert!(!output.contains("<details>"));
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code("a", false), "`a`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x`", false), "`` `x` ``");
        assert_eq!(code("a``b`", false), "``` a``b` ```");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
        assert_eq!(code("a\nb", false), "`a b`");
    }

    #[test]
    fn text_keeps_code_and_escapes_the_rest() {
        assert_eq!(
            text("`a|b` is <new> & 100% *done*_", true),
            "`a\\|b` is \\<new\\> \\& 100% \\*done\\*\\_"
        );
        // An unpaired backtick is literal; a run pairs only with a run of its length.
        assert_eq!(text("it's a ` tick", false), "it's a \\` tick");
        assert_eq!(text("``a`b``", false), "``a`b``");
        assert_eq!(text("`a``", false), "\\`a\\`\\`");
        assert_eq!(
            text("one\ntwo, three: four", true),
            "one<br>two, three: four"
        );
        assert_eq!(
            text("[x](y) $z$ ~w~ \\", false),
            "\\[x\\](y) \\$z\\$ \\~w\\~ \\\\"
        );
    }
}
