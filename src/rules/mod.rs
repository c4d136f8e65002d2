//! The rules: references held against the flag service's flags, giving `Finding`s.
//!
//! One file per rule, listed in [`RULES`] (the order of `--explain` and the docs). Each
//! rule reads the shared [`Context`] (references matched to flags once) and pushes
//! findings; exemptions that apply to every rule (severity `off`, the ignore list,
//! inline `flaglint-ignore` comments, the baseline) are applied afterwards by the caller.

pub mod archived_flag;
pub mod dynamic_reference;
pub mod permanent_flag;
pub mod stale_flag;
pub mod undefined_flag;
pub mod unused_flag;

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

pub use crate::finding::{Finding, Location, Severity};
use crate::flag::{Flag, FlagSet};
use crate::reference::Reference;

/// A rule: its check and its documentation, written once for `--explain`, the README and
/// SARIF.
pub struct Rule {
    pub id: &'static str,
    pub default_severity: Severity,
    /// Reads the shared context and pushes this rule's findings.
    pub check: fn(&Context, &mut Vec<Finding>),
    /// One line: what the rule reports.
    pub summary: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

impl Rule {
    pub fn explain(&self) -> String {
        format!(
            "# {} ({})\n\n{}\n\n## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n{}\n\n## How to fix\n{}\n",
            self.id,
            self.default_severity,
            self.summary,
            self.what,
            self.why,
            self.example,
            self.fix
        )
    }

    /// The rule's section of the README, where [`docs_markdown`] puts a heading named
    /// after the rule (GitHub's anchor for it is the id itself).
    pub fn help_uri(&self) -> String {
        format!("{README_URL}#{}", self.id)
    }
}

/// Where the rule docs are published: the repository's README.
pub const README_URL: &str = "https://github.com/flaglint/flaglint";

/// Marks the generated rule docs in README.md.
pub const DOCS_START: &str = "<!-- rules: generated from src/rules/ by `FLAGLINT_BLESS=1 cargo test readme_rule_docs`; do not edit -->";
pub const DOCS_END: &str = "<!-- rules: end -->";

/// The README's rule docs, from each rule's own doc text (as ruff generates its rule pages):
/// a table of every rule, then a section per rule headed by its id.
pub fn docs_markdown() -> String {
    let mut out = String::from("| rule | reports | default |\n|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            rule.summary,
            rule.default_severity,
            id = rule.id
        ));
    }
    for rule in RULES {
        out.push_str(&format!(
            "\n#### {}\n\n{} Default severity: {}.\n\n**What it does.** {}\n\n**Why is this bad?** {}\n\n**Example**\n\n{}\n\n**How to fix.** {}\n",
            rule.id, rule.summary, rule.default_severity, rule.what, rule.why, rule.example, rule.fix
        ));
    }
    out
}

pub const RULES: &[&Rule] = &[
    &stale_flag::RULE,
    &permanent_flag::RULE,
    &undefined_flag::RULE,
    &archived_flag::RULE,
    &unused_flag::RULE,
    &dynamic_reference::RULE,
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// What the rules need besides references and flags.
#[derive(Debug, Clone)]
pub struct Settings {
    pub now: Timestamp,
    pub stale_after_days: u32,
    /// Tags (case-insensitive) that exempt a flag from stale-flag and permanent-flag.
    pub exempt_tags: Vec<String>,
    /// The provider's name, for messages: "flagsmith".
    pub service: String,
}

pub const DEFAULT_STALE_AFTER_DAYS: u32 = 30;

impl Settings {
    /// `[rules]` from flaglint.toml, else the service's own threshold, else the defaults.
    pub fn from_config(
        config: &crate::config::Config,
        flags: &FlagSet,
        now: Timestamp,
    ) -> Settings {
        Settings {
            now,
            stale_after_days: config
                .rules
                .stale_after_days
                .or(flags.stale_after_days)
                .unwrap_or(DEFAULT_STALE_AFTER_DAYS),
            exempt_tags: config
                .rules
                .exempt_tags
                .clone()
                .unwrap_or_else(|| DEFAULT_EXEMPT_TAGS.iter().map(|t| t.to_string()).collect()),
            service: flags.provider.clone(),
        }
    }
}
pub const DEFAULT_EXEMPT_TAGS: [&str; 2] = ["permanent", "kill-switch"];

/// References matched to flags, computed once for all rules.
pub struct Context<'a> {
    pub references: &'a [Reference],
    pub flags: &'a FlagSet,
    pub settings: &'a Settings,
    /// For each reference with a key: the flag it reads, if the service has it.
    matched: Vec<Option<&'a Flag>>,
}

impl<'a> Context<'a> {
    pub fn new(references: &'a [Reference], flags: &'a FlagSet, settings: &'a Settings) -> Self {
        let by_key: BTreeMap<&str, &Flag> =
            flags.flags.iter().map(|f| (f.key.as_str(), f)).collect();
        // A reference spelled in another case (LaunchDarkly React's camelCase) matches the
        // service key that turns into its spelling: service keys are transformed forward.
        let mut by_case: BTreeMap<(&str, String), &Flag> = BTreeMap::new();
        let cases: BTreeSet<&str> = references
            .iter()
            .filter_map(|r| r.case.as_deref())
            .collect();
        for case in cases {
            for flag in &flags.flags {
                by_case.insert((case, transform_case(&flag.key, case)), flag);
            }
        }
        let matched = references
            .iter()
            .map(|r| {
                let key = r.key.as_deref()?;
                match r.case.as_deref() {
                    Some(case) => by_case.get(&(case, key.to_string())).copied(),
                    None => by_key.get(key).copied(),
                }
            })
            .collect();
        Context {
            references,
            flags,
            settings,
            matched,
        }
    }

    /// Each reference with a key, and the flag it reads (None: unknown to the service).
    pub fn keyed(&self) -> impl Iterator<Item = (&'a Reference, Option<&'a Flag>)> + '_ {
        self.references
            .iter()
            .zip(&self.matched)
            .filter(|(r, _)| r.key.is_some())
            .map(|(r, f)| (r, *f))
    }

    /// Reads of live, non-exempt flags that serve one result everywhere: what stale-flag
    /// and permanent-flag judge, by age.
    pub fn uniform_reads(&self) -> impl Iterator<Item = (&'a Reference, &'a Flag, Uniform)> + '_ {
        self.keyed().filter_map(|(reference, flag)| {
            let flag = flag.filter(|f| !f.archived && !self.is_exempt(f))?;
            let uniform = uniform(flag, &self.flags.environments)?;
            Some((reference, flag, uniform))
        })
    }

    /// Keys of the flags some reference reads.
    pub fn referenced_flags(&self) -> BTreeSet<&'a str> {
        self.matched
            .iter()
            .flatten()
            .map(|f| f.key.as_str())
            .collect()
    }

    pub fn environments(&self) -> usize {
        self.flags.environments.len()
    }

    /// A flag carrying an exempting tag, or one the service says lives forever.
    pub fn is_exempt(&self, flag: &Flag) -> bool {
        flag.permanent
            || flag.tags.iter().any(|tag| {
                self.settings
                    .exempt_tags
                    .iter()
                    .any(|exempt| exempt.eq_ignore_ascii_case(tag))
            })
    }

    /// The service's own verdict, shown beside flaglint's.
    pub fn service_note(&self, flag: &Flag) -> String {
        if flag.service_stale {
            format!("; {} marks it stale too", self.settings.service)
        } else {
            String::new()
        }
    }
}

/// What a flag serves everywhere, when it serves one result in every checked environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Uniform {
    pub enabled: bool,
    pub value: Option<serde_json::Value>,
    pub environments: usize,
    /// The latest change in any environment (the flag's creation when no change is known).
    pub since: Option<Timestamp>,
}

/// Some(...) when every checked environment gives everyone the same result.
pub fn uniform(flag: &Flag, environments: &[String]) -> Option<Uniform> {
    let states: Vec<_> = environments
        .iter()
        .map(|env| flag.environments.get(env))
        .collect::<Option<Vec<_>>>()?;
    let first = states.first()?;
    let same = states
        .iter()
        .all(|s| s.serves_one_result() && s.enabled == first.enabled && s.value == first.value);
    if !same {
        return None;
    }
    let since = states
        .iter()
        .filter_map(|s| s.last_changed)
        .max()
        .or(flag.created);
    Some(Uniform {
        enabled: first.enabled,
        value: first.value.clone(),
        environments: states.len(),
        since,
    })
}

/// Whole days from `since` to `now`.
pub fn days_between(since: Timestamp, now: Timestamp) -> i64 {
    (now.as_second() - since.as_second()).div_euclid(86_400)
}

pub fn date(timestamp: Timestamp) -> String {
    timestamp.strftime("%Y-%m-%d").to_string()
}

/// "on in all 3 environments" / "off in both environments" / "on in the only environment",
/// with the value when there is one.
pub fn describe(uniform: &Uniform) -> String {
    let state = if uniform.enabled { "on" } else { "off" };
    let places = match uniform.environments {
        1 => "in the only environment".to_string(),
        2 => "in both environments".to_string(),
        n => format!("in all {n} environments"),
    };
    match &uniform.value {
        Some(value) if !value.is_null() => format!("{state} {places}, value {value}"),
        _ => format!("{state} {places}"),
    }
}

/// A service key as code spells it in `case`: `my-flag_v2` is `myFlagV2` in camel.
pub fn transform_case(key: &str, case: &str) -> String {
    let words: Vec<String> = split_words(key);
    match case {
        "camel" => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.to_lowercase()
                } else {
                    capitalize(w)
                }
            })
            .collect(),
        "pascal" => words.iter().map(|w| capitalize(w)).collect(),
        "snake" => words
            .iter()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join("_"),
        "kebab" => words
            .iter()
            .map(|w| w.to_lowercase())
            .collect::<Vec<_>>()
            .join("-"),
        "screaming_snake" => words
            .iter()
            .map(|w| w.to_uppercase())
            .collect::<Vec<_>>()
            .join("_"),
        _ => key.to_string(),
    }
}

/// Words of a key: split at `-`, `_`, `.`, spaces and lower-to-upper case changes.
fn split_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if matches!(c, '-' | '_' | '.' | ' ') {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(|c| c.to_lowercase()))
            .collect(),
        None => String::new(),
    }
}

/// Runs every rule in [`RULES`]. Findings come out sorted.
pub fn check(context: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        (rule.check)(context, &mut findings);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::flag::EnvState;
    use crate::reference::{Dynamic, RefKind};

    pub fn now() -> Timestamp {
        crate::flag::parse_time("2026-11-25").unwrap()
    }

    pub fn settings() -> Settings {
        Settings {
            now: now(),
            stale_after_days: 30,
            exempt_tags: vec!["permanent".into(), "kill-switch".into()],
            service: "flagsmith".into(),
        }
    }

    pub fn reference(key: &str, line: usize) -> Reference {
        Reference {
            file: "src/app.ts".into(),
            line,
            column: 5,
            key: Some(key.into()),
            dynamic: None,
            sdk: "flagsmith".into(),
            kind: RefKind::Call,
            case: None,
            span: key.len() + 2,
            shape: "flagsmith.hasFeature()".into(),
            via: Vec::new(),
        }
    }

    pub fn dynamic(expression: &str, prefix: Option<&str>, line: usize) -> Reference {
        Reference {
            key: None,
            dynamic: Some(Dynamic {
                expression: expression.into(),
                prefix: prefix.map(String::from),
            }),
            ..reference("", line)
        }
    }

    pub fn state(enabled: bool, changed: &str) -> EnvState {
        EnvState {
            enabled,
            last_changed: crate::flag::parse_time(changed),
            ..EnvState::default()
        }
    }

    pub fn flag(key: &str, states: &[(&str, EnvState)]) -> Flag {
        Flag {
            key: key.into(),
            environments: states
                .iter()
                .map(|(n, s)| (n.to_string(), s.clone()))
                .collect(),
            ..Flag::default()
        }
    }

    pub fn flag_set(flags: Vec<Flag>) -> FlagSet {
        FlagSet {
            provider: "flagsmith".into(),
            environments: vec!["development".into(), "production".into()],
            flags,
            ..FlagSet::default()
        }
    }

    /// The findings of one rule, as lines for a snapshot.
    pub fn run(rule: &str, references: &[Reference], flags: &FlagSet) -> Vec<String> {
        let settings = settings();
        let context = Context::new(references, flags, &settings);
        check(&context)
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| {
                let at = f
                    .location
                    .map(|l| format!("{}:{}", l.file, l.line))
                    .unwrap_or_else(|| "-".into());
                format!(
                    "{} {} {} | {} | {}",
                    f.severity,
                    f.flag.unwrap_or_default(),
                    at,
                    f.message,
                    f.help
                )
            })
            .collect()
    }

    #[test]
    fn every_rule_is_documented() {
        let mut ids = BTreeSet::new();
        for rule in RULES {
            assert!(ids.insert(rule.id), "duplicate {}", rule.id);
            assert!(
                rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
            for text in [rule.summary, rule.what, rule.why, rule.example, rule.fix] {
                assert!(
                    !text.trim().is_empty(),
                    "{} has an empty doc section",
                    rule.id
                );
            }
        }
    }

    /// README.md carries the rule docs [`docs_markdown`] generates, between the markers.
    /// `FLAGLINT_BLESS=1` writes them there.
    #[test]
    fn readme_rule_docs_are_generated_from_the_rules() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let start = readme
            .find(DOCS_START)
            .expect("README.md lacks the rule docs' start marker");
        let end = readme
            .find(DOCS_END)
            .expect("README.md lacks the rule docs' end marker");
        let current = &readme[start + DOCS_START.len()..end];
        let expected = format!("\n{}", docs_markdown());
        if current != expected && std::env::var_os("FLAGLINT_BLESS").is_some() {
            let updated = format!(
                "{}{expected}{}",
                &readme[..start + DOCS_START.len()],
                &readme[end..]
            );
            std::fs::write(&path, updated).unwrap();
            return;
        }
        assert!(
            current == expected,
            "README.md's rule docs differ from the rules' own docs: run `FLAGLINT_BLESS=1 cargo test readme_rule_docs`"
        );
    }

    /// Every rule's help URI (in SARIF results and Markdown comments) names a heading the
    /// README has, by GitHub's anchor rules (lowercase; punctuation but `-` and `_` dropped;
    /// spaces to `-`).
    #[test]
    fn every_help_uri_resolves_to_a_readme_heading() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )
        .unwrap();
        let anchors: BTreeSet<String> = readme
            .lines()
            .filter(|line| line.starts_with('#'))
            .map(|line| {
                line.trim_start_matches('#')
                    .trim()
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect()
            })
            .collect();
        for rule in RULES {
            let uri = rule.help_uri();
            let (page, anchor) = uri.split_once('#').unwrap();
            assert_eq!(page, README_URL);
            assert!(
                anchors.contains(anchor),
                "{uri}: README.md has no heading #{anchor}"
            );
        }
    }

    #[test]
    fn case_transforms() {
        assert_eq!(transform_case("my-flag_v2", "camel"), "myFlagV2");
        assert_eq!(transform_case("new-navigation", "pascal"), "NewNavigation");
        assert_eq!(transform_case("newNav", "snake"), "new_nav");
        assert_eq!(transform_case("new_nav", "kebab"), "new-nav");
        assert_eq!(transform_case("new-nav", "screaming_snake"), "NEW_NAV");
    }

    #[test]
    fn camel_cased_reference_matches_the_service_key() {
        let mut r = reference("myFlagV2", 1);
        r.case = Some("camel".into());
        let flags = flag_set(vec![flag(
            "my-flag_v2",
            &[
                ("development", state(true, "2026-01-01")),
                ("production", state(true, "2026-01-01")),
            ],
        )]);
        let settings = settings();
        let context = Context::new(std::slice::from_ref(&r), &flags, &settings);
        let matched: Vec<_> = context
            .keyed()
            .map(|(_, f)| f.map(|f| f.key.clone()))
            .collect();
        assert_eq!(matched, vec![Some("my-flag_v2".to_string())]);
    }

    #[test]
    fn uniform_needs_every_environment_to_agree() {
        let envs = vec!["development".to_string(), "production".to_string()];
        let on = flag(
            "a",
            &[
                ("development", state(true, "2026-01-01")),
                ("production", state(true, "2026-02-01")),
            ],
        );
        let u = uniform(&on, &envs).unwrap();
        assert!(u.enabled);
        assert_eq!(date(u.since.unwrap()), "2026-02-01");
        let mixed = flag(
            "b",
            &[
                ("development", state(true, "2026-01-01")),
                ("production", state(false, "2026-01-01")),
            ],
        );
        assert!(uniform(&mixed, &envs).is_none());
        let mut split = on.clone();
        split.environments.get_mut("production").unwrap().split = true;
        assert!(uniform(&split, &envs).is_none());
        let missing = flag("c", &[("development", state(true, "2026-01-01"))]);
        assert!(uniform(&missing, &envs).is_none());
    }
}
