//! Exemptions: the findings a team has chosen not to see, for every rule alike.
//!
//! They are applied after the rules ran: severity `off` in `[rules] severity`, the
//! `[rules] ignore` list of flag-key globs, `// flaglint-ignore [rule ...]` on or above
//! the line, and a baseline file of accepted findings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::finding::{Finding, Severity, Suppressed};
use crate::lines::SourceLines;
use crate::rules;

/// Per-rule severity from `[rules] severity`; `None` turns a rule off.
pub fn severities(config: &Config) -> Result<BTreeMap<&'static str, Option<Severity>>> {
    let mut map = BTreeMap::new();
    for (id, value) in &config.rules.severity {
        let Some(rule) = rules::rule(id) else {
            let known: Vec<_> = rules::RULES.iter().map(|r| r.id).collect();
            return Err(config
                .error_at(
                    value.span(),
                    format!(
                        "unknown rule {id:?} in [rules] severity; rules: {}",
                        known.join(", ")
                    ),
                )
                .into());
        };
        let severity = match value.get_ref().as_str() {
            "off" => None,
            other => Some(Severity::parse(other).ok_or_else(|| {
                config.error_at(
                    value.span(),
                    format!("invalid severity {other:?} for {id}: use error, warning, info or off"),
                )
            })?),
        };
        map.insert(rule.id, severity);
    }
    Ok(map)
}

pub fn ignore_globs(patterns: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(
            Glob::new(pattern)
                .with_context(|| format!("invalid pattern {pattern:?} in [rules] ignore"))?,
        );
    }
    Ok(builder.build()?)
}

/// Applies every exemption; the findings keep their order.
pub fn apply(
    findings: Vec<Finding>,
    severities: &BTreeMap<&'static str, Option<Severity>>,
    ignore: &GlobSet,
    mut lines: SourceLines,
    baseline: Option<&Baseline>,
) -> (Vec<Finding>, Suppressed) {
    let mut suppressed = Suppressed::default();
    let mut kept = Vec::with_capacity(findings.len());
    for mut finding in findings {
        match severities.get(finding.rule) {
            Some(None) => {
                suppressed.disabled_rules += 1;
                continue;
            }
            // Only findings at their rule's default take the configured severity:
            // a "possibly used" unused-flag stays info.
            Some(Some(severity))
                if rules::rule(finding.rule)
                    .is_some_and(|r| r.default_severity == finding.severity) =>
            {
                finding.severity = *severity;
            }
            _ => {}
        }
        if finding.flag.as_deref().is_some_and(|f| ignore.is_match(f)) {
            suppressed.ignored_flags += 1;
            continue;
        }
        if let Some(location) = &finding.location {
            if ignored_inline(&mut lines, &location.file, location.line, finding.rule) {
                suppressed.inline += 1;
                continue;
            }
        }
        if baseline.is_some_and(|b| b.contains(&finding)) {
            suppressed.baseline += 1;
            continue;
        }
        kept.push(finding);
    }
    (kept, suppressed)
}

/// `// flaglint-ignore` (every rule) or `// flaglint-ignore stale-flag, unused-flag`
/// on the finding's line or the line above.
fn ignored_inline(lines: &mut SourceLines, file: &str, line: usize, rule: &str) -> bool {
    [line, line.saturating_sub(1)]
        .into_iter()
        .filter(|l| *l > 0)
        .any(|l| {
            lines
                .line(file, l)
                .is_some_and(|text| ignore_comment_covers(text, rule))
        })
}

fn ignore_comment_covers(line: &str, rule: &str) -> bool {
    let Some(at) = line.find("flaglint-ignore") else {
        return false;
    };
    let before = &line[..at];
    if !(before.contains("//") || before.contains("/*")) {
        return false;
    }
    let rest = line[at + "flaglint-ignore".len()..]
        .split("*/")
        .next()
        .unwrap_or("");
    // `-- reason` ends the rule list, as in eslint directives.
    let rules_part = rest.split("--").next().unwrap_or("");
    let listed: Vec<&str> = rules_part
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    listed.is_empty() || listed.contains(&rule)
}

/// Findings accepted as they are, so that only new ones fail the build.
/// Entries are (rule, flag, file): a finding moved by an edit stays accepted.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: BTreeSet<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub rule: String,
    pub flag: Option<String>,
    pub file: Option<String>,
}

impl BaselineEntry {
    fn of(finding: &Finding) -> BaselineEntry {
        BaselineEntry {
            rule: finding.rule.to_string(),
            flag: finding.flag.clone(),
            file: finding.location.as_ref().map(|l| l.file.clone()),
        }
    }
}

impl Baseline {
    pub fn of(findings: &[Finding]) -> Baseline {
        Baseline {
            version: 1,
            findings: findings.iter().map(BaselineEntry::of).collect(),
        }
    }

    pub fn contains(&self, finding: &Finding) -> bool {
        self.findings.contains(&BaselineEntry::of(finding))
    }

    pub fn read(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|err| {
            anyhow::anyhow!("{}:{}:{}: {err}", path.display(), err.line(), err.column())
        })?;
        if baseline.version != 1 {
            bail!(
                "{}: baseline version {} is not supported (expected 1)",
                path.display(),
                baseline.version
            );
        }
        Ok(baseline)
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self)?;
        json.push(b'\n');
        crate::atomic::write(path, &json)
            .with_context(|| format!("cannot write the baseline {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_ignore_comments() {
        assert!(ignore_comment_covers("  // flaglint-ignore", "stale-flag"));
        assert!(ignore_comment_covers(
            "x(); // flaglint-ignore stale-flag",
            "stale-flag"
        ));
        assert!(ignore_comment_covers(
            "/* flaglint-ignore undefined-flag, stale-flag */",
            "stale-flag"
        ));
        assert!(ignore_comment_covers(
            "// flaglint-ignore stale-flag -- kill switch",
            "stale-flag"
        ));
        assert!(!ignore_comment_covers(
            "// flaglint-ignore undefined-flag",
            "stale-flag"
        ));
        assert!(!ignore_comment_covers(
            "const s = 'flaglint-ignore';",
            "stale-flag"
        ));
    }
}
