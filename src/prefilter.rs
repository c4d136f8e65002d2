//! The prefilter: a file that contains none of the trigger words (SDK method and hook
//! names, wrapper names) cannot hold a reference, so it is never parsed. This is what lets
//! flaglint keep pace with ripgrep: most files in a repository are read once and dropped.

use aho_corasick::AhoCorasick;

pub struct Prefilter {
    /// None when there are no triggers: every file is a candidate.
    automaton: Option<AhoCorasick>,
}

impl Prefilter {
    pub fn new(words: &[String]) -> Prefilter {
        let words: Vec<&String> = words.iter().filter(|w| !w.is_empty()).collect();
        let automaton = if words.is_empty() {
            None
        } else {
            AhoCorasick::new(&words).ok()
        };
        Prefilter { automaton }
    }

    pub fn may_match(&self, haystack: &[u8]) -> bool {
        match &self.automaton {
            Some(automaton) => automaton.is_match(haystack),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_any_trigger() {
        let filter = Prefilter::new(&["hasFeature".into(), "useFlags".into()]);
        assert!(filter.may_match(b"const a = useFlags(['x'])"));
        assert!(!filter.may_match(b"const a = settings.getValue('x')"));
    }
}
