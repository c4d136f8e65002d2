//! Edits: a rewritten file as pieces of the original and new text, and the byte-span
//! edits that turn one into the other.
//!
//! The folder builds a node's new text as [`Pieces`]: spans of the original source, in
//! order, with new text between them. Removing code later (an unused import, a dead
//! declaration) cuts spans out of the same pieces, so every change to a file lives on one
//! tree's byte offsets. [`Pieces::edits`] then gives the non-overlapping edits, applied
//! once: every byte outside an edited span is kept as it was.

use std::ops::Range;

/// One piece of a rewritten text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A span of the original source.
    Kept(Range<usize>),
    /// New text, standing where the original's byte `at` was.
    Added { at: usize, text: String },
    /// A span of the original moved to where the original's byte `at` was: its text is
    /// still the code's (its names still used), only elsewhere.
    Moved { at: usize, range: Range<usize> },
}

/// A rewritten text, as pieces in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pieces(pub Vec<Piece>);

impl Pieces {
    /// The original span, unchanged.
    pub fn kept(range: Range<usize>) -> Pieces {
        let mut pieces = Pieces::default();
        pieces.keep(range);
        pieces
    }

    pub fn added(at: usize, text: impl Into<String>) -> Pieces {
        let mut pieces = Pieces::default();
        pieces.add(at, text);
        pieces
    }

    pub fn keep(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        if let Some(Piece::Kept(last)) = self.0.last_mut() {
            if last.end == range.start {
                last.end = range.end;
                return;
            }
        }
        self.0.push(Piece::Kept(range));
    }

    pub fn add(&mut self, at: usize, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.0.push(Piece::Added { at, text });
        }
    }

    pub fn append(&mut self, other: Pieces) {
        for piece in other.0 {
            match piece {
                Piece::Kept(range) => self.keep(range),
                Piece::Added { at, text } => self.add(at, text),
                moved @ Piece::Moved { .. } => self.0.push(moved),
            }
        }
    }

    /// These pieces moved to stand where the original's byte `at` was.
    pub fn moved_to(&self, at: usize) -> Pieces {
        Pieces(
            self.0
                .iter()
                .map(|piece| match piece {
                    Piece::Kept(range) => Piece::Moved {
                        at,
                        range: range.clone(),
                    },
                    Piece::Added { text, .. } => Piece::Added {
                        at,
                        text: text.clone(),
                    },
                    Piece::Moved { range, .. } => Piece::Moved {
                        at,
                        range: range.clone(),
                    },
                })
                .collect(),
        )
    }

    /// The text these pieces stand for.
    pub fn render(&self, source: &str) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Kept(range) | Piece::Moved { range, .. } => {
                    out.push_str(source.get(range.clone()).unwrap_or(""))
                }
                Piece::Added { text, .. } => out.push_str(text),
            }
        }
        out
    }

    /// Removes the original bytes in `range`, and new text standing inside it.
    pub fn cut(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let mut out = Vec::with_capacity(self.0.len() + 1);
        for piece in self.0.drain(..) {
            match piece {
                Piece::Kept(kept) => {
                    if kept.end <= range.start || kept.start >= range.end {
                        out.push(Piece::Kept(kept));
                        continue;
                    }
                    if kept.start < range.start {
                        out.push(Piece::Kept(kept.start..range.start));
                    }
                    if kept.end > range.end {
                        out.push(Piece::Kept(range.end..kept.end));
                    }
                }
                Piece::Added { at, .. } | Piece::Moved { at, .. }
                    if at >= range.start && at < range.end => {}
                other => out.push(other),
            }
        }
        self.0 = out;
    }

    /// Whether every byte of `range` is still here, where it was or moved.
    pub fn keeps(&self, range: &Range<usize>) -> bool {
        self.0.iter().any(|piece| match piece {
            Piece::Kept(kept) | Piece::Moved { range: kept, .. } => {
                kept.start <= range.start && range.end <= kept.end
            }
            Piece::Added { .. } => false,
        })
    }

    /// The edits that turn `source`, the original, into these pieces.
    pub fn edits(&self, source: &str) -> Vec<Edit> {
        let len = source.len();
        let mut edits = Vec::new();
        let mut position = 0;
        let mut pending: Option<Edit> = None;
        for piece in &self.0 {
            match piece {
                Piece::Kept(kept) => {
                    if kept.start > position || pending.is_some() {
                        let mut edit = pending.take().unwrap_or(Edit {
                            range: position..position,
                            text: String::new(),
                        });
                        edit.range.end = kept.start.max(edit.range.end);
                        edits.push(edit);
                    }
                    position = position.max(kept.end);
                }
                Piece::Added { .. } | Piece::Moved { .. } => {
                    let text = match piece {
                        Piece::Moved { range, .. } => source.get(range.clone()).unwrap_or(""),
                        Piece::Added { text, .. } => text.as_str(),
                        Piece::Kept(_) => "",
                    };
                    let edit = pending.get_or_insert(Edit {
                        range: position..position,
                        text: String::new(),
                    });
                    edit.text.push_str(text);
                }
            }
        }
        if position < len || pending.is_some() {
            let mut edit = pending.take().unwrap_or(Edit {
                range: position..position,
                text: String::new(),
            });
            edit.range.end = len.max(edit.range.end);
            edits.push(edit);
        }
        edits
    }
}

/// One change: the original bytes in `range` become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// `source` with `edits` (sorted, non-overlapping) applied. An edit overlapping the one
/// before it starts where that one ended, rather than panic.
pub fn apply(source: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(source.len());
    let mut position = 0;
    for edit in edits {
        out.push_str(source.get(position..edit.range.start).unwrap_or(""));
        out.push_str(&edit.text);
        position = position.max(edit.range.end);
    }
    out.push_str(source.get(position..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "const a = on && b;\nuse(a);\n";

    #[test]
    fn edits_cover_exactly_what_changed() {
        let mut pieces = Pieces::kept(0..10);
        pieces.add(10, "b");
        pieces.keep(17..SOURCE.len());
        let edits = pieces.edits(SOURCE);
        assert_eq!(
            edits,
            vec![Edit {
                range: 10..17,
                text: "b".into()
            }]
        );
        assert_eq!(apply(SOURCE, &edits), "const a = b;\nuse(a);\n");
        assert_eq!(pieces.render(SOURCE), apply(SOURCE, &edits));
    }

    #[test]
    fn cutting_removes_kept_bytes_and_text_added_inside() {
        let mut pieces = Pieces::kept(0..10);
        pieces.add(10, "b");
        pieces.keep(17..SOURCE.len());
        pieces.cut(0..19);
        assert_eq!(pieces.render(SOURCE), "use(a);\n");
        assert!(pieces.keeps(&(19..25)));
        assert!(!pieces.keeps(&(6..7)));
        assert_eq!(
            pieces.edits(SOURCE),
            vec![Edit {
                range: 0..19,
                text: String::new()
            }]
        );
    }

    #[test]
    fn an_insertion_is_an_empty_span() {
        let mut pieces = Pieces::kept(0..5);
        pieces.add(5, "X");
        pieces.keep(5..SOURCE.len());
        let edits = pieces.edits(SOURCE);
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].range, 5..5);
        assert_eq!(&apply(SOURCE, &edits)[..8], "constX a");
    }

    #[test]
    fn moved_text_keeps_its_names_and_survives_cutting_its_origin() {
        // `const a = on && b;` cut, and its `b` moved into `use(a)`.
        let mut pieces = Pieces::kept(0..23);
        pieces.append(Pieces::kept(16..17).moved_to(23));
        pieces.keep(24..SOURCE.len());
        pieces.cut(0..19);
        assert!(pieces.keeps(&(16..17)));
        let edits = pieces.edits(SOURCE);
        assert_eq!(apply(SOURCE, &edits), "use(b);\n");
    }

    #[test]
    fn unchanged_pieces_give_no_edit() {
        assert!(Pieces::kept(0..SOURCE.len()).edits(SOURCE).is_empty());
    }
}
