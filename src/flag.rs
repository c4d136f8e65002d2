//! The flag service's side of the cross-check: `Flag` and its per-environment `EnvState`.
//!
//! Every provider (Flagsmith, a local flags file, a `flaglint pull` snapshot) produces a
//! `FlagSet`; the rules never see a service-specific shape. A `FlagSet` serializes to the
//! documented snapshot format, so `pull` writes exactly what `check --offline` reads.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Everything one flag project holds, as one provider read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagSet {
    /// Which service this came from: "flagsmith", "file", ...
    #[serde(default)]
    pub provider: String,
    /// The project's name in the service.
    #[serde(default)]
    pub project: Option<String>,
    /// The environments checked, in the service's order.
    #[serde(default)]
    pub environments: Vec<String>,
    /// The service's own staleness threshold (Flagsmith `stale_flags_limit_days`),
    /// the default for `stale_after_days` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after_days: Option<u32>,
    /// When the provider read the service; a snapshot's age is measured from this.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_time"
    )]
    pub fetched_at: Option<Timestamp>,
    #[serde(default)]
    pub flags: Vec<Flag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    /// The key code uses to read the flag (Flagsmith: the feature name).
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_time"
    )]
    pub created: Option<Timestamp>,
    #[serde(default)]
    pub archived: bool,
    /// Tag labels, as the service names them.
    #[serde(default)]
    pub tags: Vec<String>,
    /// People or teams responsible, for reports.
    #[serde(default)]
    pub owners: Vec<String>,
    /// The service's flag type (Flagsmith STANDARD / MULTIVARIATE, Unleash release / kill-switch ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The service says this flag is meant to live forever (a tag with `is_permanent`,
    /// an Unleash kill-switch, a LaunchDarkly non-temporary flag).
    #[serde(default)]
    pub permanent: bool,
    /// The service's own verdict that the flag is stale (Flagsmith's system STALE tag,
    /// Unleash's stale mark), shown beside flaglint's.
    #[serde(default)]
    pub service_stale: bool,
    /// State per environment name, for the environments checked.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvState>,
}

/// A flag's state in one environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvState {
    pub enabled: bool,
    /// The value served to everyone without an override (remote config), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    #[serde(default)]
    pub segment_overrides: u32,
    #[serde(default)]
    pub identity_overrides: u32,
    /// More than one variant is served by percentage (a multivariate split or gradual rollout).
    #[serde(default)]
    pub split: bool,
    /// The most reliable "last changed" time the service offers for this environment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_time"
    )]
    pub last_changed: Option<Timestamp>,
}

impl EnvState {
    /// Everyone in this environment gets the same result.
    pub fn serves_one_result(&self) -> bool {
        self.segment_overrides == 0 && self.identity_overrides == 0 && !self.split
    }
}

/// A time as a hand-written flags file has it: a full RFC 3339 timestamp, or a date
/// (`2026-08-14`, taken as midnight UTC).
pub fn parse_time(text: &str) -> Option<Timestamp> {
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Some(timestamp);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

fn lenient_time<'de, D>(deserializer: D) -> Result<Option<Timestamp>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let text: Option<String> = Option::deserialize(deserializer)?;
    match text {
        None => Ok(None),
        Some(text) => parse_time(&text).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid time {text:?}: write a date (2026-08-14) or an RFC 3339 timestamp"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_dates_or_timestamps_in_both_offsets() {
        let date = parse_time("2026-08-14").unwrap();
        assert_eq!(date.to_string(), "2026-08-14T00:00:00Z");
        let z = parse_time("2026-11-24T22:52:01.444886Z").unwrap();
        let offset = parse_time("2026-11-24T22:52:01.444886+00:00").unwrap();
        assert_eq!(z, offset);
        assert!(parse_time("yesterday").is_none());
    }
}
