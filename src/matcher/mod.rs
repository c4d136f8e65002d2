//! SDK call shapes as tree-sitter queries: compile them once, run them on every file.
//!
//! Each `queries/<sdk>.scm` is data: a header names the SDK, its npm packages and the
//! trigger words the prefilter looks for; the patterns mark the key with `@key`, the whole
//! reference with `@reference.<kind>`, and what must come from the SDK with `@receiver`.
//! Names starting with `_` are free for predicates. Three predicates beyond tree-sitter's
//! own are understood here and checked by the resolver:
//!
//! - `(#sdk? @receiver)`: the receiver comes from one of the SDK's packages;
//!   `(#sdk? @receiver "useFlags")`: and is bound to that SDK name (through aliases).
//! - `(#sdk-from? @receiver "useFlags" ...)`: it is the result of calling one of these SDK functions.
//! - `(#listed-in-origin-arg? @key N)`: the key is listed in argument N of that call
//!   (or that argument is not a literal list).
//! - `(#imports? "withLDConsumer" ...)`: the file imports one of these names from the SDK.
//!
//! `(#set! case "camel")` says the code spells the service key in that case
//! (camel, pascal, snake, kebab, screaming_snake); the rules map service keys to match.

pub mod find;
pub mod helpers;
mod query;
pub mod wrapper;

use tree_sitter::Query;

use crate::parse::Lang;
use crate::prefilter::{in_set, sdk_set, WordSet, MAX_SDKS};
use crate::reference::RefKind;
pub use find::Aliases;
pub use find::{find_references, Found};
pub use query::grammar_name;
use query::{compile, required_words};

/// The SDK query files shipped in the binary: adding an SDK is a file and a line here.
pub const SDK_QUERIES: &[(&str, &str)] = &[
    ("flagsmith.scm", include_str!("../../queries/flagsmith.scm")),
    (
        "launchdarkly.scm",
        include_str!("../../queries/launchdarkly.scm"),
    ),
    ("unleash.scm", include_str!("../../queries/unleash.scm")),
    (
        "openfeature.scm",
        include_str!("../../queries/openfeature.scm"),
    ),
    (
        "growthbook.scm",
        include_str!("../../queries/growthbook.scm"),
    ),
    ("posthog.scm", include_str!("../../queries/posthog.scm")),
    ("statsig.scm", include_str!("../../queries/statsig.scm")),
    ("devcycle.scm", include_str!("../../queries/devcycle.scm")),
    ("configcat.scm", include_str!("../../queries/configcat.scm")),
    ("split.scm", include_str!("../../queries/split.scm")),
    ("vercel.scm", include_str!("../../queries/vercel.scm")),
];

pub const ALLOWED_CAPTURES: &str = "@key, @receiver, @reference.call, @reference.hook, @reference.member, @reference.jsx, @reference.default, @reference.declaration, and names starting with @_";

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{file}: missing `; sdk: <name>` header")]
    MissingSdk { file: String },
    #[error("{file}: {grammar} grammar: {message}")]
    Syntax {
        file: String,
        grammar: &'static str,
        message: String,
    },
    #[error("{file}: unknown capture @{name}; allowed: {ALLOWED_CAPTURES}")]
    InvalidCapture { file: String, name: String },
    #[error("{file}: pattern {pattern} has no @reference.<kind> capture")]
    MissingReference { file: String, pattern: usize },
    #[error("{0}")]
    Compile(String),
    #[error("{file}: unknown predicate #{name} (or wrong arguments)")]
    InvalidPredicate { file: String, name: String },
}

/// One SDK: its name as shown in output, its packages and its query source.
#[derive(Debug, Clone)]
pub struct SdkSpec {
    pub name: String,
    pub file: String,
    pub packages: Vec<String>,
    pub triggers: Vec<String>,
    /// Global names a script-tag install gives the SDK's client (`posthog`, `flagsmith`).
    pub globals: Vec<String>,
    /// A setting that, anywhere in the code, turns off the SDK's case transform of keys
    /// (`useCamelCaseFlagKeys: false`), as words.
    pub case_off_when: Vec<String>,
    pub source: String,
    /// Set for a `[[wrappers]]` entry: how its matches become service keys.
    pub wrapper: Option<wrapper::WrapperKeys>,
}

impl SdkSpec {
    pub fn parse(file: &str, source: &str) -> Result<SdkSpec, QueryError> {
        let header = |field: &str| {
            source.lines().find_map(|line| {
                line.trim()
                    .strip_prefix(';')
                    .map(str::trim)
                    .and_then(|l| l.strip_prefix(field))
                    .and_then(|l| l.strip_prefix(':'))
                    .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
            })
        };
        let name = header("sdk")
            .and_then(|words| words.into_iter().next())
            .ok_or_else(|| QueryError::MissingSdk { file: file.into() })?;
        Ok(SdkSpec {
            name,
            file: file.into(),
            packages: header("packages").unwrap_or_default(),
            triggers: header("triggers").unwrap_or_default(),
            globals: header("globals").unwrap_or_default(),
            case_off_when: header("case-off-when").unwrap_or_default(),
            source: source.to_string(),
            wrapper: None,
        })
    }

    /// Whether `source` holds the setting that turns the SDK's case transform off: its
    /// words in order, with only spaces between them.
    pub fn turns_case_off(&self, source: &[u8]) -> bool {
        let Some((first, rest)) = self.case_off_when.split_first() else {
            return false;
        };
        memchr::memmem::find_iter(source, first.as_bytes()).any(|at| {
            let mut tail = &source[at + first.len()..];
            rest.iter().all(|word| {
                let start = tail
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .unwrap_or(tail.len());
                tail = &tail[start..];
                match tail.strip_prefix(word.as_bytes()) {
                    Some(after) => {
                        tail = after;
                        true
                    }
                    None => false,
                }
            })
        })
    }

    /// The SDK functions whose results its patterns read from: `useFlags` for `flags.x`
    /// on `const flags = useFlags()`.
    pub fn result_names(&self) -> Vec<String> {
        query::result_names(&self.source)
    }

    pub fn builtin() -> Vec<SdkSpec> {
        SDK_QUERIES
            .iter()
            .map(|(file, source)| SdkSpec::parse(file, source))
            .collect::<Result<_, _>>()
            .expect("built-in queries have headers (checked by tests)")
    }
}

/// What a pattern demands beyond its shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `names` empty: any SDK value; else the SDK name it is bound to must be one of them.
    Sdk {
        capture: u32,
        names: Vec<String>,
    },
    SdkFrom {
        capture: u32,
        names: Vec<String>,
    },
    ListedInOriginArg {
        key: u32,
        argument: usize,
    },
    /// A variable initialised by calling this function: `const m = useFlagMap()`.
    FromCall {
        capture: u32,
        callee: String,
    },
    Imports {
        names: Vec<String>,
    },
}

/// One pattern's meaning: which SDK, what kind of reference, what it demands.
#[derive(Debug, Clone)]
pub struct PatternInfo {
    pub sdk: usize,
    pub kind: RefKind,
    pub reference_capture: u32,
    pub predicates: Vec<Predicate>,
    /// A wrapper with no key in the code: the flag it always reads.
    pub fixed_key: Option<String>,
    /// `(#set! case "camel")`: how the code spells the service key.
    pub case: Option<String>,
}

/// The shapes of a set of SDKs for one grammar, as one query: a file is walked once
/// whatever the number of SDKs, and each pattern maps back to its SDK.
pub struct CompiledQuery {
    pub query: Query,
    pub patterns: Vec<PatternInfo>,
    pub key_capture: Option<u32>,
    pub receiver_capture: Option<u32>,
}

/// The SDK specs. Queries are compiled per scan for the SDKs it needs
/// (`compile`): compiling costs milliseconds per pattern, so none is compiled unused.
pub struct Matcher {
    pub sdks: Vec<SdkSpec>,
}

impl Matcher {
    pub fn new(sdks: Vec<SdkSpec>) -> Result<Matcher, QueryError> {
        if sdks.len() > MAX_SDKS {
            return Err(QueryError::Compile(format!(
                "{} SDK and wrapper queries; at most {MAX_SDKS} are supported",
                sdks.len()
            )));
        }
        Ok(Matcher { sdks })
    }

    /// Every SDK, as a set.
    pub fn all(&self) -> u64 {
        sdk_set(0..self.sdks.len())
    }

    /// One query for the SDKs in `set` (a bit per SDK index) and one grammar.
    ///
    /// `seen`: the trigger words (indices into `triggers()`) that occur in the files the
    /// query is for. A pattern that requires one of its SDK's trigger words by name
    /// (`#any-of?`, `#eq?`, `#sdk? @x "useFlags"`) is left out when none of them occurs:
    /// query compilation costs milliseconds per pattern, which on a small repository is
    /// most of the run. `None` compiles every pattern.
    pub fn compile(
        &self,
        set: u64,
        lang: Lang,
        seen: Option<&WordSet>,
    ) -> Result<CompiledQuery, QueryError> {
        let indices: Vec<usize> = (0..self.sdks.len())
            .filter(|&sdk| in_set(set, sdk))
            .collect();
        let specs: Vec<SdkSpec> = indices.iter().map(|&i| self.sdks[i].clone()).collect();
        let word_index: std::collections::HashMap<String, usize> = self
            .triggers()
            .into_iter()
            .enumerate()
            .map(|(index, (word, _))| (word, index))
            .collect();
        let keep = |spec: &SdkSpec, pattern: &str| match (seen, required_words(pattern, spec)) {
            (Some(seen), Some(words)) => words
                .iter()
                .any(|w| word_index.get(*w).is_some_and(|&i| seen.contains(i))),
            _ => true,
        };
        let mut compiled = compile(&specs, lang, &keep)?;
        for pattern in &mut compiled.patterns {
            let sdk = indices[pattern.sdk];
            pattern.sdk = sdk;
            pattern.fixed_key = self.sdks[sdk]
                .wrapper
                .as_ref()
                .and_then(|w| w.fixed.clone());
        }
        Ok(compiled)
    }

    /// These trigger words, as a set.
    pub fn word_set<'w>(&self, words: impl IntoIterator<Item = &'w str>) -> WordSet {
        let triggers = self.triggers();
        let mut set = WordSet::default();
        for word in words {
            if let Some(index) = triggers.iter().position(|(w, _)| w == word) {
                set.insert(index);
            }
        }
        set
    }

    /// Each trigger word with the SDKs (by index) that list it.
    pub fn triggers(&self) -> Vec<(String, Vec<usize>)> {
        words_by_sdk(self.sdks.iter().map(|spec| &spec.triggers))
    }

    /// Each package name with the SDKs (by index) that list it.
    pub fn packages(&self) -> Vec<(String, Vec<usize>)> {
        words_by_sdk(self.sdks.iter().map(|spec| &spec.packages))
    }

    /// The SDKs whose references can exist, given the SDK packages some file imports:
    /// an SDK's receivers all trace back to an import of one of its packages. Wrappers
    /// name no package and are always in.
    pub fn reachable(&self, imported_packages: u64) -> u64 {
        let packageless =
            sdk_set((0..self.sdks.len()).filter(|&sdk| self.sdks[sdk].packages.is_empty()));
        (imported_packages | packageless) & self.all()
    }
}

fn words_by_sdk<'a>(lists: impl Iterator<Item = &'a Vec<String>>) -> Vec<(String, Vec<usize>)> {
    let mut words: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (index, list) in lists.enumerate() {
        for word in list {
            words.entry(word.clone()).or_default().push(index);
        }
    }
    words.into_iter().collect()
}

/// The spellings a code key can have relative to the service key.
pub const CASES: &[&str] = &["camel", "pascal", "snake", "kebab", "screaming_snake"];
