//! Layout: where lines start and end, what a removed statement or list item takes with
//! it (its line, its comma, the comments attached to it), and re-indenting code moved to
//! a new depth.

use std::ops::Range;

use tree_sitter::Node;

use super::edit::{Piece, Pieces};

pub fn line_start(source: &str, position: usize) -> usize {
    source[..position].rfind('\n').map_or(0, |i| i + 1)
}

/// The position of the line's `\n` (or the end of the source).
pub fn line_end(source: &str, position: usize) -> usize {
    source[position..]
        .find('\n')
        .map_or(source.len(), |i| position + i)
}

/// The line's leading whitespace.
pub fn indent_at(source: &str, position: usize) -> &str {
    let start = line_start(source, position);
    let line = &source[start..line_end(source, start)];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// The column (in bytes) of `position` on its line.
pub fn column(source: &str, position: usize) -> usize {
    position - line_start(source, position)
}

/// Only whitespace between the line's start and `position`.
pub fn starts_line(source: &str, position: usize) -> bool {
    source[line_start(source, position)..position]
        .chars()
        .all(|c| c == ' ' || c == '\t')
}

/// Only whitespace, a `,` or `;`, or a line comment between `position` and the line's end.
pub fn ends_line(source: &str, position: usize) -> bool {
    let rest = &source[position..line_end(source, position)];
    let rest = rest.trim_start_matches([' ', '\t', ',', ';']);
    rest.trim_end().is_empty() || rest.starts_with("//")
}

fn is_blank_line(source: &str, start: usize) -> bool {
    start < source.len() && source[start..line_end(source, start)].trim().is_empty()
}

/// The span a removed statement takes with it: its whole lines when it stands alone on
/// them (with a trailing comment), and the comments attached above it.
pub fn statement_span(source: &str, node: Node) -> Range<usize> {
    let mut start = node.start_byte();
    let end = node.end_byte();
    // Comments right above it, with no blank line between, describe it: they go with it.
    let mut previous = node.prev_sibling();
    while let Some(comment) = previous.filter(|p| p.kind() == "comment") {
        let between = &source[comment.end_byte()..start];
        if between.matches('\n').count() != 1
            || !between.trim().is_empty()
            || !starts_line(source, comment.start_byte())
        {
            break;
        }
        start = comment.start_byte();
        previous = comment.prev_sibling();
    }
    whole_lines(source, start..end)
}

/// `range` widened to its whole lines when it stands alone on them, else to the spaces
/// after it.
pub fn whole_lines(source: &str, range: Range<usize>) -> Range<usize> {
    if starts_line(source, range.start) && ends_line(source, range.end) {
        let end = line_end(source, range.end);
        return line_start(source, range.start)..(end + 1).min(source.len());
    }
    let after = source[range.end..]
        .find(|c: char| c != ' ' && c != '\t')
        .map_or(source.len(), |i| range.end + i);
    range.start..after
}

/// The spans to cut to remove `items` from a comma-separated list (`children`, in order):
/// whole lines when every item stands on its own line, else each run of removed items with
/// the comma that joins it to the rest.
pub fn list_cuts(source: &str, children: &[Node], remove: &[bool]) -> Vec<Range<usize>> {
    let one_per_line = children.len() > 1
        && children
            .windows(2)
            .all(|pair| source[pair[0].end_byte()..pair[1].start_byte()].contains('\n'))
        && children.iter().all(|c| starts_line(source, c.start_byte()));
    let mut cuts = Vec::new();
    if one_per_line {
        for (child, &gone) in children.iter().zip(remove) {
            if gone {
                cuts.push(item_lines(source, *child));
            }
        }
        return cuts;
    }
    let mut index = 0;
    while index < children.len() {
        if !remove[index] {
            index += 1;
            continue;
        }
        let first = index;
        while index < children.len() && remove[index] {
            index += 1;
        }
        let last = index - 1;
        if let Some(next) = children.get(index) {
            cuts.push(children[first].start_byte()..next.start_byte());
        } else if first > 0 {
            cuts.push(children[first - 1].end_byte()..children[last].end_byte());
        } else {
            let end = children[last].end_byte();
            let after = source[end..]
                .find(|c: char| !c.is_whitespace() && c != ',')
                .map_or(source.len(), |i| end + i);
            cuts.push(children[first].start_byte()..after);
        }
    }
    cuts
}

/// An item's whole lines, with its trailing comma and comments attached above it.
fn item_lines(source: &str, node: Node) -> Range<usize> {
    let span = statement_span(source, node);
    if span.start < node.start_byte() || span.end > node.end_byte() {
        return span;
    }
    node.start_byte()..node.end_byte()
}

/// After cutting whole lines, a blank line left doubled, or left at the start or end of a
/// block, goes too (as prettier would remove it).
pub fn tidy_blank_lines(source: &str, pieces: &mut Pieces) {
    let mut extra = Vec::new();
    let mut previous_end = 0;
    let mut output_before = String::new();
    for piece in &pieces.0 {
        match piece {
            Piece::Kept(kept) => {
                let gap = previous_end..kept.start;
                let whole_line_gap = !gap.is_empty()
                    && (gap.start == 0 || source.as_bytes()[gap.start - 1] == b'\n')
                    && source.as_bytes()[gap.end - 1] == b'\n';
                if whole_line_gap && (output_before.is_empty() || output_before.ends_with('\n')) {
                    let before_trimmed = output_before.trim_end_matches([' ', '\t']);
                    let blank_before = before_trimmed.ends_with("\n\n")
                        || before_trimmed.trim_end().ends_with(['{', '(', '['])
                        || before_trimmed.trim().is_empty();
                    let next_line = kept.start;
                    let rest = &source[next_line..line_end(source, next_line)];
                    let closes = rest.trim_start().starts_with(['}', ')', ']']);
                    if blank_before && is_blank_line(source, next_line) {
                        extra.push(next_line..(line_end(source, next_line) + 1).min(source.len()));
                    } else if closes && before_trimmed.ends_with("\n\n") {
                        // The blank line before the gap is the last line of the output.
                        let cut_end = gap.start;
                        let blank_start = line_start(source, cut_end.saturating_sub(1));
                        if blank_start < cut_end && is_blank_line(source, blank_start) {
                            extra.push(blank_start..cut_end);
                        }
                    }
                }
                output_before.push_str(&source[kept.clone()]);
                previous_end = kept.end;
            }
            Piece::Added { text, .. } => output_before.push_str(text),
            Piece::Moved { range, .. } => output_before.push_str(&source[range.clone()]),
        }
        // Only the tail matters; keep it short.
        if output_before.len() > 256 {
            let cut = output_before.len() - 128;
            let cut = (cut..output_before.len())
                .find(|&i| output_before.is_char_boundary(i))
                .unwrap_or(0);
            output_before.drain(..cut);
        }
    }
    for range in extra {
        pieces.cut(range);
    }
}

/// `pieces` moved `shift` columns left (positive) or right (negative): each line after the
/// first loses or gains that much leading whitespace (`unit`, a space or a tab, is what it
/// gains). Lines that start inside `protected` spans (template literals) keep theirs, and
/// blank lines lose their whitespace.
pub fn reindent(
    source: &str,
    pieces: &Pieces,
    shift: isize,
    protected: &[Range<usize>],
    unit: &str,
) -> Pieces {
    if shift == 0 {
        return pieces.clone();
    }
    let mut out = Pieces::default();
    let mut first = true;
    for piece in &pieces.0 {
        let Piece::Kept(kept) = piece else {
            out.0.push(piece.clone());
            continue;
        };
        let mut cursor = kept.start;
        let mut line = kept.start;
        loop {
            let at_line_start =
                line > 0 && source.as_bytes()[line - 1] == b'\n' && !(first && line == kept.start);
            if at_line_start && !protected.iter().any(|p| p.start < line && line < p.end) {
                let width = source[line..kept.end]
                    .bytes()
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count();
                let blank = source[line + width..]
                    .bytes()
                    .next()
                    .is_none_or(|b| b == b'\n' || b == b'\r');
                if blank {
                    out.keep(cursor..line);
                    cursor = line + width;
                } else if shift > 0 {
                    out.keep(cursor..line);
                    cursor = line + width.min(shift as usize);
                } else {
                    out.keep(cursor..line);
                    out.add(line, unit.repeat(shift.unsigned_abs()));
                    cursor = line;
                }
            }
            first = false;
            match source[line..kept.end].find('\n') {
                Some(i) => line = line + i + 1,
                None => break,
            }
            if line > kept.end {
                break;
            }
        }
        out.keep(cursor..kept.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let source = "a\n  bc\n";
        assert_eq!(line_start(source, 5), 2);
        assert_eq!(line_end(source, 2), 6);
        assert_eq!(indent_at(source, 5), "  ");
        assert_eq!(column(source, 5), 3);
        assert!(starts_line(source, 4));
        assert!(!starts_line(source, 5));
    }

    #[test]
    fn whole_lines_only_when_alone_on_them() {
        let source = "x;\n  drop(); // gone too\ny;\n";
        let start = source.find("drop").unwrap();
        let end = start + "drop();".len();
        assert_eq!(
            &source[whole_lines(source, start..end)],
            "  drop(); // gone too\n"
        );
        let source = "x; drop(); y;\n";
        let start = source.find("drop").unwrap();
        assert_eq!(&source[whole_lines(source, start..start + 7)], "drop(); ");
    }

    #[test]
    fn reindent_moves_lines_after_the_first() {
        let source = "if (x) {\n    a();\n    `keep\n    this`;\n}\n";
        let start = source.find("a();").unwrap();
        let end = source.rfind(';').unwrap() + 1;
        let template = source.find('`').unwrap()..source.rfind('`').unwrap() + 1;
        let pieces = reindent(source, &Pieces::kept(start..end), 4, &[template], "  ");
        assert_eq!(pieces.render(source), "a();\n`keep\n    this`;");
        let deeper = reindent(source, &Pieces::kept(start..end), -2, &[], " ");
        assert_eq!(deeper.render(source), "a();\n      `keep\n      this`;");
    }
}
