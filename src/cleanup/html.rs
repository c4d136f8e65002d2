//! The report as one self-contained HTML file: inline CSS, inline SVG charts, no script,
//! no network. A Content-Security-Policy of `default-src 'none'` (inline styles and data:
//! images only) makes sure of it even if something slipped through the escaping.
//!
//! The charts (flags per age bucket, flags per status) are SVG with a `<title>` and a
//! `<desc>`, a text label and count on every bar, and a distinct fill pattern per status,
//! so they read the same in grey print or to a screen reader. Every text from the code or
//! the service goes through [`esc`], in element content and attributes alike.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::model::{FlagRow, Place, Report, Status, SECTION_PLACES, TABLE_PLACES};

const CSS: &str = r#"
:root { color-scheme: light; --ink: #1d2939; --muted: #475467; --line: #d0d5dd; --head: #f2f4f7; }
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 16px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p.meta { color: var(--muted); margin: 0 0 12px; }
nav { margin: 8px 0 0; color: var(--muted); }
nav a { margin-right: 12px; white-space: nowrap; }
a { color: #175cd3; }
code { font: 12.5px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; background: #f2f4f7; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) td { background: #fcfcfd; }
.scroll { overflow-x: auto; }
table.flags th, table.flags td { font-size: 12px; padding: 3px 4px; }
table.flags .status { font-size: 11px; padding: 0 5px; }
table.flags td.state { min-width: 4em; }
td.key code, .date { white-space: nowrap; }
.place { white-space: nowrap; }
.place code { overflow-wrap: normal; }
.person { white-space: nowrap; }
td.key a { text-decoration: none; }
td.places code { font-size: 11px; }
td.places .who { font-size: 11px; }
.status { display: inline-block; padding: 0 6px; border: 1px solid currentColor; border-radius: 9px; font-size: 12px; white-space: nowrap; font-weight: 600; }
.s-to-remove { color: #b42318; } .s-stale { color: #b54708; } .s-needs-monitoring { color: #6941c6; }
.s-live { color: #027a48; } .s-new { color: #175cd3; } .s-permanent { color: #475467; } .s-undefined { color: #c11574; }
.action { white-space: nowrap; }
.who { color: var(--muted); white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1d2939; }
svg .count { font-weight: 700; }
ul.items { padding-left: 20px; }
ul.items > li { margin: 0 0 10px; }
ul.items ul { margin: 2px 0 0; padding-left: 18px; color: var(--muted); }
.note { background: #fffaeb; border: 1px solid #fedf89; padding: 6px 10px; border-radius: 4px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } .scroll { overflow: visible; } }
"#;

pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut h = String::with_capacity(32 * 1024);
    page(&mut h, report).map_err(|_| io::Error::other("formatting failed"))?;
    out.write_all(h.as_bytes())
}

fn page(h: &mut String, report: &Report) -> std::fmt::Result {
    let title = esc(&report.title());
    writeln!(h, "<!DOCTYPE html>")?;
    writeln!(h, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        h,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        h,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    )?;
    writeln!(h, "<meta name=\"generator\" content=\"flaglint report\">")?;
    writeln!(h, "<link rel=\"icon\" href=\"data:,\">")?;
    writeln!(
        h,
        "<title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>"
    )?;

    writeln!(h, "<header>\n<h1>{title}</h1>")?;
    writeln!(
        h,
        "<p class=\"meta\">{}</p>",
        esc(&super::header_line(report))
    )?;
    let totals = report.totals();
    write!(h, "<nav>Contents:")?;
    // A space between links, where a line may break; none inside a link.
    for (id, label) in contents(report, &totals) {
        write!(h, " <a href=\"#{id}\">{}</a>", esc(&label))?;
    }
    writeln!(h, "</nav>\n</header>\n<main>")?;

    // Totals.
    writeln!(h, "<section id=\"totals\">\n<h2>Totals</h2>")?;
    writeln!(h, "<table>\n<thead><tr><th>Status</th><th class=\"num\">Flags</th><th>Suggested actions</th></tr></thead>\n<tbody>")?;
    for (status, n) in &totals {
        writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{n}</td><td>{}</td></tr>",
            badge(*status, *n > 0),
            esc(&report.actions_of(*status))
        )?;
    }
    let all: usize = totals.iter().map(|(_, n)| n).sum();
    writeln!(
        h,
        "</tbody>\n<tfoot><tr><th>all</th><th class=\"num\">{all}</th><th></th></tr></tfoot>\n</table>\n</section>"
    )?;

    // Charts.
    writeln!(
        h,
        "<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">"
    )?;
    age_chart(h, report)?;
    status_chart(h, &totals)?;
    writeln!(h, "</div>\n</section>")?;

    // Every flag.
    writeln!(h, "<section id=\"flags\">\n<h2>Flags</h2>")?;
    if report.flags.is_empty() {
        writeln!(h, "<p>The service has no flags.</p>")?;
    } else {
        writeln!(
            h,
            "<p>Cheapest wins first: archived flags the code still reads and flags no code reads, then stale flags by fewest references, then the rest. Age is days since the flag was created; states are per environment.</p>"
        )?;
        flags_table(h, report)?;
    }
    writeln!(h, "</section>")?;

    // Undefined keys.
    if !report.undefined.is_empty() {
        writeln!(
            h,
            "<section id=\"{}\">\n<h2>Undefined keys ({})</h2>\n<p>{}</p>",
            Status::Undefined.slug(),
            report.undefined.len(),
            esc(Status::Undefined.meaning())
        )?;
        write!(h, "<div class=\"scroll\"><table>\n<thead><tr><th>Key</th><th>Action</th><th class=\"num\">Refs</th><th>Places</th><th>Did you mean</th>")?;
        if report.git {
            write!(h, "<th>First seen</th>")?;
        }
        writeln!(h, "</tr></thead>\n<tbody>")?;
        for row in &report.undefined {
            write!(
                h,
                "<tr><td class=\"key\"><code>{}</code></td><td class=\"action\">investigate</td><td class=\"num\">{}</td><td class=\"places\">{}</td><td class=\"key\">{}</td>",
                esc(&row.key),
                row.references,
                table_places(&row.places, SECTION_PLACES),
                row.suggestion
                    .as_deref()
                    .map_or("—".to_string(), |s| format!("<code>{}</code>", esc(s)))
            )?;
            if report.git {
                write!(
                    h,
                    "<td class=\"date\">{}</td>",
                    esc(row.first_seen.as_deref().unwrap_or("—"))
                )?;
            }
            writeln!(h, "</tr>")?;
        }
        writeln!(h, "</tbody>\n</table></div>\n</section>")?;
    }

    // A section per status.
    for (status, n) in &totals {
        if *n == 0 || *status == Status::Undefined {
            continue;
        }
        writeln!(
            h,
            "<section id=\"{}\">\n<h2>{} ({n})</h2>\n<p>{}</p>\n<ul class=\"items\">",
            status.slug(),
            esc(status.title()),
            esc(status.meaning())
        )?;
        for (i, flag) in report.flags.iter().enumerate() {
            if flag.status() == *status {
                section_item(h, i, flag)?;
            }
        }
        writeln!(h, "</ul>\n</section>")?;
    }

    if !report.dynamic.is_empty() {
        writeln!(
            h,
            "<section id=\"dynamic\">\n<h2>Dynamic keys ({})</h2>\n<p>Flag reads whose key is computed at run time: flaglint cannot tell which flag they read.</p>\n<ul>",
            report.dynamic.len()
        )?;
        for row in &report.dynamic {
            writeln!(
                h,
                "<li>{} <code>{}</code></li>",
                place(&row.place, false),
                esc(&row.expression)
            )?;
        }
        writeln!(h, "</ul>\n</section>")?;
    }

    if !report.notes.is_empty() {
        writeln!(h, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>")?;
        for note in &report.notes {
            writeln!(h, "<li class=\"note\">{}</li>", inline(note))?;
        }
        writeln!(h, "</ul>\n</section>")?;
    }
    writeln!(
        h,
        "</main>\n<footer>Written by flaglint report. Status names follow Flagsmith's flag lifecycle; actions: remove from code, delete in the service, investigate, keep.</footer>\n</body>\n</html>"
    )
}

/// The page's sections, as (id, label), in the order the page has them: the contents bar
/// is made from this list, so it cannot tell another order than the page.
fn contents(report: &Report, totals: &[(Status, usize)]) -> Vec<(&'static str, String)> {
    let mut sections = vec![
        ("totals", "Totals".to_string()),
        ("charts", "Charts".to_string()),
        ("flags", "Flags".to_string()),
    ];
    if !report.undefined.is_empty() {
        sections.push((
            Status::Undefined.slug(),
            format!("{} ({})", Status::Undefined.title(), report.undefined.len()),
        ));
    }
    for (status, n) in totals {
        if *n > 0 && *status != Status::Undefined {
            sections.push((status.slug(), format!("{} ({n})", status.title())));
        }
    }
    if !report.dynamic.is_empty() {
        sections.push((
            "dynamic",
            format!("Dynamic keys ({})", report.dynamic.len()),
        ));
    }
    if !report.notes.is_empty() {
        sections.push(("notes", "Notes".to_string()));
    }
    sections
}

fn flags_table(h: &mut String, report: &Report) -> std::fmt::Result {
    write!(h, "<div class=\"scroll\"><table class=\"flags\">\n<thead><tr><th>Flag</th><th>Status</th><th>Action</th><th>Owner</th><th>Created</th><th>Last change</th><th class=\"num\">Age (days)</th>")?;
    for env in &report.environments {
        write!(h, "<th>{}</th>", esc(env))?;
    }
    write!(h, "<th class=\"num\">Refs</th><th>Places</th>")?;
    if report.git {
        write!(h, "<th>First seen</th>")?;
    }
    writeln!(h, "</tr></thead>\n<tbody>")?;
    for (i, flag) in report.flags.iter().enumerate() {
        write!(
            h,
            "<tr><td class=\"key\"><a href=\"#flag-{i}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td class=\"owner\">{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td><td class=\"num\">{}</td>",
            esc(&flag.key),
            badge(flag.status(), false),
            flag.action().name(),
            owners(flag),
            flag.created.map_or("—".into(), crate::rules::date),
            flag.last_change.map_or("—".into(), crate::rules::date),
            flag.age_days.map_or("—".into(), |d| d.to_string()),
        )?;
        for state in &flag.states {
            write!(h, "<td class=\"state\">{}</td>", esc(state))?;
        }
        write!(
            h,
            "<td class=\"num\">{}</td><td class=\"places\">{}</td>",
            flag.references,
            table_places(&flag.places, TABLE_PLACES)
        )?;
        if report.git {
            write!(
                h,
                "<td class=\"date\">{}</td>",
                esc(flag.first_seen.as_deref().unwrap_or("—"))
            )?;
        }
        writeln!(h, "</tr>")?;
    }
    writeln!(h, "</tbody>\n</table></div>")
}

fn section_item(h: &mut String, index: usize, flag: &FlagRow) -> std::fmt::Result {
    write!(
        h,
        "<li id=\"flag-{index}\"><strong><code>{}</code></strong>: <span class=\"action\">{}</span>. {}",
        esc(&flag.key),
        flag.action().name(),
        inline(&flag.sentence())
    )?;
    write!(h, "\n<ul>")?;
    if let Some(help) = &flag.help {
        write!(h, "<li>How: {}</li>", inline(help))?;
    }
    let mut facts = vec![
        format!("owner {}", owners(flag)),
        format!("flaglint verdict <code>{}</code>", esc(flag.verdict.name())),
    ];
    if let Some(created) = flag.created {
        facts.push(format!(
            "created <span class=\"date\">{}</span>{}",
            crate::rules::date(created),
            flag.age_days
                .map(|d| format!(" ({d} days ago)"))
                .unwrap_or_default()
        ));
    }
    if !flag.tags.is_empty() {
        let tags: Vec<String> = flag
            .tags
            .iter()
            .map(|t| format!("<code>{}</code>", esc(t)))
            .collect();
        facts.push(format!("tags {}", tags.join(", ")));
    }
    if let Some(first) = &flag.first_seen {
        facts.push(format!(
            "first seen in code <span class=\"date\">{}</span>",
            esc(first)
        ));
    }
    write!(h, "<li>{}</li>", facts.join("; "))?;
    if !flag.places.is_empty() {
        write!(
            h,
            "<li>Read at: {}</li>",
            places(&flag.places, SECTION_PLACES, false).join(", ")
        )?;
    }
    writeln!(h, "</ul></li>")
}

/// Owners, each kept whole (an e-mail address never breaks inside); a list of them breaks
/// after a comma.
fn owners(flag: &FlagRow) -> String {
    if flag.owners.is_empty() {
        "—".to_string()
    } else {
        let people: Vec<String> = flag
            .owners
            .iter()
            .map(|o| format!("<span class=\"person\">{}</span>", esc(o)))
            .collect();
        people.join(", ")
    }
}

/// Places in a table cell, one a line.
fn table_places(list: &[Place], limit: usize) -> String {
    places(list, limit, true)
        .into_iter()
        .map(|place| format!("<div>{place}</div>"))
        .collect()
}

/// The first `limit` places, then "and N more".
fn places(places: &[Place], limit: usize, short: bool) -> Vec<String> {
    if places.is_empty() {
        return vec!["—".to_string()];
    }
    let mut shown: Vec<String> = places.iter().take(limit).map(|p| place(p, short)).collect();
    if places.len() > limit {
        shown.push(format!("and {} more", places.len() - limit));
    }
    shown
}

/// `file:line (author, date)`; `short` (in a table) leaves the date out. A line may break
/// between the path and the blame, never inside the path (a path broken at a `/` reads as
/// two) nor inside the blame.
fn place(place: &Place, short: bool) -> String {
    let at = format!(
        "<span class=\"place\"><code>{}</code></span>",
        esc(&place.at())
    );
    match &place.blame {
        Some(blame) if blame.date.is_empty() || short => {
            format!("{at} <span class=\"who\">({})</span>", esc(&blame.author))
        }
        Some(blame) => format!(
            "{at} <span class=\"who\">({}, {})</span>",
            esc(&blame.author),
            esc(&blame.date)
        ),
        None => at,
    }
}

fn badge(status: Status, link: bool) -> String {
    let label = format!(
        "<span class=\"status s-{}\">{}</span>",
        status.slug(),
        status.name()
    );
    if link {
        format!("<a href=\"#{}\">{label}</a>", status.slug())
    } else {
        label
    }
}

/// The fill of each status's bar: a pattern, so bars differ without colour.
fn pattern(status: Status) -> (&'static str, &'static str) {
    // (colour, pattern body drawn on a light ground in a 8x8 tile)
    match status {
        Status::ToRemove => (
            "#b42318",
            "<path d=\"M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4\" stroke-width=\"2\"/>",
        ),
        Status::Stale => (
            "#b54708",
            "<path d=\"M0,0 l8,8 M8,0 l-8,8\" stroke-width=\"1.5\"/>",
        ),
        Status::NeedsMonitoring => ("#6941c6", "<circle cx=\"4\" cy=\"4\" r=\"1.8\"/>"),
        Status::Live => ("#027a48", "<path d=\"M0,4 h8\" stroke-width=\"2\"/>"),
        Status::New => ("#175cd3", "<path d=\"M4,0 v8\" stroke-width=\"2\"/>"),
        Status::Permanent => ("#475467", "<rect width=\"8\" height=\"8\"/>"),
        Status::Undefined => (
            "#c11574",
            "<path d=\"M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4\" stroke-width=\"2\"/>",
        ),
    }
}

fn age_chart(h: &mut String, report: &Report) -> std::fmt::Result {
    let (mut buckets, unknown) = report.age_histogram();
    if unknown > 0 {
        buckets.push(("no date", unknown));
    }
    let (width, height) = (520.0, 260.0);
    let (left, right, top, bottom) = (40.0, 10.0, 30.0, 50.0);
    let plot_w = width - left - right;
    let plot_h: f64 = height - top - bottom;
    let max = buckets.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let slot = plot_w / buckets.len() as f64;
    let bar = slot * 0.6;
    let described: Vec<String> = buckets
        .iter()
        .map(|(label, n)| format!("{label}: {}", flags(*n)))
        .collect();
    writeln!(
        h,
        "<figure>\n<figcaption id=\"age-caption\">Flags by age (days since created)</figcaption>"
    )?;
    writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"age-title age-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    )?;
    writeln!(
        h,
        "<title id=\"age-title\">Flags by age</title>\n<desc id=\"age-desc\">{}</desc>",
        esc(&described.join("; "))
    )?;
    writeln!(
        h,
        "<defs><pattern id=\"p-age\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#d1e0ff\"/><path d=\"M0,6 l6,-6\" stroke=\"#175cd3\" stroke-width=\"1.5\"/></pattern></defs>"
    )?;
    let base = top + plot_h;
    writeln!(
        h,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#1d2939\"/>",
        width - right
    )?;
    for (i, (label, n)) in buckets.iter().enumerate() {
        let bar_h = (*n as f64 / max * plot_h).round();
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let center = x + bar / 2.0;
        writeln!(
            h,
            "<g><title>{}: {}</title><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{bar_h:.1}\" fill=\"url(#p-age)\" stroke=\"#175cd3\"/><text class=\"count\" x=\"{center:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text><text x=\"{center:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
            esc(label),
            flags(*n),
            base - bar_h,
            base - bar_h - 6.0,
            base + 18.0,
            esc(label)
        )?;
    }
    writeln!(h, "</svg>\n</figure>")
}

fn status_chart(h: &mut String, totals: &[(Status, usize)]) -> std::fmt::Result {
    let row = 30.0;
    let (label_w, bar_w, top) = (130.0, 300.0, 10.0);
    let width = label_w + bar_w + 60.0;
    let height = top * 2.0 + row * totals.len() as f64;
    let max = totals.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let described: Vec<String> = totals
        .iter()
        .map(|(s, n)| format!("{}: {}", s.name(), flags(*n)))
        .collect();
    writeln!(h, "<figure>\n<figcaption>Flags by status</figcaption>")?;
    writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"status-title status-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    )?;
    writeln!(
        h,
        "<title id=\"status-title\">Flags by status</title>\n<desc id=\"status-desc\">{}</desc>",
        esc(&described.join("; "))
    )?;
    write!(h, "<defs>")?;
    for (status, _) in totals {
        let (colour, body) = pattern(*status);
        write!(
            h,
            "<pattern id=\"p-{}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"#fff\"/><g fill=\"{colour}\" stroke=\"{colour}\">{body}</g></pattern>",
            status.slug()
        )?;
    }
    writeln!(h, "</defs>")?;
    for (i, (status, n)) in totals.iter().enumerate() {
        let y = top + row * i as f64;
        let w = (*n as f64 / max * bar_w).round();
        let (colour, _) = pattern(*status);
        writeln!(
            h,
            "<g><title>{}: {}</title><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"url(#p-{})\" stroke=\"{colour}\"/><text class=\"count\" x=\"{:.1}\" y=\"{:.1}\">{n}</text></g>",
            status.name(),
            flags(*n),
            label_w - 8.0,
            y + row / 2.0 + 4.0,
            status.name(),
            y + 5.0,
            row - 10.0,
            status.slug(),
            label_w + w + 6.0,
            y + row / 2.0 + 4.0,
        )?;
    }
    writeln!(h, "</svg>\n</figure>")
}

fn flags(n: usize) -> String {
    crate::reporters::plural(n, "flag")
}

/// Text for element content and attribute values (quoted with `"`), in HTML and SVG.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no place in a page (and NUL is a parse error).
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A sentence where `...` marks code: escaped, with the code spans as `<code>`.
fn inline(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return esc(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text_and_code_spans() {
        assert_eq!(
            esc("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(
            inline("delete `<img src=x>` now"),
            "delete <code>&lt;img src=x&gt;</code> now"
        );
    }
}
