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
    /// For each trigger word: must it start / end at an identifier boundary?
    bounded: Vec<(bool, bool)>,
}

/// A character that continues a JS identifier.
fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
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
        // A word is matched as a whole identifier (`useFeature` is not in `useFeaturedPost`);
        // an end that is punctuation (`feature(`, `@unleash/nextjs`) needs no boundary there.
        let bounded = words
            .iter()
            .map(|(w, _)| {
                let bytes = w.as_bytes();
                (
                    bytes.first().is_some_and(|b| is_identifier_byte(*b)),
                    bytes.last().is_some_and(|b| is_identifier_byte(*b)),
                )
            })
            .collect();
        let automaton = AhoCorasick::new(words.iter().map(|(w, _)| w.as_str())).ok();
        Prefilter {
            automaton,
            owners,
            bounded,
        }
    }

    /// The SDKs whose trigger words occur in `haystack`, as a bit set (0: none).
    pub fn sdks_in(&self, haystack: &[u8]) -> u64 {
        let Some(automaton) = &self.automaton else {
            return 0;
        };
        let all = self.owners.iter().fold(0u64, |set, o| set | o);
        let mut found = 0u64;
        for hit in automaton.find_overlapping_iter(haystack) {
            let word = hit.pattern().as_usize();
            let (start, end) = self.bounded[word];
            if start && hit.start() > 0 && is_identifier_byte(haystack[hit.start() - 1]) {
                continue;
            }
            if end
                && haystack
                    .get(hit.end())
                    .is_some_and(|b| is_identifier_byte(*b))
            {
                continue;
            }
            found |= self.owners[word];
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
        assert_eq!(filter.sdks_in(b"const a = useFlags(['x'])"), 0b001);
        assert_eq!(filter.sdks_in(b"x.getValue('k')"), 0b101);
        assert_eq!(filter.sdks_in(b"const a = settings.read('x')"), 0);
        // Whole identifiers only.
        assert_eq!(
            filter.sdks_in(b"useFlagsy(); myhasFeature(); getValueOf()"),
            0
        );
        assert_eq!(filter.sdks_in(b"x.hasFeature?.('k')"), 0b001);
    }

    #[test]
    fn punctuation_ends_need_no_boundary() {
        let filter = Prefilter::new(&[("feature(".into(), vec![0]), ("unleash".into(), vec![1])]);
        assert_eq!(filter.sdks_in(b"gb.feature('x')"), 0b01);
        assert_eq!(filter.sdks_in(b"import { x } from 'unleash-client'"), 0b10);
        assert_eq!(filter.sdks_in(b"unleashed()"), 0);
    }
}
