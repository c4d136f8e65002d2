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

pub mod wrapper;

use tree_sitter::{Query, QueryPredicateArg};

use crate::parse::Lang;
use crate::prefilter::WordSet;
use crate::reference::RefKind;

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
            source: source.to_string(),
            wrapper: None,
        })
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

/// SDKs are tracked in a 64-bit set per file.
pub const MAX_SDKS: usize = 64;

/// The set of these SDKs (by index), one bit each.
pub fn sdk_set(sdks: impl IntoIterator<Item = usize>) -> u64 {
    sdks.into_iter().fold(0, |set, sdk| set | (1u64 << sdk))
}

pub fn in_set(set: u64, sdk: usize) -> bool {
    set & (1u64 << sdk) != 0
}

/// The spellings a code key can have relative to the service key.
pub const CASES: &[&str] = &["camel", "pascal", "snake", "kebab", "screaming_snake"];

pub fn grammar_name(lang: Lang) -> &'static str {
    match lang {
        Lang::JavaScript => "javascript",
        Lang::TypeScript => "typescript",
        Lang::Tsx => "tsx",
    }
}

/// Which of an SDK's patterns to compile.
type Keep<'a> = dyn Fn(&SdkSpec, &str) -> bool + 'a;

fn compile(sdks: &[SdkSpec], lang: Lang, keep: &Keep) -> Result<CompiledQuery, QueryError> {
    // One query for all SDKs, so each file is walked once; pattern offsets map back to SDKs.
    let mut source = String::new();
    let mut starts = Vec::new();
    for spec in sdks {
        starts.push(source.len());
        source.push_str(&patterns_for(spec, lang, keep));
        source.push('\n');
    }
    let query = Query::new(&lang.grammar(), &source).map_err(|err| {
        let sdk = starts
            .iter()
            .rposition(|start| *start <= err.offset)
            .unwrap_or(0);
        let line_base = source[..starts[sdk]].matches('\n').count();
        QueryError::Syntax {
            file: sdks.get(sdk).map(|s| s.file.clone()).unwrap_or_default(),
            grammar: grammar_name(lang),
            message: format!("line {}: {}", err.row + 1 - line_base, err.message),
        }
    })?;

    let names = query.capture_names();
    let mut key_capture = None;
    let mut receiver_capture = None;
    for (index, name) in names.iter().enumerate() {
        let index = index as u32;
        match *name {
            "key" => key_capture = Some(index),
            "receiver" => receiver_capture = Some(index),
            _ if name.starts_with('_') => {}
            _ if name
                .strip_prefix("reference.")
                .and_then(RefKind::from_name)
                .is_some() => {}
            _ => {
                return Err(QueryError::InvalidCapture {
                    file: sdk_file_for_capture(sdks, name),
                    name: name.to_string(),
                })
            }
        }
    }

    let mut patterns = Vec::with_capacity(query.pattern_count());
    for pattern in 0..query.pattern_count() {
        let offset = query.start_byte_for_pattern(pattern);
        let sdk = starts
            .iter()
            .rposition(|start| *start <= offset)
            .unwrap_or(0);
        let file = sdks.get(sdk).map(|s| s.file.clone()).unwrap_or_default();
        let (reference_capture, kind) =
            reference_capture(&query, pattern, &source).ok_or_else(|| {
                QueryError::MissingReference {
                    file: file.clone(),
                    pattern: pattern + 1,
                }
            })?;
        let predicates = query
            .general_predicates(pattern)
            .iter()
            .map(|p| parse_predicate(&p.operator, &p.args, &file))
            .collect::<Result<_, _>>()?;
        let mut case = None;
        for property in query.property_settings(pattern) {
            match (&*property.key, property.value.as_deref()) {
                ("case", Some(value)) if CASES.contains(&value) => case = Some(value.to_string()),
                _ => {
                    return Err(QueryError::InvalidPredicate {
                        file: file.clone(),
                        name: format!("set! {}", property.key),
                    })
                }
            }
        }
        patterns.push(PatternInfo {
            sdk,
            kind,
            reference_capture,
            predicates,
            fixed_key: None,
            case,
        });
    }
    Ok(CompiledQuery {
        query,
        patterns,
        key_capture,
        receiver_capture,
    })
}

/// The query text for one grammar: the TypeScript grammar has no JSX, so the top-level
/// patterns that name `jsx_` nodes are blanked out for it, and so are the patterns `keep`
/// rejects (lines kept, so errors keep their line numbers).
fn patterns_for(spec: &SdkSpec, lang: Lang, keep: &Keep) -> String {
    let mut out = String::with_capacity(spec.source.len());
    for (group, is_pattern) in top_level_groups(&spec.source) {
        let blank = is_pattern
            && ((lang == Lang::TypeScript && group.contains("jsx_")) || !keep(spec, group));
        if blank {
            out.extend(group.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        } else {
            out.push_str(group);
        }
    }
    out
}

/// The trigger words a pattern cannot match without: the SDK's trigger words among the
/// strings of its predicates. `None` when it names none, or has a negated predicate
/// (whose strings are words that must be absent).
fn required_words<'s>(pattern: &str, spec: &'s SdkSpec) -> Option<Vec<&'s str>> {
    if pattern.contains("#not-") {
        return None;
    }
    let words: Vec<&str> = query_parts(pattern)
        .filter_map(|part| match part {
            QueryPart::String(literal) => spec.triggers.iter().find(|t| **t == literal),
            QueryPart::Code(..) => None,
        })
        .map(String::as_str)
        .collect();
    (!words.is_empty()).then_some(words)
}

/// Query text as flaglint reads it: code characters (with their byte offsets) and
/// string literals (unescaped); `;` comments are left out.
enum QueryPart {
    Code(usize, char),
    String(String),
}

fn query_parts(source: &str) -> impl Iterator<Item = QueryPart> + '_ {
    let mut chars = source.char_indices();
    std::iter::from_fn(move || loop {
        let (at, c) = chars.next()?;
        match c {
            ';' => {
                let _ = chars.by_ref().find(|&(_, c)| c == '\n');
            }
            '"' => {
                let mut literal = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => literal.extend(chars.next().map(|(_, escaped)| escaped)),
                        '"' => break,
                        c => literal.push(c),
                    }
                }
                return Some(QueryPart::String(literal));
            }
            c => return Some(QueryPart::Code(at, c)),
        }
    })
}

/// Splits query text into top-level parenthesised patterns and what lies between them.
fn top_level_groups(source: &str) -> Vec<(&str, bool)> {
    let mut groups = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for part in query_parts(source) {
        let QueryPart::Code(i, c) = part else {
            continue;
        };
        match c {
            '(' | '[' => {
                if depth == 0 {
                    groups.push((&source[start..i], false));
                    start = i;
                }
                depth += 1;
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // A pattern's trailing captures and predicates belong to it.
                    let end = source[i + 1..]
                        .find('\n')
                        .map_or(source.len(), |n| i + 1 + n);
                    let tail = &source[i + 1..end];
                    if tail.trim_start().starts_with('@') || tail.trim().is_empty() {
                        groups.push((&source[start..end], true));
                        start = end;
                    }
                }
            }
            _ => {}
        }
    }
    groups.push((&source[start..], false));
    groups
}

fn sdk_file_for_capture(sdks: &[SdkSpec], name: &str) -> String {
    sdks.iter()
        .find(|s| s.source.contains(&format!("@{name}")))
        .map(|s| s.file.clone())
        .unwrap_or_default()
}

/// The `@reference.<kind>` capture a pattern ends with.
fn reference_capture(query: &Query, pattern: usize, source: &str) -> Option<(u32, RefKind)> {
    let start = query.start_byte_for_pattern(pattern);
    let end = query.end_byte_for_pattern(pattern);
    let text = source.get(start..end)?;
    let names = query.capture_names();
    names.iter().enumerate().find_map(|(index, name)| {
        let kind = RefKind::from_name(name.strip_prefix("reference.")?)?;
        text.contains(&format!("@{name}"))
            .then_some((index as u32, kind))
    })
}

fn parse_predicate(
    operator: &str,
    args: &[QueryPredicateArg],
    file: &str,
) -> Result<Predicate, QueryError> {
    let invalid = || QueryError::InvalidPredicate {
        file: file.into(),
        name: operator.trim_end_matches('?').to_string(),
    };
    let capture = |i: usize| match args.get(i) {
        Some(QueryPredicateArg::Capture(c)) => Ok(*c),
        _ => Err(invalid()),
    };
    let strings = |from: usize| {
        args.iter()
            .skip(from)
            .map(|a| match a {
                QueryPredicateArg::String(s) => Ok(s.to_string()),
                QueryPredicateArg::Capture(_) => Err(invalid()),
            })
            .collect::<Result<Vec<_>, _>>()
    };
    match operator {
        "sdk?" if !args.is_empty() => Ok(Predicate::Sdk {
            capture: capture(0)?,
            names: strings(1)?,
        }),
        "sdk-from?" if args.len() >= 2 => Ok(Predicate::SdkFrom {
            capture: capture(0)?,
            names: strings(1)?,
        }),
        "listed-in-origin-arg?" if args.len() == 2 => {
            let argument = strings(1)?
                .first()
                .and_then(|n| n.parse().ok())
                .ok_or_else(invalid)?;
            Ok(Predicate::ListedInOriginArg {
                key: capture(0)?,
                argument,
            })
        }
        "from-call?" if args.len() == 2 => Ok(Predicate::FromCall {
            capture: capture(0)?,
            callee: strings(1)?.remove(0),
        }),
        "imports?" if !args.is_empty() => Ok(Predicate::Imports { names: strings(0)? }),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_query_compiles_with_every_grammar() {
        let sdks = SdkSpec::builtin();
        assert!(!sdks.is_empty());
        for spec in &sdks {
            assert!(!spec.packages.is_empty(), "{} lists no packages", spec.file);
            assert!(!spec.triggers.is_empty(), "{} lists no triggers", spec.file);
            for lang in crate::parse::ALL {
                let compiled = compile(std::slice::from_ref(spec), lang, &|_, _| true)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(compiled.key_capture.is_some());
            }
        }
    }

    #[test]
    fn patterns_whose_words_occur_nowhere_are_not_compiled() {
        let matcher = Matcher::new(SdkSpec::builtin()).unwrap();
        let flagsmith = matcher
            .sdks
            .iter()
            .position(|s| s.name == "flagsmith")
            .unwrap();
        let triggers = matcher.triggers();
        let mut seen = WordSet::default();
        seen.insert(triggers.iter().position(|(w, _)| w == "useFlags").unwrap());
        let all = matcher.compile(1 << flagsmith, Lang::Tsx, None).unwrap();
        let some = matcher
            .compile(1 << flagsmith, Lang::Tsx, Some(&seen))
            .unwrap();
        assert!(some.query.pattern_count() < all.query.pattern_count());
        // Kept: the patterns that need `useFlags`, and those that name no trigger word.
        let spec = &matcher.sdks[flagsmith];
        let expected = top_level_groups(&spec.source)
            .into_iter()
            .filter(|(group, is_pattern)| {
                *is_pattern && required_words(group, spec).is_none_or(|w| w.contains(&"useFlags"))
            })
            .count();
        assert_eq!(some.query.pattern_count(), expected);
    }

    #[test]
    fn required_words_are_the_trigger_words_a_pattern_names() {
        let spec = SdkSpec::parse("x.scm", "; sdk: x\n; triggers: useFlags hasFeature\n").unwrap();
        let words = |p: &str| required_words(p, &spec);
        assert_eq!(
            words("((call_expression) @reference.call (#sdk? @r \"useFlags\" \"other\"))"),
            Some(vec!["useFlags"])
        );
        assert_eq!(
            words("((call_expression) @reference.call (#sdk? @r))"),
            None
        );
        // Comments do not count, and a negated predicate keeps the pattern.
        assert_eq!(
            words("(call_expression ; \"hasFeature\"\n) @reference.call"),
            None
        );
        assert_eq!(
            words("((call_expression) @reference.call (#not-eq? @r \"hasFeature\"))"),
            None
        );
    }

    #[test]
    fn unknown_capture_is_rejected_with_the_allowed_list() {
        let spec = SdkSpec::parse(
            "bad.scm",
            "; sdk: bad\n(call_expression function: (identifier) @callee) @reference.call\n",
        )
        .unwrap();
        let err = compile(&[spec], Lang::JavaScript, &|_, _| true)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("@callee") && err.contains("@key"), "{err}");
    }

    #[test]
    fn pattern_without_reference_capture_is_rejected() {
        let spec = SdkSpec::parse(
            "bad.scm",
            "; sdk: bad\n(call_expression (arguments (string) @key))\n",
        )
        .unwrap();
        let err = compile(&[spec], Lang::JavaScript, &|_, _| true)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("@reference"), "{err}");
    }

    #[test]
    fn unknown_predicate_is_rejected() {
        let spec = SdkSpec::parse(
            "bad.scm",
            "; sdk: bad\n((call_expression (arguments (string) @key)) @reference.call (#magic? @key))\n",
        )
        .unwrap();
        let err = compile(&[spec], Lang::JavaScript, &|_, _| true)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("magic"), "{err}");
    }
}
