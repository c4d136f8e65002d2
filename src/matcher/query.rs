//! Query compilation: the SDKs' query files and the wrappers' generated queries, as one
//! tree-sitter query per grammar, with each pattern's meaning (SDK, kind, predicates)
//! read off its captures and predicates.

use tree_sitter::{Query, QueryPredicateArg};

use super::{CompiledQuery, PatternInfo, Predicate, QueryError, SdkSpec, CASES};
use crate::parse::Lang;
use crate::reference::RefKind;

pub fn grammar_name(lang: Lang) -> &'static str {
    match lang {
        Lang::JavaScript => "javascript",
        Lang::TypeScript => "typescript",
        Lang::Tsx => "tsx",
    }
}

/// Which of an SDK's patterns to compile.
pub(super) type Keep<'a> = dyn Fn(&SdkSpec, &str) -> bool + 'a;

pub(super) fn compile(
    sdks: &[SdkSpec],
    lang: Lang,
    keep: &Keep,
) -> Result<CompiledQuery, QueryError> {
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
            reference_capture(&query, pattern).ok_or_else(|| QueryError::MissingReference {
                file: file.clone(),
                pattern: pattern + 1,
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

/// The trigger words a pattern cannot match without, or `None` when it can match with
/// none of them (and must always be compiled).
///
/// A positive predicate that lists names (`#eq?`, `#any-of?`, `#sdk?`, `#sdk-from?`) is met
/// only where the text spells one of them; when each of its names is a trigger word, or
/// the start of one that goes on with punctuation (`variable` for `variable(`), a match
/// implies one of those words. A negated predicate names words that must be absent and
/// proves nothing.
pub(super) fn required_words<'s>(pattern: &str, spec: &'s SdkSpec) -> Option<Vec<&'s str>> {
    let exact = |name: &str| spec.triggers.iter().find(|t| *t == name);
    // `variable` in `#any-of? @_method "variable"` is spelled `variable(` where it is called.
    let called = |name: &str| {
        spec.triggers
            .iter()
            .find(|t| t.strip_prefix(name) == Some("("))
    };
    let positive: Vec<Vec<String>> = predicates(pattern)
        .into_iter()
        .filter(|(name, literals)| {
            matches!(name.as_str(), "eq?" | "any-of?" | "sdk?" | "sdk-from?")
                && !literals.is_empty()
        })
        .map(|(_, literals)| literals)
        .collect();
    let covered_by = |cover: &dyn Fn(&str) -> Option<&'s String>| {
        positive.iter().find_map(|literals| {
            literals
                .iter()
                .map(|l| cover(l).map(String::as_str))
                .collect::<Option<Vec<_>>>()
        })
    };
    covered_by(&exact).or_else(|| covered_by(&|name| exact(name).or_else(|| called(name))))
}

/// The SDK functions whose results a query reads from (`#sdk-from? @receiver "useFlags"`):
/// an app function that returns one of them stands for it.
pub(super) fn result_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = top_level_groups(source)
        .into_iter()
        .filter(|(_, is_pattern)| *is_pattern)
        .flat_map(|(group, _)| predicates(group))
        .filter(|(name, _)| name == "sdk-from?")
        .flat_map(|(_, literals)| literals)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Each predicate of query text: its name (`any-of?`) and its string arguments.
fn predicates(pattern: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let mut parts = query_parts(pattern).peekable();
    while let Some(part) = parts.next() {
        let QueryPart::Code(_, '(') = part else {
            continue;
        };
        if !matches!(parts.peek(), Some(QueryPart::Code(_, '#'))) {
            continue;
        }
        parts.next();
        let mut name = String::new();
        let mut literals = Vec::new();
        let mut in_name = true;
        for part in parts.by_ref() {
            match part {
                QueryPart::Code(_, ')') => break,
                QueryPart::Code(_, c) if in_name && !c.is_whitespace() => name.push(c),
                QueryPart::Code(..) => in_name = false,
                QueryPart::String(literal) => {
                    in_name = false;
                    literals.push(literal);
                }
            }
        }
        found.push((name, literals));
    }
    found
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
pub(super) fn top_level_groups(source: &str) -> Vec<(&str, bool)> {
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

/// The `@reference.<kind>` capture a pattern uses. Read from the compiled pattern, not its
/// text: a pattern's byte range runs on over the comments that introduce the next one.
fn reference_capture(query: &Query, pattern: usize) -> Option<(u32, RefKind)> {
    let quantifiers = query.capture_quantifiers(pattern);
    query
        .capture_names()
        .iter()
        .enumerate()
        .find_map(|(index, name)| {
            let kind = RefKind::from_name(name.strip_prefix("reference.")?)?;
            let used = quantifiers
                .get(index)
                .is_some_and(|q| *q != tree_sitter::CaptureQuantifier::Zero);
            used.then_some((index as u32, kind))
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
    use crate::matcher::Matcher;
    use crate::prefilter::WordSet;

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
        let spec = SdkSpec::parse(
            "x.scm",
            "; sdk: x\n; triggers: useFlags hasFeature variable( getValue\n",
        )
        .unwrap();
        let words = |p: &str| required_words(p, &spec);
        assert_eq!(
            words("((call_expression) @reference.call (#sdk? @r \"useFlags\" \"hasFeature\"))"),
            Some(vec!["useFlags", "hasFeature"])
        );
        // `other` is no trigger word: a match naming it needs none of them.
        assert_eq!(
            words("((call_expression) @reference.call (#sdk? @r \"useFlags\" \"other\"))"),
            None
        );
        // `variable` is the start of the trigger word `variable(`.
        assert_eq!(
            words("((call_expression) @reference.call (#any-of? @m \"variable\" \"getValue\"))"),
            Some(vec!["variable(", "getValue"])
        );
        // A predicate with words that are not triggers does not spoil one that has them.
        assert_eq!(
            words(
                "((call_expression) @reference.call (#eq? @p \"props\") (#sdk? @r \"useFlags\"))"
            ),
            Some(vec!["useFlags"])
        );
        assert_eq!(
            words("((call_expression) @reference.call (#sdk? @r))"),
            None
        );
        // Comments do not count, and a negated predicate proves nothing.
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
    fn comment_naming_a_capture_does_not_stand_in_for_it() {
        let spec = SdkSpec::parse(
            "bad.scm",
            "; sdk: bad\n(call_expression (arguments (string) @key))\n; the next one is a @reference.call\n((call_expression (arguments (string) @key)) @reference.call)\n",
        )
        .unwrap();
        let err = compile(&[spec], Lang::JavaScript, &|_, _| true)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("@reference") && err.contains("pattern 1"),
            "{err}"
        );
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
