//! The prefilter: a file that contains none of an SDK's trigger words (its method, hook
//! and component names, a wrapper's names) cannot hold a reference through that SDK, so
//! it is matched only against the SDKs whose words it contains, and a file with none is
//! never parsed. This is what lets flaglint keep pace with ripgrep: most files in a
//! repository are read once and dropped.
//!
//! The same pass notes which SDK packages a file imports (`from "flagsmith"`,
//! `require('flagsmith/react')`, `import('flags')`): an SDK no file imports and no
//! package.json depends on ([`Prefilter::manifest`]) cannot be read anywhere, so the scan
//! can leave its queries out altogether. A string that merely spells a package name
//! (`{ dataKey: 'flags' }`) is not an import. In a monorepo, which SDKs a file can reach
//! is decided package by package ([`SdkScopes`]).

use aho_corasick::{AhoCorasick, AhoCorasickKind};

mod scope;
mod sketch;

pub use scope::{ScopeFacts, SdkScopes};
pub use sketch::NameSketch;

/// SDKs are tracked in a 64-bit set per file.
pub const MAX_SDKS: usize = 64;

/// The set of these SDKs (by index), one bit each.
pub fn sdk_set(sdks: impl IntoIterator<Item = usize>) -> u64 {
    sdks.into_iter().fold(0, |set, sdk| set | (1u64 << sdk))
}

pub fn in_set(set: u64, sdk: usize) -> bool {
    set & (1u64 << sdk) != 0
}

/// What one pass over a file found, as bit sets over SDK indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hits {
    /// SDKs with a trigger word in the file.
    pub triggers: u64,
    /// SDKs whose package the file names in a string literal.
    pub packages: u64,
    /// The trigger words themselves, by their index in the list `Prefilter::new` was given.
    pub words: WordSet,
}

/// A set of trigger words, by index. Empty (and not allocated) for most files.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WordSet(Vec<u64>);

impl WordSet {
    pub fn insert(&mut self, word: usize) {
        let (slot, bit) = (word / 64, word % 64);
        if self.0.len() <= slot {
            self.0.resize(slot + 1, 0);
        }
        self.0[slot] |= 1 << bit;
    }

    pub fn contains(&self, word: usize) -> bool {
        self.0
            .get(word / 64)
            .is_some_and(|slot| slot & (1 << (word % 64)) != 0)
    }

    pub fn union(&mut self, other: &WordSet) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (slot, bits) in self.0.iter_mut().zip(&other.0) {
            *slot |= bits;
        }
    }
}

/// A package.json, as far as SDK scoping needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub name: Option<String>,
    /// The SDKs whose packages it depends on.
    pub sdks: u64,
    /// Every package it depends on, of any kind.
    pub dependencies: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
enum WordKind {
    /// Must the word start / end at an identifier boundary?
    Trigger {
        index: usize,
        start: bool,
        end: bool,
    },
    /// An opening quote and a package name: a module specifier when a quote or `/` follows.
    Package,
}

struct Word {
    owners: u64,
    kind: WordKind,
}

pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    words: Vec<Word>,
    /// Each package name with the SDKs that list it, for package.json dependencies.
    packages: Vec<(String, u64)>,
}

/// A character that continues a JS identifier.
fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

/// The non-empty package names, each with its SDK set.
fn packages_of(packages: &[(String, u64)]) -> impl Iterator<Item = (&str, u64)> {
    packages
        .iter()
        .filter(|(p, _)| !p.is_empty())
        .map(|(p, owners)| (p.as_str(), *owners))
}

/// Whether a string starting right after `before` is a module specifier: it follows
/// `from`, `import`, or `require(` / `import(`, whitespace allowed between.
fn is_module_specifier(before: &[u8]) -> bool {
    let before = before.trim_ascii_end();
    let (before, words): (&[u8], &[&[u8]]) = match before.strip_suffix(b"(") {
        Some(call) => (call.trim_ascii_end(), &[b"require", b"import"]),
        None => (before, &[b"from", b"import"]),
    };
    words.iter().any(|word| {
        before.strip_suffix(*word).is_some_and(|rest| {
            // A whole word, not a method (`x.from(`) or a longer name (`reimport(`).
            rest.last()
                .is_none_or(|b| !is_identifier_byte(*b) && *b != b'.')
        })
    })
}

impl Prefilter {
    /// `triggers` and `packages`: each word with the indices of the SDKs that list it.
    pub fn new(triggers: &[(String, Vec<usize>)], packages: &[(String, Vec<usize>)]) -> Prefilter {
        let mut patterns = Vec::new();
        let mut words = Vec::new();
        let packages: Vec<(String, u64)> = packages
            .iter()
            .map(|(package, sdks)| (package.clone(), sdk_set(sdks.iter().copied())))
            .collect();
        for (index, (word, sdks)) in triggers.iter().enumerate() {
            if word.is_empty() {
                continue;
            }
            // A word is matched as a whole identifier (`useFeature` is not in `useFeaturedPost`);
            // an end that is punctuation (`feature(`, `@unleash/nextjs`) needs no boundary there.
            let bytes = word.as_bytes();
            let start = bytes.first().is_some_and(|b| is_identifier_byte(*b));
            let end = bytes.last().is_some_and(|b| is_identifier_byte(*b));
            patterns.push(word.clone());
            words.push(Word {
                owners: sdk_set(sdks.iter().copied()),
                kind: WordKind::Trigger { index, start, end },
            });
        }
        for (package, owners) in packages_of(&packages) {
            for quote in ['\'', '"', '`'] {
                patterns.push(format!("{quote}{package}"));
                words.push(Word {
                    owners,
                    kind: WordKind::Package,
                });
            }
        }
        // A DFA: one table lookup per byte. The default for this many words is an NFA,
        // which made the prefilter the largest single cost of a scan.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok();
        Prefilter {
            automaton,
            words,
            packages,
        }
    }

    /// The SDKs whose packages a package.json lists in its dependencies (of any kind);
    /// its other strings (`"files": ["flags"]`, scripts) name no dependency.
    pub fn manifest(&self, manifest: &[u8]) -> u64 {
        self.read_manifest(manifest).sdks
    }

    /// What a package.json says about SDKs: the ones it depends on, its name and every
    /// package it depends on (for the workspace packages among them).
    pub fn read_manifest(&self, manifest: &[u8]) -> Manifest {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(manifest) else {
            return Manifest::default();
        };
        let mut read = Manifest {
            name: json.get("name").and_then(|n| n.as_str()).map(String::from),
            ..Manifest::default()
        };
        for field in [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ] {
            let Some(dependencies) = json.get(field).and_then(|d| d.as_object()) else {
                continue;
            };
            for (package, owners) in &self.packages {
                if dependencies.contains_key(package) {
                    read.sdks |= owners;
                }
            }
            read.dependencies.extend(dependencies.keys().cloned());
        }
        read
    }

    /// The SDKs whose trigger words and packages occur in `haystack`.
    pub fn scan(&self, haystack: &[u8]) -> Hits {
        let mut hits = Hits::default();
        let Some(automaton) = &self.automaton else {
            return hits;
        };
        for found in automaton.find_overlapping_iter(haystack) {
            let word = &self.words[found.pattern().as_usize()];
            let after = haystack.get(found.end()).copied();
            match word.kind {
                WordKind::Trigger { index, start, end } => {
                    if start && found.start() > 0 && is_identifier_byte(haystack[found.start() - 1])
                    {
                        continue;
                    }
                    if end && after.is_some_and(is_identifier_byte) {
                        continue;
                    }
                    hits.triggers |= word.owners;
                    hits.words.insert(index);
                }
                WordKind::Package => {
                    if matches!(after, Some(b'\'' | b'"' | b'`' | b'/'))
                        && is_module_specifier(&haystack[..found.start()])
                    {
                        hits.packages |= word.owners;
                    }
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triggers_only(words: &[(&str, Vec<usize>)]) -> Prefilter {
        let words: Vec<(String, Vec<usize>)> = words
            .iter()
            .map(|(w, s)| (w.to_string(), s.clone()))
            .collect();
        Prefilter::new(&words, &[])
    }

    #[test]
    fn finds_the_sdks_whose_words_occur() {
        let filter = triggers_only(&[
            ("hasFeature", vec![0]),
            ("getValue", vec![0, 2]),
            ("useFlag", vec![1]),
            ("useFlags", vec![0]),
        ]);
        let triggers = |text: &[u8]| filter.scan(text).triggers;
        assert_eq!(triggers(b"const a = useFlags(['x'])"), 0b001);
        assert_eq!(triggers(b"x.getValue('k')"), 0b101);
        assert_eq!(triggers(b"const a = settings.read('x')"), 0);
        // Whole identifiers only.
        assert_eq!(triggers(b"useFlagsy(); myhasFeature(); getValueOf()"), 0);
        assert_eq!(triggers(b"x.hasFeature?.('k')"), 0b001);
        // A word inside a longer one that fails its boundary is still seen on its own.
        assert_eq!(triggers(b"useFlagsX useFlag('a')"), 0b010);
    }

    #[test]
    fn reports_which_words_it_saw() {
        let filter = triggers_only(&[
            ("getValue", vec![0]),
            ("hasFeature", vec![0]),
            ("useFlags", vec![1]),
        ]);
        let words = filter
            .scan(b"x.getValue('a'); useFlags(['b']); myhasFeature()")
            .words;
        assert!(words.contains(0) && words.contains(2));
        assert!(!words.contains(1));
        assert_eq!(filter.scan(b"nothing here").words, WordSet::default());
    }

    #[test]
    fn punctuation_ends_need_no_boundary() {
        let filter = triggers_only(&[("feature(", vec![0]), ("unleash", vec![1])]);
        let triggers = |text: &[u8]| filter.scan(text).triggers;
        assert_eq!(triggers(b"gb.feature('x')"), 0b01);
        assert_eq!(triggers(b"import { x } from 'unleash-client'"), 0b10);
        assert_eq!(triggers(b"unleashed()"), 0);
    }

    #[test]
    fn package_names_count_only_as_module_specifiers() {
        let filter = Prefilter::new(
            &[("hasFeature".into(), vec![0])],
            &[
                ("flagsmith".into(), vec![0]),
                ("@flagsmith/flagsmith".into(), vec![0]),
                ("launchdarkly-js-client-sdk".into(), vec![1]),
            ],
        );
        let packages = |text: &[u8]| filter.scan(text).packages;
        assert_eq!(packages(b"import flagsmith from 'flagsmith';"), 0b01);
        assert_eq!(
            packages(b"const { useFlags } = require(\"flagsmith/react\")"),
            0b01
        );
        assert_eq!(
            packages(b"import x from '@flagsmith/flagsmith/isomorphic'"),
            0b01
        );
        assert_eq!(
            packages(b"import { initialize } from `launchdarkly-js-client-sdk`"),
            0b10
        );
        // A path that merely contains the name, a longer package name, plain words: no.
        assert_eq!(packages(b"import flagsmith from '../lib/flagsmith'"), 0);
        assert_eq!(packages(b"import x from 'flagsmith-helpers'"), 0);
        assert_eq!(packages(b"// we use flagsmith here"), 0);
        assert_eq!(filter.scan(b"flagsmith.hasFeature('x')").triggers, 0b01);
    }

    /// Issue 14, item 10: a string that spells a package is not an import of it.
    #[test]
    fn package_names_count_only_after_import_from_or_require() {
        let filter = Prefilter::new(&[], &[("flags".into(), vec![0])]);
        let packages = |text: &[u8]| filter.scan(text).packages;
        for import in [
            &b"import { flag } from 'flags/next';"[..],
            b"import {\n  flag,\n} from\n  \"flags\"",
            b"import 'flags';",
            b"export * from 'flags';",
            b"const { flag } = require( 'flags' );",
            b"const m = await import('flags');",
            b"import x = require('flags');",
        ] {
            assert_eq!(packages(import), 0b1, "{}", String::from_utf8_lossy(import));
        }
        for other in [
            &b"const options = { dataKey: 'flags' };"[..],
            b"t('flags')",
            b"const fromFlags = 'flags';",
            b"reimport('flags')",
            b"x.from('flags')",
        ] {
            assert_eq!(packages(other), 0, "{}", String::from_utf8_lossy(other));
        }
    }

    /// Only the dependency lists of a package.json name the SDKs it uses.
    #[test]
    fn manifests_count_their_dependencies_only() {
        let filter = Prefilter::new(
            &[],
            &[("flags".into(), vec![0]), ("flagsmith".into(), vec![1])],
        );
        assert_eq!(
            filter.manifest(br#"{"name": "app", "files": ["flags"], "scripts": {"x": "flags"}}"#),
            0
        );
        assert_eq!(
            filter.manifest(
                br#"{"dependencies": {"flagsmith": "^9"}, "devDependencies": {"flags": "1"}}"#
            ),
            0b11
        );
        assert_eq!(
            filter.manifest(br#"{"peerDependencies": {"flagsmith-nodejs": "1"}}"#),
            0
        );
        assert_eq!(filter.manifest(b"not json"), 0);
    }
}
