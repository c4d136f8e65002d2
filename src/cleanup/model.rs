//! The report's content, independent of its format: one [`FlagRow`] per flag of the
//! service, one [`UndefinedRow`] per key the code reads that the service does not know,
//! each with a [`Status`] and an [`Action`], sorted so that the cheapest wins come first.
//!
//! Verdicts come from the rules `check` runs (the same findings, so the report and the CI
//! lint never disagree); the report only groups them per flag and adds what a person
//! needs to act: owner, age, state per environment, places in the code.

use std::collections::BTreeMap;

use globset::GlobSet;
use jiff::Timestamp;

use crate::flag::{EnvState, Flag};
use crate::reference::Reference;
use crate::rules::{self, days_between, Context, Finding};

/// Places listed in the flags table before "and N more".
pub const TABLE_PLACES: usize = 3;
/// Places listed per flag in the per-status sections before "and N more".
pub const SECTION_PLACES: usize = 10;

/// What flaglint concluded about one flag, from the rules' findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// `archived-flag`: archived in the service, still read by the code.
    ArchivedReferenced,
    /// `unused-flag` (warning): defined, not archived, read nowhere.
    Unused,
    /// Archived and read nowhere: only the service entry is left.
    ArchivedUnreferenced,
    /// `stale-flag`: one result everywhere for longer than `stale_after_days`.
    Stale,
    /// `unused-flag` (info): not read by name, but a dynamic key's prefix matches.
    PossiblyUsed,
    /// `permanent-flag`: one result everywhere, changed less than `stale_after_days` ago.
    Settled,
    /// Serves different results (per environment, split, overrides): doing its job.
    Live,
    /// Created less than `stale_after_days` ago and nothing else to say.
    New,
    /// Exempt from staleness: an exempt tag, a service-side permanent type, `[rules] ignore`.
    Exempt,
}

impl Verdict {
    /// flaglint's name for the verdict (the rule id where there is one).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::ArchivedReferenced => "archived-flag",
            Verdict::Unused => "unused-flag",
            Verdict::ArchivedUnreferenced => "archived",
            Verdict::Stale => "stale-flag",
            Verdict::PossiblyUsed => "possibly used",
            Verdict::Settled => "permanent-flag",
            Verdict::Live => "live",
            Verdict::New => "new",
            Verdict::Exempt => "exempt",
        }
    }

    /// The flag's lifecycle status; see [`Status`] for the mapping.
    pub fn status(self) -> Status {
        match self {
            Verdict::ArchivedReferenced | Verdict::Unused | Verdict::ArchivedUnreferenced => {
                Status::ToRemove
            }
            Verdict::Stale => Status::Stale,
            Verdict::PossiblyUsed | Verdict::Settled => Status::NeedsMonitoring,
            Verdict::Live => Status::Live,
            Verdict::New => Status::New,
            Verdict::Exempt => Status::Permanent,
        }
    }

    pub fn action(self) -> Action {
        match self {
            Verdict::ArchivedReferenced | Verdict::Stale => Action::RemoveFromCode,
            Verdict::Unused | Verdict::ArchivedUnreferenced => Action::DeleteInService,
            Verdict::PossiblyUsed => Action::Investigate,
            Verdict::Settled | Verdict::Live | Verdict::New | Verdict::Exempt => Action::Keep,
        }
    }

    /// Cheapest wins first: a few references to delete or one click in the service, then
    /// stale flags (sorted by reference count), then what needs a look, then what stays.
    fn rank(self) -> u8 {
        match self {
            Verdict::ArchivedReferenced => 0,
            Verdict::Unused => 1,
            Verdict::ArchivedUnreferenced => 2,
            Verdict::Stale => 3,
            Verdict::PossiblyUsed => 4,
            Verdict::Settled => 5,
            Verdict::Live => 6,
            Verdict::New => 7,
            Verdict::Exempt => 8,
        }
    }
}

/// A flag's status, named after Flagsmith's lifecycle stages so that Flagsmith users read
/// the report in their own words (the names read as plain English for other services).
///
/// Mapping from flaglint's verdicts (rule ids where there is one) to status and action:
///
/// | flaglint verdict | status | action |
/// | --- | --- | --- |
/// | `archived-flag` (archived, still read) | to remove | remove from code |
/// | `unused-flag` (defined, read nowhere) | to remove | delete in the service |
/// | archived and read nowhere | to remove | delete in the service |
/// | `stale-flag` (one result everywhere, unchanged for `stale_after_days`) | stale | remove from code |
/// | `unused-flag`, possibly used (a dynamic key's prefix matches) | needs monitoring | investigate |
/// | `permanent-flag` (one result everywhere, changed recently) | needs monitoring | keep |
/// | exempt (exempt tag, service-side permanent, `[rules] ignore`) | permanent | keep |
/// | created less than `stale_after_days` ago, unused or serving different results | new | keep |
/// | serving different results (per environment, split, overrides) | live | keep |
/// | `undefined-flag` (read by the code, unknown to the service) | undefined | investigate |
///
/// "undefined" is not a Flagsmith stage: such a key has no flag in the service at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    ToRemove,
    Stale,
    NeedsMonitoring,
    Live,
    New,
    Permanent,
    Undefined,
}

impl Status {
    /// Every status, in the order of the totals and the sections.
    pub const ALL: [Status; 7] = [
        Status::ToRemove,
        Status::Stale,
        Status::NeedsMonitoring,
        Status::Live,
        Status::New,
        Status::Permanent,
        Status::Undefined,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::ToRemove => "to remove",
            Status::Stale => "stale",
            Status::NeedsMonitoring => "needs monitoring",
            Status::Live => "live",
            Status::New => "new",
            Status::Permanent => "permanent",
            Status::Undefined => "undefined",
        }
    }

    /// The name as a heading or label starts it.
    pub fn title(self) -> &'static str {
        match self {
            Status::ToRemove => "To remove",
            Status::Stale => "Stale",
            Status::NeedsMonitoring => "Needs monitoring",
            Status::Live => "Live",
            Status::New => "New",
            Status::Permanent => "Permanent",
            Status::Undefined => "Undefined",
        }
    }

    /// For anchors and CSS classes.
    pub fn slug(self) -> &'static str {
        match self {
            Status::ToRemove => "to-remove",
            Status::Stale => "stale",
            Status::NeedsMonitoring => "needs-monitoring",
            Status::Live => "live",
            Status::New => "new",
            Status::Permanent => "permanent",
            Status::Undefined => "undefined",
        }
    }

    /// One sentence for the section heading.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::ToRemove => {
                "Archived flags the code still reads, and flags no code reads: remove a few references, or delete the flag in the service."
            }
            Status::Stale => {
                "One result in every environment for longer than the stale threshold: remove the flag from the code (keep the branch it serves), then delete it in the service."
            }
            Status::NeedsMonitoring => {
                "Just rolled out everywhere, or possibly read through a dynamic key: look again soon."
            }
            Status::Live => "Serving different results: the flag is doing its job.",
            Status::New => "Created recently.",
            Status::Permanent => "Meant to stay: kill switches and other long-lived flags.",
            Status::Undefined => {
                "Keys the code reads that the service does not define: the code only ever sees the default."
            }
        }
    }
}

/// What to do about a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    RemoveFromCode,
    DeleteInService,
    Investigate,
    Keep,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::RemoveFromCode => "remove from code",
            Action::DeleteInService => "delete in the service",
            Action::Investigate => "investigate",
            Action::Keep => "keep",
        }
    }
}

/// Who last touched a line, from `git blame`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blame {
    pub author: String,
    /// YYYY-MM-DD, the author date.
    pub date: String,
}

/// A line in the code that reads a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub blame: Option<Blame>,
}

impl Place {
    pub fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone)]
pub struct FlagRow {
    pub key: String,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub created: Option<Timestamp>,
    /// The latest change in any checked environment.
    pub last_change: Option<Timestamp>,
    /// Days since `created`.
    pub age_days: Option<i64>,
    /// One entry per environment of the report, in its order.
    pub states: Vec<String>,
    /// How many references read the flag (places lists distinct lines).
    pub references: usize,
    pub places: Vec<Place>,
    /// The key as the code spells it (the service key, or its case transform).
    pub spellings: Vec<String>,
    pub verdict: Verdict,
    /// Why, in one line.
    pub reason: String,
    /// How, from the rule's help line when a rule fired.
    pub help: Option<String>,
    /// First commit date whose added lines hold the key (git only).
    pub first_seen: Option<String>,
}

impl FlagRow {
    pub fn status(&self) -> Status {
        self.verdict.status()
    }

    pub fn action(&self) -> Action {
        self.verdict.action()
    }

    /// The reason as a sentence: capitalised, with a full stop.
    pub fn sentence(&self) -> String {
        let mut chars = self.reason.chars();
        let mut out: String = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        if !out.ends_with(['.', '?', '!']) {
            out.push('.');
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct UndefinedRow {
    pub key: String,
    pub references: usize,
    pub places: Vec<Place>,
    /// A service key close enough to be the intended one.
    pub suggestion: Option<String>,
    pub first_seen: Option<String>,
}

impl UndefinedRow {
    pub fn reason(&self) -> String {
        match &self.suggestion {
            Some(key) => format!("not defined in the service; did you mean `{key}`?"),
            None => "not defined in the service: a typo, or a flag deleted there".to_string(),
        }
    }
}

/// A reference whose key could not be resolved.
#[derive(Debug, Clone)]
pub struct DynamicRow {
    pub place: Place,
    pub expression: String,
}

/// Everything the Markdown and HTML reports show.
#[derive(Debug, Clone)]
pub struct Report {
    pub now: Timestamp,
    pub service: String,
    pub project: Option<String>,
    pub environments: Vec<String>,
    /// Where the flags came from: "file demo/flags.toml", "live", "snapshot ...".
    pub flag_source: String,
    /// Where the references came from: "scan of demo (6 files)", "3 refs documents: ...".
    pub code_source: String,
    pub stale_after_days: u32,
    pub flags: Vec<FlagRow>,
    pub undefined: Vec<UndefinedRow>,
    pub dynamic: Vec<DynamicRow>,
    /// Git was used for blame and first-seen dates.
    pub git: bool,
    /// Things the reader should know: git skipped, partial scan, ...
    pub notes: Vec<String>,
}

/// Age buckets of the histogram, in days since creation: [from, to).
pub const AGE_BUCKETS: [(&str, i64, i64); 5] = [
    ("< 30 days", 0, 30),
    ("30–90 days", 30, 90),
    ("90–180 days", 90, 180),
    ("180–365 days", 180, 365),
    ("> 1 year", 365, i64::MAX),
];

impl Report {
    pub fn title(&self) -> String {
        match &self.project {
            Some(project) => format!("Feature flag report: {project}"),
            None => "Feature flag report".to_string(),
        }
    }

    /// Flags (and undefined keys) per status, every status listed.
    pub fn totals(&self) -> Vec<(Status, usize)> {
        Status::ALL
            .iter()
            .map(|&status| {
                let n = if status == Status::Undefined {
                    self.undefined.len()
                } else {
                    self.flags.iter().filter(|f| f.status() == status).count()
                };
                (status, n)
            })
            .collect()
    }

    /// Per status, the actions and how many flags each: "2 delete in the service, 1 remove from code".
    pub fn actions_of(&self, status: Status) -> String {
        if status == Status::Undefined {
            return if self.undefined.is_empty() {
                String::new()
            } else {
                format!("{} {}", self.undefined.len(), Action::Investigate.name())
            };
        }
        let mut counts: BTreeMap<Action, usize> = BTreeMap::new();
        for flag in self.flags.iter().filter(|f| f.status() == status) {
            *counts.entry(flag.action()).or_default() += 1;
        }
        counts
            .iter()
            .map(|(action, n)| format!("{n} {}", action.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Flags per age bucket, plus those without a creation date.
    pub fn age_histogram(&self) -> (Vec<(&'static str, usize)>, usize) {
        let buckets = AGE_BUCKETS
            .iter()
            .map(|(label, from, to)| {
                let n = self
                    .flags
                    .iter()
                    .filter(|f| {
                        f.age_days
                            .is_some_and(|d| d.max(0) >= *from && d.max(0) < *to)
                    })
                    .count();
                (*label, n)
            })
            .collect();
        let unknown = self.flags.iter().filter(|f| f.age_days.is_none()).count();
        (buckets, unknown)
    }
}

/// What `build` needs besides the rule context.
pub struct Meta {
    pub flag_source: String,
    pub code_source: String,
    /// The folder the references' paths are relative to; the report shows paths from the
    /// working directory, as every output does.
    pub code_root: std::path::PathBuf,
}

/// Groups the rules' findings per flag and builds the sorted report.
pub fn build(context: &Context, findings: &[Finding], ignore: &GlobSet, meta: Meta) -> Report {
    let settings = context.settings;
    let now = settings.now;
    let environments = &context.flags.environments;
    let service = settings.service.as_str();

    let mut by_flag: BTreeMap<&str, Vec<&Reference>> = BTreeMap::new();
    let mut undefined: BTreeMap<&str, Vec<&Reference>> = BTreeMap::new();
    for (reference, flag) in context.keyed() {
        match flag {
            Some(flag) => by_flag.entry(&flag.key).or_default().push(reference),
            None => {
                if let Some(key) = reference.key.as_deref() {
                    undefined.entry(key).or_default().push(reference);
                }
            }
        }
    }
    let mut rules_of: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        if let Some(flag) = finding.flag.as_deref() {
            rules_of.entry(flag).or_default().push(finding);
        }
    }

    let mut flags: Vec<FlagRow> = context
        .flags
        .flags
        .iter()
        .map(|flag| {
            let references = by_flag
                .get(flag.key.as_str())
                .map_or(&[][..], Vec::as_slice);
            let fired = rules_of
                .get(flag.key.as_str())
                .map_or(&[][..], Vec::as_slice);
            let age_days = flag.created.map(|c| days_between(c, now));
            let (verdict, reason, help) = judge(
                context,
                &meta.code_root,
                flag,
                references.len(),
                fired,
                age_days,
                ignore.is_match(&flag.key),
            );
            let mut reason = reason;
            if flag.service_stale && !flag.archived {
                reason.push_str(&format!("; {service} marks it stale"));
            }
            FlagRow {
                key: flag.key.clone(),
                owners: flag.owners.clone(),
                tags: flag.tags.clone(),
                created: flag.created,
                last_change: flag
                    .environments
                    .values()
                    .filter_map(|s| s.last_changed)
                    .max(),
                age_days,
                states: environments
                    .iter()
                    .map(|env| flag.environments.get(env).map_or("—".to_string(), state))
                    .collect(),
                references: references.len(),
                places: places(references),
                spellings: spellings(references),
                verdict,
                reason,
                help,
                first_seen: None,
            }
        })
        .collect();
    flags.sort_by(|a, b| {
        (
            a.verdict.rank(),
            a.references,
            std::cmp::Reverse(a.age_days),
            &a.key,
        )
            .cmp(&(
                b.verdict.rank(),
                b.references,
                std::cmp::Reverse(b.age_days),
                &b.key,
            ))
    });

    let undefined: Vec<UndefinedRow> = undefined
        .into_iter()
        .map(|(key, references)| UndefinedRow {
            key: key.to_string(),
            references: references.len(),
            places: places(&references),
            suggestion: suggestion(key, context),
            first_seen: None,
        })
        .collect();
    // An unread flag and a misspelt key that looks like it: say so on the flag too.
    for flag in flags.iter_mut().filter(|f| f.references == 0) {
        let misspelt: Vec<String> = undefined
            .iter()
            .filter(|u| u.suggestion.as_deref() == Some(flag.key.as_str()))
            .map(|u| format!("`{}`", u.key))
            .collect();
        if !misspelt.is_empty() {
            flag.reason.push_str(&format!(
                "; the code reads {}, perhaps meaning this flag",
                misspelt.join(", ")
            ));
        }
    }
    let dynamic = context
        .references
        .iter()
        .filter_map(|r| {
            Some(DynamicRow {
                place: Place {
                    file: r.file.clone(),
                    line: r.line,
                    blame: None,
                },
                expression: r.dynamic.as_ref()?.expression.clone(),
            })
        })
        .collect();

    Report {
        now,
        service: settings.service.clone(),
        project: context.flags.project.clone(),
        environments: environments.clone(),
        flag_source: meta.flag_source,
        code_source: meta.code_source,
        stale_after_days: settings.stale_after_days,
        flags,
        undefined,
        dynamic,
        git: false,
        notes: Vec::new(),
    }
}

/// The verdict for one flag, why, and the rule's help line.
fn judge(
    context: &Context,
    code_root: &std::path::Path,
    flag: &Flag,
    references: usize,
    fired: &[&Finding],
    age_days: Option<i64>,
    ignored: bool,
) -> (Verdict, String, Option<String>) {
    let settings = context.settings;
    let service = settings.service.as_str();
    let threshold = i64::from(settings.stale_after_days);
    let finding = |rule: &str| fired.iter().find(|f| f.rule == rule).copied();
    let help = |rule: &str| finding(rule).map(|f| f.help.clone());
    let reads = crate::reporters::plural(references, "place");
    let new = age_days.is_some_and(|d| d < threshold);

    if flag.archived {
        return if references > 0 {
            (
                Verdict::ArchivedReferenced,
                format!(
                    "archived in {service}, still read by {}: the code only sees the default",
                    crate::reporters::plural(references, "reference")
                ),
                help("archived-flag"),
            )
        } else {
            (
                Verdict::ArchivedUnreferenced,
                format!("archived in {service}, and no scanned code reads it"),
                Some(format!(
                    "delete `{}` in {service} once its history is no longer needed",
                    flag.key
                )),
            )
        };
    }
    if references == 0 {
        if let Some(possible) = fired
            .iter()
            .find(|f| f.rule == "unused-flag" && f.location.is_some())
        {
            let at = possible
                .location
                .as_ref()
                .map(|l| {
                    format!(
                        " (`{}:{}`)",
                        crate::paths::from_cwd(code_root, &l.file),
                        l.line
                    )
                })
                .unwrap_or_default();
            let prefix = context
                .references
                .iter()
                .find(|r| {
                    possible
                        .location
                        .as_ref()
                        .is_some_and(|l| l.file == r.file && l.line == r.line)
                })
                .and_then(|r| r.dynamic.as_ref()?.prefix.clone())
                .unwrap_or_default();
            return (
                Verdict::PossiblyUsed,
                format!("no code reads it by name, but a dynamic key starts with `{prefix}`{at}"),
                Some(possible.help.clone()),
            );
        }
        if new {
            return (
                Verdict::New,
                format!(
                    "created {} ago, no scanned code reads it yet",
                    days(age_days.unwrap_or(0))
                ),
                None,
            );
        }
        return (
            Verdict::Unused,
            format!("defined in {service}, but no scanned code reads it"),
            help("unused-flag"),
        );
    }
    if ignored {
        return (
            Verdict::Exempt,
            "matches `[rules] ignore` in flaglint.toml".to_string(),
            None,
        );
    }
    if context.is_exempt(flag) {
        let tags: Vec<&str> = flag
            .tags
            .iter()
            .filter(|t| {
                settings
                    .exempt_tags
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(t))
            })
            .map(String::as_str)
            .collect();
        let why = if tags.is_empty() {
            format!("{service} marks it permanent")
        } else {
            format!("tagged {}", tags.join(", "))
        };
        return (Verdict::Exempt, format!("{why}; read in {reads}"), None);
    }
    let uniform = rules::uniform(flag, &context.flags.environments);
    if finding("stale-flag").is_some() {
        let uniform = uniform.as_ref();
        let since = uniform.and_then(|u| u.since);
        let reason = match (uniform, since) {
            (Some(u), Some(since)) => format!(
                "{}, unchanged since {} ({})",
                rules::describe(u),
                rules::date(since),
                days(days_between(since, settings.now))
            ),
            _ => "serves one result everywhere".to_string(),
        };
        return (Verdict::Stale, reason, help("stale-flag"));
    }
    if finding("permanent-flag").is_some() {
        let reason = match &uniform {
            Some(u) => match u.since {
                Some(since) => format!(
                    "{} since {} ({}; stale after {threshold})",
                    rules::describe(u),
                    rules::date(since),
                    days(days_between(since, settings.now))
                ),
                None => format!("{}, for an unknown time", rules::describe(u)),
            },
            None => "serves one result everywhere".to_string(),
        };
        return (Verdict::Settled, reason, help("permanent-flag"));
    }
    let varies = varies(flag, &context.flags.environments);
    if new {
        return (
            Verdict::New,
            format!("created {} ago; {varies}", days(age_days.unwrap_or(0))),
            None,
        );
    }
    (Verdict::Live, varies, None)
}

/// Why a flag does not serve one result everywhere.
fn varies(flag: &Flag, environments: &[String]) -> String {
    let mut reasons = Vec::new();
    let missing: Vec<&str> = environments
        .iter()
        .filter(|e| !flag.environments.contains_key(*e))
        .map(String::as_str)
        .collect();
    let split: Vec<&str> = environments
        .iter()
        .filter(|e| flag.environments.get(*e).is_some_and(|s| s.split))
        .map(String::as_str)
        .collect();
    let overridden: Vec<&str> = environments
        .iter()
        .filter(|e| {
            flag.environments
                .get(*e)
                .is_some_and(|s| s.segment_overrides > 0 || s.identity_overrides > 0)
        })
        .map(String::as_str)
        .collect();
    if !split.is_empty() {
        reasons.push(format!("percentage split in {}", split.join(", ")));
    }
    if !overridden.is_empty() {
        reasons.push(format!("overrides in {}", overridden.join(", ")));
    }
    let states: Vec<_> = environments
        .iter()
        .filter_map(|e| flag.environments.get(e))
        .collect();
    if states
        .windows(2)
        .any(|w| w[0].enabled != w[1].enabled || w[0].value != w[1].value)
    {
        reasons.push("differs between environments".to_string());
    }
    if !missing.is_empty() {
        reasons.push(format!("no state in {}", missing.join(", ")));
    }
    if reasons.is_empty() {
        "serves different results".to_string()
    } else {
        reasons.join("; ")
    }
}

/// One environment's state, short: "on", "off", `on = "red", split`, "on, 2 segment overrides".
pub fn state(state: &EnvState) -> String {
    let mut parts = vec![if state.enabled { "on" } else { "off" }.to_string()];
    if let Some(value) = state.value.as_ref().filter(|v| !v.is_null()) {
        let mut text = value.to_string();
        if text.chars().count() > 40 {
            text = text.chars().take(39).collect::<String>() + "…";
        }
        parts[0] = format!("{} = {text}", parts[0]);
    }
    if state.split {
        parts.push("split".to_string());
    }
    if state.segment_overrides > 0 {
        parts.push(count(state.segment_overrides, "segment override"));
    }
    if state.identity_overrides > 0 {
        parts.push(count(state.identity_overrides, "identity override"));
    }
    parts.join(", ")
}

fn count(n: u32, word: &str) -> String {
    crate::reporters::plural(n as usize, word)
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// Distinct lines, in reference order (file, line).
fn places(references: &[&Reference]) -> Vec<Place> {
    let mut places: Vec<Place> = references
        .iter()
        .map(|r| Place {
            file: r.file.clone(),
            line: r.line,
            blame: None,
        })
        .collect();
    places.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    places.dedup_by(|a, b| a.file == b.file && a.line == b.line);
    places
}

fn spellings(references: &[&Reference]) -> Vec<String> {
    let mut keys: Vec<String> = references.iter().filter_map(|r| r.key.clone()).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The service key an undefined key most likely meant (the undefined-flag rule's threshold).
fn suggestion(key: &str, context: &Context) -> Option<String> {
    context
        .flags
        .flags
        .iter()
        .map(|f| (strsim::jaro_winkler(key, &f.key), &f.key))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tests::{flag, flag_set, reference, settings, state as env};

    #[test]
    fn a_status_title_is_its_name_capitalised() {
        for status in Status::ALL {
            let (first, rest) = status.name().split_at(1);
            assert_eq!(status.title(), format!("{}{rest}", first.to_uppercase()));
        }
    }

    fn verdicts(flags: Vec<Flag>, refs: &[Reference]) -> Vec<(String, &'static str, &'static str)> {
        let flags = flag_set(flags);
        let settings = settings();
        let context = Context::new(refs, &flags, &settings);
        let findings = rules::check(&context);
        let meta = Meta {
            flag_source: String::new(),
            code_source: String::new(),
            code_root: std::path::PathBuf::from("."),
        };
        build(&context, &findings, &GlobSet::empty(), meta)
            .flags
            .into_iter()
            .map(|f| {
                let (status, action) = (f.status().name(), f.action().name());
                (f.key, status, action)
            })
            .collect()
    }

    #[test]
    fn cheapest_wins_first() {
        let both = |on, date| {
            [
                ("development", env(on, date)),
                ("production", env(on, date)),
            ]
        };
        let mut archived = flag("archived", &[]);
        archived.archived = true;
        let mut unused = flag("unused", &both(true, "2026-01-01"));
        unused.created = crate::flag::parse_time("2026-01-01");
        let mut brand_new = flag("brand_new", &both(true, "2026-11-20"));
        brand_new.created = crate::flag::parse_time("2026-11-20");
        let mut switch = flag("switch", &both(true, "2025-01-01"));
        switch.tags = vec!["kill-switch".into()];
        let live = flag(
            "live",
            &[
                ("development", env(true, "2026-01-01")),
                ("production", env(false, "2026-01-01")),
            ],
        );
        let refs = vec![
            reference("archived", 1),
            reference("stale_many", 2),
            reference("stale_many", 3),
            reference("stale_one", 4),
            reference("settled", 5),
            reference("switch", 6),
            reference("live", 7),
            reference("brand_new", 8),
        ];
        let got = verdicts(
            vec![
                live,
                switch,
                flag("settled", &both(true, "2026-11-20")),
                flag("stale_many", &both(false, "2026-01-01")),
                flag("stale_one", &both(true, "2026-01-01")),
                unused,
                archived,
                brand_new,
            ],
            &refs,
        );
        let got: Vec<String> = got
            .iter()
            .map(|(k, s, a)| format!("{k}: {s}, {a}"))
            .collect();
        assert_eq!(
            got,
            vec![
                "archived: to remove, remove from code",
                "unused: to remove, delete in the service",
                "stale_one: stale, remove from code",
                "stale_many: stale, remove from code",
                // Same rank and reference count: the older first (no date last).
                "brand_new: needs monitoring, keep",
                "settled: needs monitoring, keep",
                "live: live, keep",
                "switch: permanent, keep",
            ]
        );
    }

    #[test]
    fn states_are_short() {
        let mut s = env(true, "2026-01-01");
        s.value = Some(serde_json::json!("red"));
        s.split = true;
        s.segment_overrides = 2;
        assert_eq!(state(&s), "on = \"red\", split, 2 segment overrides");
        assert_eq!(state(&env(false, "")), "off");
    }
}
