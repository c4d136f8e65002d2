//! The dry run's output: a unified diff (`git apply` takes it), coloured on a terminal.
//!
//! The diff is read off the edits themselves rather than computed by comparing texts:
//! each edit's lines are the lines that changed, so no diff algorithm (and no crate) is
//! needed, and the diff shows exactly what `--write` would write.

use std::fmt::Write as _;

use super::edit::{apply, Edit};

const CONTEXT: usize = 3;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// One run of changed lines: `old` (0-based first line, lines) replaced by `new`.
struct Change {
    old_start: usize,
    old: Vec<String>,
    new: Vec<String>,
}

/// The unified diff of `path` from `before` to `before` with `edits` applied.
pub fn unified(path: &str, before: &str, edits: &[Edit], color: bool) -> String {
    let lines: Vec<&str> = before.split_inclusive('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some(start)
        })
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    // Edits grouped by the lines they touch.
    let mut groups: Vec<(usize, usize, Vec<Edit>)> = Vec::new();
    for edit in edits {
        let first = line_of(edit.range.start);
        let last = line_of(edit.range.end.saturating_sub(1).max(edit.range.start));
        match groups.last_mut() {
            Some((_, group_last, group)) if first <= *group_last + 1 => {
                *group_last = (*group_last).max(last);
                group.push(edit.clone());
            }
            _ => groups.push((first, last, vec![edit.clone()])),
        }
    }
    let mut changes = Vec::new();
    for (first, last, group) in groups {
        let start = starts.get(first).copied().unwrap_or(before.len());
        let end = starts.get(last + 1).copied().unwrap_or(before.len());
        let old_text = &before[start..end];
        let shifted: Vec<Edit> = group
            .iter()
            .map(|e| Edit {
                range: (e.range.start - start)..(e.range.end.min(end) - start),
                text: e.text.clone(),
            })
            .collect();
        let new_text = apply(old_text, &shifted);
        let mut old: Vec<String> = old_text.split_inclusive('\n').map(String::from).collect();
        let mut new: Vec<String> = new_text.split_inclusive('\n').map(String::from).collect();
        // Lines an edit touched but left as they were are context, not change.
        let mut old_start = first;
        while !old.is_empty() && !new.is_empty() && old[0] == new[0] {
            old.remove(0);
            new.remove(0);
            old_start += 1;
        }
        while !old.is_empty() && !new.is_empty() && old.last() == new.last() {
            old.pop();
            new.pop();
        }
        if !old.is_empty() || !new.is_empty() {
            changes.push(Change {
                old_start,
                old,
                new,
            });
        }
    }
    if changes.is_empty() {
        return String::new();
    }
    let paint = |text: &str, code: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(&format!("--- a/{path}"), BOLD));
    let _ = writeln!(out, "{}", paint(&format!("+++ b/{path}"), BOLD));
    // Changes whose contexts meet share a hunk.
    let mut hunks: Vec<Vec<&Change>> = Vec::new();
    for change in &changes {
        match hunks.last_mut() {
            Some(hunk) => {
                let previous = hunk[hunk.len() - 1];
                let previous_end = previous.old_start + previous.old.len();
                if change.old_start <= previous_end + 2 * CONTEXT {
                    hunk.push(change);
                } else {
                    hunks.push(vec![change]);
                }
            }
            None => hunks.push(vec![change]),
        }
    }
    let mut delta: isize = 0;
    for hunk in hunks {
        let first = hunk[0];
        let last = hunk[hunk.len() - 1];
        let old_from = first.old_start.saturating_sub(CONTEXT);
        let old_to = (last.old_start + last.old.len() + CONTEXT).min(lines.len());
        let mut body = String::new();
        let mut old_count = 0;
        let mut new_count = 0;
        let mut line = old_from;
        let mut hunk_delta = 0isize;
        for change in &hunk {
            while line < change.old_start {
                push_line(&mut body, " ", lines[line], None, color);
                old_count += 1;
                new_count += 1;
                line += 1;
            }
            for old in &change.old {
                push_line(&mut body, "-", old, Some(RED), color);
                old_count += 1;
            }
            for new in &change.new {
                push_line(&mut body, "+", new, Some(GREEN), color);
                new_count += 1;
            }
            line += change.old.len();
            hunk_delta += change.new.len() as isize - change.old.len() as isize;
        }
        while line < old_to {
            push_line(&mut body, " ", lines[line], None, color);
            old_count += 1;
            new_count += 1;
            line += 1;
        }
        let new_from = (old_from as isize + delta).max(0) as usize;
        let header = format!(
            "@@ -{} +{} @@",
            range(old_from, old_count),
            range(new_from, new_count)
        );
        let _ = writeln!(out, "{}", paint(&header, CYAN));
        out.push_str(&body);
        delta += hunk_delta;
    }
    out
}

/// `start,count` as a hunk header writes it (1-based; an empty range names the line
/// before it).
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        n => format!("{},{n}", start + 1),
    }
}

fn push_line(out: &mut String, sign: &str, line: &str, code: Option<&str>, color: bool) {
    let (text, newline) = match line.strip_suffix('\n') {
        Some(text) => (text, true),
        None => (line, false),
    };
    match (code, color) {
        (Some(code), true) => {
            let _ = write!(out, "{code}{sign}{text}{RESET}");
        }
        _ => {
            let _ = write!(out, "{sign}{text}");
        }
    }
    out.push('\n');
    if !newline {
        out.push_str("\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(before: &str, from: &str, to: &str) -> Edit {
        let start = before.find(from).unwrap();
        Edit {
            range: start..start + from.len(),
            text: to.into(),
        }
    }

    #[test]
    fn a_changed_line_with_context() {
        let before = "a\nb\nc\nif (on && x) {\nd\ne\nf\ng\n";
        let diff = unified("src/a.ts", before, &[edit(before, "on && ", "")], false);
        insta::assert_snapshot!(diff, @r"
        --- a/src/a.ts
        +++ b/src/a.ts
        @@ -1,7 +1,7 @@
         a
         b
         c
        -if (on && x) {
        +if (x) {
         d
         e
         f
        ");
    }

    #[test]
    fn removed_lines_and_far_apart_hunks() {
        let before: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let edits = vec![
            edit(&before, "line 2\n", ""),
            edit(&before, "line 15\nline 16\n", "joined\n"),
        ];
        let diff = unified("a.js", &before, &edits, false);
        insta::assert_snapshot!(diff, @r"
        --- a/a.js
        +++ b/a.js
        @@ -1,5 +1,4 @@
         line 1
        -line 2
         line 3
         line 4
         line 5
        @@ -12,8 +11,7 @@
         line 12
         line 13
         line 14
        -line 15
        -line 16
        +joined
         line 17
         line 18
         line 19
        ");
    }

    #[test]
    fn the_last_line_without_a_newline() {
        let before = "a\nb";
        let diff = unified("a.js", before, &[edit(before, "b", "c")], false);
        assert!(
            diff.ends_with("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"),
            "{diff}"
        );
    }

    #[test]
    fn colours_only_when_asked() {
        let before = "a\n";
        let diff = unified("a.js", before, &[edit(before, "a", "b")], true);
        assert!(diff.contains("\x1b[31m-a\x1b[0m"), "{diff:?}");
        assert!(diff.contains("\x1b[32m+b\x1b[0m"), "{diff:?}");
    }

    #[test]
    fn no_change_no_diff() {
        assert_eq!(unified("a.js", "a\n", &[], false), "");
    }
}
