//! Which identifiers a file may hold, in 256 bytes: a Bloom filter of its words, made in
//! the same pass as the prefilter. The helper rounds look for names found only after the
//! first pass; a file whose sketch rules all of them out is not read again.

/// Bits per file: at 500 distinct identifiers (a large component), one name in 20 that
/// the file lacks still passes, and is then read and searched as before.
const WORDS: usize = 32;
const BITS: u64 = (WORDS * 64) as u64;

/// A byte that continues a JS identifier (as the prefilter reads them).
const fn identifier_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
        byte += 1;
    }
    table
}

static IDENTIFIER: [bool; 256] = identifier_bytes();

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameSketch([u64; WORDS]);

impl NameSketch {
    /// The sketch of every identifier-like word of `text`.
    pub fn of(text: &[u8]) -> NameSketch {
        let mut bits = [0u64; WORDS];
        let mut at = 0;
        while at < text.len() {
            if !IDENTIFIER[usize::from(text[at])] {
                at += 1;
                continue;
            }
            let mut hash = SEED;
            while at < text.len() && IDENTIFIER[usize::from(text[at])] {
                hash = step(hash, text[at]);
                at += 1;
            }
            set(&mut bits, hash);
        }
        NameSketch(bits)
    }

    /// Whether the file may hold `name` as a whole word; `false` means it does not.
    pub fn may_hold(&self, name: &str) -> bool {
        let bytes = name.as_bytes();
        if bytes.is_empty() || !bytes.iter().all(|b| IDENTIFIER[usize::from(*b)]) {
            // Not one word: the sketch cannot tell.
            return true;
        }
        let hash = bytes.iter().fold(SEED, |hash, b| step(hash, *b));
        let (first, second) = positions(hash);
        self.has(first) && self.has(second)
    }

    fn has(&self, bit: u64) -> bool {
        self.0[(bit / 64) as usize] & (1 << (bit % 64)) != 0
    }
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;

fn step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

/// Two bit positions from one hash: its low and its high half, after a final mix.
fn positions(hash: u64) -> (u64, u64) {
    let mixed = (hash ^ (hash >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let mixed = mixed ^ (mixed >> 32);
    ((mixed & 0xffff_ffff) % BITS, (mixed >> 32) % BITS)
}

fn set(bits: &mut [u64; WORDS], hash: u64) {
    let (first, second) = positions(hash);
    bits[(first / 64) as usize] |= 1 << (first % 64);
    bits[(second / 64) as usize] |= 1 << (second % 64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_word_of_the_text() {
        let text = b"import { isOn } from './flags';\nexport const a = Utils.getFlagsmithHasFeature('x') && <BetaFlag flagName=\"y\" />; $el _private caf\xc3\xa9";
        let sketch = NameSketch::of(text);
        for word in [
            "import",
            "isOn",
            "from",
            "flags",
            "Utils",
            "getFlagsmithHasFeature",
            "BetaFlag",
            "flagName",
            "y",
            "$el",
            "_private",
            "café",
        ] {
            assert!(sketch.may_hold(word), "{word}");
        }
    }

    #[test]
    fn rules_out_words_it_lacks() {
        let sketch = NameSketch::of(b"const value = compute(input);");
        // Parts and extensions of words are other words.
        let absent = [
            "comp",
            "computeAll",
            "isFeatureEnabled",
            "useFlag",
            "BetaFlag",
        ];
        let ruled_out = absent.iter().filter(|w| !sketch.may_hold(w)).count();
        assert_eq!(ruled_out, absent.len());
    }

    #[test]
    fn cannot_rule_out_what_is_not_one_word() {
        let sketch = NameSketch::of(b"nothing here");
        assert!(sketch.may_hold("Utils.isOn"));
        assert!(sketch.may_hold(""));
    }
}
