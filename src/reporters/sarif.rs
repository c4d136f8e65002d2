//! `check --format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every rule in [`RULES`], errors first, then by id
//! (ruff's order), with the rule's docs as `help` (text and Markdown) and `helpUri`; a
//! result points into that list with `ruleIndex`. Checked by `.ci/validate-sarif.sh`
//! against the SARIF 2.1.0 schema and with the SARIF Multitool.
//!
//! ```json
//! {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
//!  "runs": [{
//!   "tool": {"driver": {"name": "flaglint", "version": "0.1.0", "informationUri": "...",
//!            "rules": [{"id": "archived-flag", "name": "ArchivedFlag",
//!                       "shortDescription": {"text": "..."}, "fullDescription": {"text": "..."},
//!                       "help": {"text": "...", "markdown": "..."}, "helpUri": "...",
//!                       "defaultConfiguration": {"level": "error"}}, ...]}},
//!   "invocations": [{"executionSuccessful": true}],
//!   "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///home/me/shop/"}},
//!   "columnKind": "unicodeCodePoints",
//!   "results": [{"ruleId": "stale-flag", "ruleIndex": 1, "level": "error",
//!                "message": {"text": "`new_checkout` is on in all 3 environments, ....\nHelp: remove the flag: ...."},
//!                "locations": [{"physicalLocation": {
//!                                 "artifactLocation": {"uri": "src/checkout.ts", "uriBaseId": "%SRCROOT%"},
//!                                 "region": {"startLine": 12, "startColumn": 28, "endColumn": 42,
//!                                            "snippet": {"text": "'new_checkout'"}},
//!                                 "contextRegion": {"startLine": 12, "snippet": {"text": "..."}}},
//!                               "logicalLocations": [{"name": "new_checkout", "kind": "flag"}]}],
//!                "partialFingerprints": {"flaglint/v1": "<sha-256 hex>"}}]}]}
//! ```
//!
//! - Paths are relative to `%SRCROOT%`, the working directory (the checkout in CI; see
//!   [`repo_path`](super::repo_path)), percent-encoded; a scan root outside it gives
//!   absolute `file:` URIs. Columns count Unicode code points (`columnKind`).
//! - A finding with no place in the code (an unused flag) is pinned to the flags source
//!   ([`flags_source`](super::flags_source)): the flag's line in the flags file, or line 1
//!   of `flaglint.toml`, because code scanning shows no result without a physical
//!   location. Its logical location (`kind` "flag") names the flag, as for every finding
//!   about a flag.
//! - `partialFingerprints["flaglint/v1"]` hashes the rule, the flag, the path and the
//!   trimmed text of the line (never the line number), so code scanning follows a finding
//!   when lines above it move; the n-th identical finding in a file mixes in n.
//! - Levels: error, warning, and `note` for info. Files that could not be read are
//!   `toolExecutionNotifications`, and make `executionSuccessful` false.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use reqwest::Url;
use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::lines::SourceLines;
use crate::rules::{Rule, RULES};

use super::{flags_source, repo_path, Fingerprints, Run};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/flaglint/flaglint";
/// The `partialFingerprints` key: bump the version when the hashed parts change.
pub const FINGERPRINT_KEY: &str = "flaglint/v1";
const SRCROOT: &str = "%SRCROOT%";

/// What depends on the build and the machine, passed in so tests can pin it.
pub struct Tool {
    pub version: String,
    /// `%SRCROOT%`: the working directory as a `file:` URI ending in `/`; None if unknown.
    pub root_uri: Option<String>,
    /// The working directory, to tell the paths under `%SRCROOT%` from those outside it.
    pub cwd: Option<PathBuf>,
}

impl Tool {
    pub fn current() -> Tool {
        let cwd = std::env::current_dir().ok();
        Tool {
            version: env!("CARGO_PKG_VERSION").to_string(),
            root_uri: cwd
                .as_ref()
                .and_then(|cwd| Url::from_directory_path(cwd).ok())
                .map(String::from),
            cwd,
        }
    }
}

pub fn report(out: &mut dyn Write, run: &Run) -> anyhow::Result<()> {
    write(out, run, &Tool::current())
}

pub fn write(out: &mut dyn Write, run: &Run, tool: &Tool) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(run, tool))?;
    writeln!(out)?;
    Ok(())
}

/// The rules in driver order: most severe first, then by id.
pub fn sorted_rules() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = RULES.to_vec();
    rules.sort_by_key(|rule| (Reverse(rule.default_severity), rule.id));
    rules
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    tool: ToolComponent,
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct ToolComponent {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(text: impl Into<String>) -> Text {
    Text { text: text.into() }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: [Location; 1],
}

#[derive(Serialize)]
struct BaseUri {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_region: Option<ContextRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    /// The region's text: the key as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContextRegion {
    start_line: usize,
    snippet: Text,
}

#[derive(Serialize)]
struct LogicalLocation {
    name: String,
    kind: &'static str,
}

fn log(run: &Run, tool: &Tool) -> Log {
    let rules = sorted_rules();
    let mut sources = SourceLines::reading(&run.root, &run.files);
    let mut fingerprints = Fingerprints::default();
    let results = run
        .findings
        .iter()
        .map(|finding| result(run, tool, finding, &rules, &mut sources, &mut fingerprints))
        .collect();
    let notifications = run
        .summary
        .unreadable
        .iter()
        .map(|file| Notification {
            level: "error",
            message: text("The file could not be read, so the answer is incomplete."),
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&repo_path(run, file), tool),
                    region: None,
                    context_region: None,
                },
                logical_locations: Vec::new(),
            }],
        })
        .collect();
    let base = BaseUri {
        uri: tool.root_uri.clone(),
        description: text(
            "The working directory flaglint ran in; paths in results are relative to it.",
        ),
    };
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: ToolComponent {
                driver: Driver {
                    name: "flaglint",
                    version: tool.version.clone(),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(|rule| descriptor(rule)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: run.summary.unreadable.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(SRCROOT, base)]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

fn descriptor(rule: &Rule) -> Descriptor {
    Descriptor {
        id: rule.id,
        name: pascal_case(rule.id),
        short_description: text(rule.summary),
        full_description: text(rule.what),
        help: Help {
            text: format!(
                "What it does: {}\n\nWhy is this bad? {}\n\nExample:\n{}\n\nHow to fix: {}",
                rule.what, rule.why, rule.example, rule.fix
            ),
            markdown: format!(
                "## What it does\n{}\n\n## Why is this bad?\n{}\n\n## Example\n{}\n\n## How to fix\n{}",
                rule.what, rule.why, rule.example, rule.fix
            ),
        },
        help_uri: rule.help_uri(),
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
        properties: DescriptorProperties {
            tags: ["feature-flags", "maintainability"],
        },
    }
}

/// `stale-flag` -> `StaleFlag`: SARIF's `name` is an identifier-like friendly name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(
    run: &Run,
    tool: &Tool,
    finding: &Finding,
    rules: &[&Rule],
    sources: &mut SourceLines,
    fingerprints: &mut Fingerprints,
) -> SarifResult {
    let flag = finding.flag.as_deref().unwrap_or("");
    let (physical, path, line_text) = match &finding.location {
        Some(location) => {
            let path = repo_path(run, &location.file);
            let line = location.line.max(1);
            let column = location.column.max(1);
            let source = sources
                .line(&location.file, location.line)
                .map(str::to_string);
            let end_column = (finding.span_len > 0).then_some(column + finding.span_len);
            // The key's text, when the line is there and long enough (columns count chars).
            let snippet = source.as_deref().zip(end_column).and_then(|(source, end)| {
                let key: String = source.chars().skip(column - 1).take(end - column).collect();
                (key.chars().count() == end - column).then(|| text(key))
            });
            let physical = PhysicalLocation {
                artifact_location: artifact(&path, tool),
                region: Some(Region {
                    start_line: line,
                    start_column: Some(column),
                    end_column,
                    snippet,
                }),
                context_region: source.as_ref().map(|source| ContextRegion {
                    start_line: line,
                    snippet: text(source.clone()),
                }),
            };
            (physical, path, source.unwrap_or_default())
        }
        None => {
            let (path, line) = flags_source(run, finding.flag.as_deref());
            let physical = PhysicalLocation {
                artifact_location: artifact(&path, tool),
                region: Some(Region {
                    start_line: line,
                    start_column: None,
                    end_column: None,
                    snippet: None,
                }),
                context_region: None,
            };
            (physical, path, String::new())
        }
    };
    let logical_locations = finding
        .flag
        .iter()
        .map(|flag| LogicalLocation {
            name: flag.clone(),
            kind: "flag",
        })
        .collect();
    let hash = fingerprints.next(&[finding.rule, flag, &path, line_text.trim()]);
    SarifResult {
        rule_id: finding.rule,
        rule_index: rules.iter().position(|rule| rule.id == finding.rule),
        level: level(finding.severity),
        message: text(format!(
            "{}\nHelp: {}",
            sentence(&finding.message),
            sentence(&finding.help)
        )),
        locations: [Location {
            physical_location: physical,
            logical_locations,
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, hash)]),
    }
}

/// An `artifactLocation`: a relative reference under `%SRCROOT%` (the working directory)
/// for a path inside it, else an absolute `file:` URI without a base. A relative reference
/// never climbs out of its base with `..`: SARIF consumers resolve such segments
/// differently, or refuse them (oasis-tcs/sarif-spec#461), and code scanning only shows
/// files of the checkout.
fn artifact(path: &str, tool: &Tool) -> ArtifactLocation {
    let as_path = Path::new(path);
    let climbs = as_path.components().any(|c| c == Component::ParentDir);
    if as_path.is_absolute() || climbs {
        let absolute = match &tool.cwd {
            Some(cwd) => crate::paths::lexical(&cwd.join(as_path)),
            None => as_path.to_path_buf(),
        };
        match tool
            .cwd
            .as_deref()
            .and_then(|cwd| absolute.strip_prefix(cwd).ok())
        {
            Some(inside) if !inside.as_os_str().is_empty() => {
                return ArtifactLocation {
                    uri: relative_uri(&crate::paths::slashes(inside)),
                    uri_base_id: Some(SRCROOT),
                }
            }
            _ => {
                if let Ok(url) = Url::from_file_path(&absolute) {
                    return ArtifactLocation {
                        uri: url.into(),
                        uri_base_id: None,
                    };
                }
            }
        }
    }
    ArtifactLocation {
        uri: relative_uri(path),
        uri_base_id: Some(SRCROOT),
    }
}

/// A relative path as a URI reference: each segment percent-encoded (space, `%`, `#`, `?`
/// and the rest), `.` and `..` kept, and `./` in front when the first segment has a `:`
/// (it would read as a scheme).
fn relative_uri(path: &str) -> String {
    let encoded: Vec<String> = path
        .split('/')
        .map(|segment| match segment {
            "." | ".." => segment.to_string(),
            _ => {
                let mut url = Url::parse("file:///").expect("a valid URL");
                url.path_segments_mut()
                    .expect("file URLs have a path")
                    .push(segment);
                url.path()[1..].to_string()
            }
        })
        .collect();
    let uri = encoded.join("/");
    if encoded.first().is_some_and(|first| first.contains(':')) {
        format!("./{uri}")
    } else {
        uri
    }
}

/// SARIF messages are sentences: end with a period unless there is already an end mark.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::reporters::tests::{empty_run, no_location_run, run_of, sample_run};

    fn tool() -> Tool {
        Tool {
            version: "[version]".into(),
            root_uri: Some("file:///[cwd]/".into()),
            cwd: Some(PathBuf::from("/home/me/shop")),
        }
    }

    /// Issue 14, item 7: `%SRCROOT%` holds the paths under the working directory only; a
    /// path outside it is an absolute `file:` URI, never `../` under the base.
    #[test]
    fn uri_base_ids_cover_only_paths_inside_the_working_directory() {
        let tool = tool();
        let location = |path: &str| {
            let a = artifact(path, &tool);
            (a.uri, a.uri_base_id)
        };
        assert_eq!(
            location("web/src/a.ts"),
            ("web/src/a.ts".into(), Some(SRCROOT))
        );
        assert_eq!(
            location("../api/src/b.ts"),
            ("file:///home/me/api/src/b.ts".into(), None)
        );
        assert_eq!(
            location("web/../web/src/a.ts"),
            ("web/src/a.ts".into(), Some(SRCROOT))
        );
        assert_eq!(
            location("/home/me/shop/src/a.ts"),
            ("src/a.ts".into(), Some(SRCROOT))
        );
        assert_eq!(
            location("/srv/flags.toml"),
            ("file:///srv/flags.toml".into(), None)
        );
    }

    fn render(run: &Run) -> String {
        let mut out = Vec::new();
        write(&mut out, run, &tool()).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(run: &Run) -> serde_json::Value {
        serde_json::from_str(&render(run)).unwrap()
    }

    #[test]
    fn output() {
        let run = sample_run();
        insta::assert_snapshot!(render(&run));
        let sarif = parse(&run);
        assert_eq!(sarif["version"], "2.1.0");
        let driver = &sarif["runs"][0]["tool"]["driver"];
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), run.findings.len());
        for (result, finding) in results.iter().zip(&run.findings) {
            assert_eq!(result["ruleId"], finding.rule);
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], finding.rule);
            assert_eq!(result["level"], level(finding.severity));
            let text = result["message"]["text"].as_str().unwrap();
            assert!(text.starts_with(&finding.message) && text.contains(&finding.help));
            let fingerprint = result["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .unwrap();
            assert_eq!(fingerprint.len(), 64);
            let physical = &result["locations"][0]["physicalLocation"];
            assert_eq!(physical["artifactLocation"]["uriBaseId"], SRCROOT);
            match &finding.location {
                Some(location) => {
                    assert_eq!(physical["region"]["startLine"], location.line);
                    assert_eq!(physical["region"]["startColumn"], location.column);
                }
                None => assert_eq!(physical["artifactLocation"]["uri"], "flags.toml"),
            }
        }
        let undefined = &results[2]["locations"][0];
        assert_eq!(
            undefined["physicalLocation"]["artifactLocation"]["uri"],
            "src/legacy%20pages/promo,v2.tsx"
        );
        assert_eq!(undefined["logicalLocations"][0]["name"], "promo|<v2>");
        assert_eq!(undefined["logicalLocations"][0]["kind"], "flag");
        assert_eq!(
            sarif["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }

    #[test]
    fn empty() {
        let run = empty_run();
        insta::assert_snapshot!(render(&run));
        let sarif = parse(&run);
        assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            sarif["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            RULES.len()
        );
    }

    #[test]
    fn no_location() {
        let run = no_location_run();
        insta::assert_snapshot!(render(&run));
        let result = &parse(&run)["runs"][0]["results"][0];
        let location = &result["locations"][0];
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uri"],
            "flags.toml"
        );
        assert_eq!(location["physicalLocation"]["region"]["startLine"], 1);
        assert_eq!(location["logicalLocations"][0]["name"], "beta_dashboard");
        assert_eq!(result["level"], "warning");
    }

    #[test]
    fn rules_are_sorted_by_severity_then_id() {
        let ids: Vec<_> = sorted_rules().iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "archived-flag",
                "stale-flag",
                "undefined-flag",
                "unused-flag",
                "dynamic-reference",
                "permanent-flag"
            ]
        );
    }

    #[test]
    fn unreadable_files_make_the_run_unsuccessful() {
        let mut run = empty_run();
        run.summary.unreadable = vec!["src/locked.ts".into()];
        let invocation = &parse(&run)["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notification = &invocation["toolExecutionNotifications"][0];
        assert_eq!(notification["level"], "error");
        assert_eq!(
            notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "src/locked.ts"
        );
    }

    #[test]
    fn relative_uris_are_encoded() {
        assert_eq!(relative_uri("src/a b/c#d?.ts"), "src/a%20b/c%23d%3F.ts");
        assert_eq!(relative_uri("src/100%.ts"), "src/100%25.ts");
        assert_eq!(relative_uri("../web/a.ts"), "../web/a.ts");
        assert_eq!(relative_uri("a:b/c.ts"), "./a:b/c.ts");
        assert_eq!(relative_uri("src/ünï.ts"), "src/%C3%BCn%C3%AF.ts");
    }

    /// The fingerprint follows the line's text, not its number: a finding that moves down
    /// keeps it; a finding on another line gets another.
    #[test]
    fn fingerprint_follows_the_line_across_commits() {
        let dir = tempfile::tempdir().unwrap();
        let fingerprint_of = |source: &str, line: usize| -> serde_json::Value {
            std::fs::write(dir.path().join("a.ts"), source).unwrap();
            let text = source.lines().nth(line - 1).unwrap();
            let mut run = run_of(vec![crate::finding::Finding {
                location: Some(Location {
                    file: "a.ts".into(),
                    line,
                    column: text.find("'new_checkout'").unwrap() + 1,
                }),
                ..sample_run().findings[1].clone()
            }]);
            run.root = dir.path().to_owned();
            let sarif = parse(&run);
            let result = &sarif["runs"][0]["results"][0];
            let physical = &result["locations"][0]["physicalLocation"];
            assert_eq!(physical["contextRegion"]["snippet"]["text"], text);
            assert_eq!(physical["region"]["snippet"]["text"], "'new_checkout'");
            result["partialFingerprints"][FINGERPRINT_KEY].clone()
        };
        let read = "if (flagsmith.hasFeature('new_checkout')) {";
        let before = fingerprint_of(&format!("{read}\n"), 1);
        let moved = fingerprint_of(&format!("import x from 'y';\n\n  {read}\n"), 3);
        let other = fingerprint_of(
            &format!("{read}\nflagsmith.hasFeature('new_checkout');\n"),
            2,
        );
        assert_eq!(before, moved);
        assert_ne!(before, other);
    }
}
