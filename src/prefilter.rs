//! The prefilter: a file that contains none of an SDK's trigger words (its method, hook
//! and component names, a wrapper's names) cannot hold a reference through that SDK, so
//! it is matched only against the SDKs whose words it contains, and a file with none is
//! never parsed. This is what lets flaglint keep pace with ripgrep: most files in a
//! repository are read once and dropped.

use aho_corasick::AhoCorasick;

pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    /// For each trigger word, the set of SDKs (bit per SDK index) that list it.
    owners: Vec<u64>,
}

impl Prefilter {
    /// `words`: each trigger with the indices of the SDKs that list it.
    pub fn new(words: &[(String, Vec<usize>)]) -> Prefilter {
        let words: Vec<&(String, Vec<usize>)> =
            words.iter().filter(|(w, _)| !w.is_empty()).collect();
        let owners = words
            .iter()
            .map(|(_, sdks)| sdks.iter().fold(0u64, |set, sdk| set | (1u64 << sdk)))
            .collect();
        let automaton = AhoCorasick::new(words.iter().map(|(w, _)| w.as_str())).ok();
        Prefilter { automaton, owners }
    }

    /// The SDKs whose trigger words occur in `haystack`, as a bit set (0: none).
    pub fn sdks_in(&self, haystack: &[u8]) -> u64 {
        let Some(automaton) = &self.automaton else {
            return 0;
        };
        let all = self.owners.iter().fold(0u64, |set, o| set | o);
        let mut found = 0u64;
        for hit in automaton.find_overlapping_iter(haystack) {
            found |= self.owners[hit.pattern().as_usize()];
            if found == all {
                break;
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sdks_whose_words_occur() {
        let filter = Prefilter::new(&[
            ("hasFeature".into(), vec![0]),
            ("getValue".into(), vec![0, 2]),
            ("useFlag".into(), vec![1]),
            ("useFlags".into(), vec![0]),
        ]);
        assert_eq!(filter.sdks_in(b"const a = useFlags(['x'])"), 0b011);
        assert_eq!(filter.sdks_in(b"x.getValue('k')"), 0b101);
        assert_eq!(filter.sdks_in(b"const a = settings.read('x')"), 0);
    }
}
