//! The report as Markdown (GitHub flavoured): a heading, the totals, one table of every
//! flag, the undefined keys, then a section per status with what to do and where.
//!
//! Everything that comes from the code or the service (keys, paths, owners, values) is
//! either a code span (keys, paths, values: shown literally, `|` escaped inside tables)
//! or escaped text, so a key like `<script>` or `a|b` neither injects markup nor breaks
//! a table.

use std::io::{self, Write};

use super::model::{FlagRow, Place, Report, Status, SECTION_PLACES, TABLE_PLACES};

pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out, "# {}\n", text(&report.title()))?;
    writeln!(out, "{}\n", text(&super::header_line(report)))?;

    writeln!(out, "## Totals\n")?;
    writeln!(out, "| Status | Flags | Suggested actions |")?;
    writeln!(out, "| --- | ---: | --- |")?;
    let totals = report.totals();
    for (status, n) in &totals {
        // Only sections that exist are linked.
        let name = if *n > 0 {
            format!("[{}](#{})", status.name(), anchor(*status, *n))
        } else {
            status.name().to_string()
        };
        writeln!(out, "| {name} | {n} | {} |", report.actions_of(*status))?;
    }
    let all: usize = totals.iter().map(|(_, n)| n).sum();
    writeln!(out, "| **all** | **{all}** | |\n")?;

    writeln!(out, "## Flags\n")?;
    if report.flags.is_empty() {
        writeln!(out, "The service has no flags.\n")?;
    } else {
        writeln!(
            out,
            "Cheapest wins first: archived flags the code still reads and flags no code reads, \
             then stale flags by fewest references, then the rest. Age is days since the flag \
             was created; states are per environment.\n"
        )?;
        flags_table(out, report)?;
    }

    if !report.undefined.is_empty() {
        writeln!(out, "## {}\n", heading(Status::Undefined, 0))?;
        writeln!(out, "{}\n", Status::Undefined.meaning())?;
        let first_seen = if report.git { " First seen |" } else { "" };
        writeln!(
            out,
            "| Key | Action | Refs | Places | Did you mean |{first_seen}"
        )?;
        writeln!(
            out,
            "| --- | --- | ---: | --- | --- |{}",
            if report.git { " --- |" } else { "" }
        )?;
        for row in &report.undefined {
            write!(
                out,
                "| {} | investigate | {} | {} | {} |",
                code(&row.key, true),
                row.references,
                places(&row.places, TABLE_PLACES, true),
                row.suggestion
                    .as_deref()
                    .map_or("—".to_string(), |s| code(s, true))
            )?;
            if report.git {
                write!(out, " {} |", row.first_seen.as_deref().unwrap_or("—"))?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
    }

    for (status, n) in &totals {
        if *n == 0 || *status == Status::Undefined {
            continue;
        }
        writeln!(out, "## {}\n", heading(*status, *n))?;
        writeln!(out, "{}\n", status.meaning())?;
        for flag in report.flags.iter().filter(|f| f.status() == *status) {
            section_item(out, flag)?;
        }
        writeln!(out)?;
    }

    if !report.dynamic.is_empty() {
        writeln!(out, "## Dynamic keys ({})\n", report.dynamic.len())?;
        writeln!(
            out,
            "Flag reads whose key is computed at run time: flaglint cannot tell which flag they read.\n"
        )?;
        for row in &report.dynamic {
            writeln!(
                out,
                "- {} {}",
                place(&row.place, false),
                code(&row.expression, false)
            )?;
        }
        writeln!(out)?;
    }

    if !report.notes.is_empty() {
        writeln!(out, "## Notes\n")?;
        for note in &report.notes {
            writeln!(out, "- {}", inline(note, false))?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "Status names follow Flagsmith's flag lifecycle; actions: remove from code, delete in the service, investigate, keep."
    )?;
    Ok(())
}

fn flags_table(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut header = vec![
        "Flag",
        "Status",
        "Action",
        "Owner",
        "Created",
        "Last change",
        "Age (days)",
    ];
    let envs: Vec<String> = report.environments.iter().map(|e| text(e)).collect();
    header.extend(envs.iter().map(String::as_str));
    header.extend(["Refs", "Places"]);
    if report.git {
        header.push("First seen");
    }
    writeln!(out, "| {} |", header.join(" | "))?;
    let align: Vec<&str> = header
        .iter()
        .map(|h| match *h {
            "Age (days)" | "Refs" => "---:",
            _ => "---",
        })
        .collect();
    writeln!(out, "| {} |", align.join(" | "))?;
    for flag in &report.flags {
        let mut cells = vec![
            code(&flag.key, true),
            flag.status().name().to_string(),
            flag.action().name().to_string(),
            owners(flag),
            flag.created.map_or("—".into(), crate::rules::date),
            flag.last_change.map_or("—".into(), crate::rules::date),
            flag.age_days.map_or("—".into(), |d| d.to_string()),
        ];
        cells.extend(flag.states.iter().map(|s| match s.as_str() {
            "—" => "—".to_string(),
            s => code(s, true),
        }));
        cells.push(flag.references.to_string());
        cells.push(places(&flag.places, TABLE_PLACES, true));
        if report.git {
            cells.push(flag.first_seen.clone().unwrap_or_else(|| "—".into()));
        }
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)
}

fn section_item(out: &mut dyn Write, flag: &FlagRow) -> io::Result<()> {
    writeln!(
        out,
        "- **{}**: {}. {}",
        code(&flag.key, false),
        flag.action().name(),
        inline(&flag.sentence(), false)
    )?;
    if let Some(help) = &flag.help {
        writeln!(out, "  - How: {}", inline(help, false))?;
    }
    let mut facts = vec![
        format!("owner {}", owners(flag)),
        format!("flaglint verdict {}", code(flag.verdict.name(), false)),
    ];
    if let Some(created) = flag.created {
        facts.push(format!(
            "created {}{}",
            crate::rules::date(created),
            flag.age_days
                .map(|d| format!(" ({d} days ago)"))
                .unwrap_or_default()
        ));
    }
    if !flag.tags.is_empty() {
        let tags: Vec<String> = flag.tags.iter().map(|t| code(t, false)).collect();
        facts.push(format!("tags {}", tags.join(", ")));
    }
    if let Some(first) = &flag.first_seen {
        facts.push(format!("first seen in code {first}"));
    }
    writeln!(out, "  - {}", facts.join("; "))?;
    if !flag.places.is_empty() {
        writeln!(
            out,
            "  - Read at: {}",
            places(&flag.places, SECTION_PLACES, false)
        )?;
    }
    Ok(())
}

fn owners(flag: &FlagRow) -> String {
    if flag.owners.is_empty() {
        "—".to_string()
    } else {
        text(&flag.owners.join(", "))
    }
}

/// The first `limit` places, then "and N more".
fn places(places: &[Place], limit: usize, table: bool) -> String {
    if places.is_empty() {
        return "—".to_string();
    }
    let mut shown: Vec<String> = places.iter().take(limit).map(|p| place(p, table)).collect();
    if places.len() > limit {
        shown.push(format!("and {} more", places.len() - limit));
    }
    shown.join(", ")
}

/// `file:line (author, date)`; in a table only the author, to keep rows short.
fn place(place: &Place, table: bool) -> String {
    let at = code(&place.at(), table);
    match &place.blame {
        Some(blame) if blame.date.is_empty() || table => {
            format!("{at} ({})", text(&blame.author))
        }
        Some(blame) => format!("{at} ({}, {})", text(&blame.author), blame.date),
        None => at,
    }
}

/// The heading of a status's section.
fn heading(status: Status, n: usize) -> String {
    match status {
        Status::Undefined => "Undefined keys".to_string(),
        _ => format!("{} ({n})", status.title()),
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to `-`.
fn anchor(status: Status, n: usize) -> String {
    heading(status, n)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Text with the characters Markdown would act on escaped (all ASCII punctuation may be
/// backslash-escaped in CommonMark), line breaks folded into spaces.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '~' | '&' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A code span long enough to hold any run of backticks inside; in a table `|` is escaped
/// (GitHub reads `\|` as a literal pipe even inside code).
pub fn code(input: &str, table: bool) -> String {
    let mut body: String = input
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    if table {
        body = body.replace('|', "\\|");
    }
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if body.starts_with('`') || body.ends_with('`') || body.trim().is_empty() {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// A sentence where `...` marks code (rule help lines): code spans kept, the rest escaped.
pub fn inline(input: &str, table: bool) -> String {
    let parts: Vec<&str> = input.split('`').collect();
    if parts.len() % 2 == 0 {
        // Unbalanced backticks: no code spans at all.
        return text(input);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                code(part, table)
            } else {
                text(part)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`x", false), "`` `x ``");
        assert_eq!(text("<script>_x_|"), "\\<script\\>\\_x\\_\\|");
        assert_eq!(
            inline("delete `a<b>` in flagsmith", false),
            "delete `a<b>` in flagsmith"
        );
        assert_eq!(inline("odd ` tick", false), "odd \\` tick");
    }
}
