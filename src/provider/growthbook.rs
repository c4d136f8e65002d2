//! The GrowthBook provider: reads the features of an organisation (or of one project)
//! through the REST API v1 into a [`FlagSet`].
//!
//! The shapes relied on are GrowthBook's own OpenAPI description and back-end code (cited in
//! `fixtures/growthbook-api/README.md`). The requests:
//!
//! | what | request |
//! |---|---|
//! | the project, when one is configured | `GET /api/v1/projects?limit=100&offset=..`, every page |
//! | environments | `GET /api/v1/environments` (those scoped to other projects are left out) |
//! | features, archived ones included | `GET /api/v1/features?limit=100&offset=..[&projectId=]`, every page (`hasMore`, `nextOffset`) |
//! | GrowthBook's own stale verdict and `neverStale` | `GET /api/v1/stale-features?ids=..`, 100 ids a call; skipped on servers without it (404) |
//!
//! What an environment serves is read from its `definition`, the JSON payload GrowthBook's
//! SDKs evaluate (disabled rules dropped, saved groups and schedules applied); archived
//! features have none, so their `rules` are read instead. "Last changed" is the feature's
//! `dateUpdated`: the v1 list has no per-environment change time.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::common::{
    find_project, keep_message, provider_options, same_total, select_environments, server_root,
    too_many_pages, ApiProject, MAX_PAGES,
};
use super::http::JsonClient;
use super::{FlagSource, ProviderError};
use crate::flag::{EnvState, Flag, FlagSet};

/// Where the caller reads the secret key from; named in authentication errors.
pub const TOKEN_VAR: &str = "GROWTHBOOK_API_KEY";
/// GrowthBook Cloud; a self-hosted instance is its API_HOST (`http://localhost:3100`).
pub const DEFAULT_BASE_URL: &str = "https://api.growthbook.io";

/// The server's maximum page size.
const PAGE_LIMIT: usize = 100;
/// Feature ids per stale-features call.
const STALE_BATCH: usize = 100;

/// What to read and how hard to try.
#[derive(Clone)]
pub struct GrowthBookOptions {
    /// The API host, default [`DEFAULT_BASE_URL`] (a trailing `/api` or `/api/v1` is accepted).
    pub base_url: String,
    /// A secret key or personal access token, from `GROWTHBOOK_API_KEY` (read by the caller).
    pub api_key: String,
    /// Project id or name; empty reads every feature of the organisation.
    pub project: String,
    /// Environment ids; empty means all that apply.
    pub environments: Vec<String>,
    /// First retry delay; doubles per retry (tests set it to milliseconds).
    pub retry_base: Duration,
    /// Per request, connecting and reading included.
    pub timeout: Duration,
    /// The whole read, every request and retry, from the first request on.
    pub deadline: Duration,
}

provider_options!(GrowthBookOptions {
    secret: api_key,
    base_url: DEFAULT_BASE_URL,
    project: "",
});

/// The GrowthBook flag source. The key lives only inside its HTTP client.
#[derive(Debug)]
pub struct GrowthBook {
    options: GrowthBookOptions,
    client: JsonClient,
}

impl GrowthBook {
    /// Validates the URL (https, or http to loopback) and the key; sends nothing yet.
    pub fn new(mut options: GrowthBookOptions) -> Result<Self, ProviderError> {
        let base = if options.base_url.trim().is_empty() {
            DEFAULT_BASE_URL.to_owned()
        } else {
            options.base_url.clone()
        };
        let client =
            options.client(&server_root(&base, &["api/v1", "api"]), "Bearer", TOKEN_VAR)?;
        Ok(GrowthBook { options, client })
    }

    fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        self.client.get(path, query).map_err(keep_message)
    }

    /// Every page of a `{<list>, hasMore, nextOffset, total}` list.
    fn pages<T: DeserializeOwned>(
        &self,
        path: &str,
        field: &str,
        filter: &[(&str, &str)],
    ) -> Result<Vec<T>, ProviderError> {
        let limit = PAGE_LIMIT.to_string();
        let mut all: Vec<T> = Vec::new();
        let mut offset = 0u64;
        let mut total: Option<u64> = None;
        for _ in 0..MAX_PAGES {
            let offset_text = offset.to_string();
            let mut query: Vec<(&str, &str)> = filter.to_vec();
            query.push(("limit", &limit));
            query.push(("offset", &offset_text));
            let endpoint = self.client.get_endpoint(path, &query)?;
            let mut page: Value = self.get(path, &query)?;
            let items =
                page.get_mut(field)
                    .map(Value::take)
                    .ok_or_else(|| ProviderError::Shape {
                        endpoint: endpoint.clone(),
                        path: "(top level)".to_owned(),
                        reason: format!("missing field `{field}`"),
                    })?;
            let items: Vec<T> =
                serde_json::from_value(items).map_err(|e| ProviderError::Shape {
                    endpoint: endpoint.clone(),
                    path: field.to_owned(),
                    reason: e.to_string(),
                })?;
            let meta: ApiPageFields =
                serde_json::from_value(page).map_err(|e| ProviderError::Shape {
                    endpoint: endpoint.clone(),
                    path: "(top level)".to_owned(),
                    reason: e.to_string(),
                })?;
            same_total(&mut total, meta.total, &endpoint)?;
            all.extend(items);
            if !meta.has_more {
                if let Some(total) = total.filter(|t| *t != all.len() as u64) {
                    return Err(ProviderError::Pagination {
                        endpoint,
                        reason: format!("{} read but `total` says {total}", all.len()),
                    });
                }
                return Ok(all);
            }
            match meta.next_offset {
                Some(next) if next > offset => offset = next,
                other => {
                    return Err(ProviderError::Pagination {
                        endpoint,
                        reason: format!("`hasMore` is true but `nextOffset` is {other:?}"),
                    })
                }
            }
        }
        Err(too_many_pages(format!("GET /{path}")))
    }

    fn project(&self) -> Result<Option<ApiProject>, ProviderError> {
        let wanted = self.options.project.trim();
        if wanted.is_empty() {
            return Ok(None);
        }
        let projects: Vec<ApiProject> = self.pages("api/v1/projects", "projects", &[])?;
        Ok(Some(find_project(&projects, wanted)?.clone()))
    }

    fn environments(&self, project: Option<&ApiProject>) -> Result<Vec<String>, ProviderError> {
        let list: ApiEnvironments = self.get("api/v1/environments", &[])?;
        let label = project.map_or_else(|| "(all projects)".to_owned(), |p| p.name.clone());
        let all: Vec<String> = list
            .environments
            .into_iter()
            .filter(|e| match project {
                Some(p) => e.projects.is_empty() || e.projects.contains(&p.id),
                None => true,
            })
            .map(|e| e.id)
            .collect();
        select_environments(
            &label,
            all,
            |all| all,
            &self.options.environments,
            TOKEN_VAR,
        )
    }

    /// GrowthBook's verdicts by feature id; empty when the server predates the endpoint.
    fn stale(&self, ids: &[&str]) -> Result<HashMap<String, ApiStale>, ProviderError> {
        let mut verdicts = HashMap::new();
        for batch in ids.chunks(STALE_BATCH) {
            let joined = batch.join(",");
            match self.get::<ApiStaleList>("api/v1/stale-features", &[("ids", &joined)]) {
                Ok(list) => verdicts.extend(list.features),
                Err(ProviderError::NotFound { .. }) if verdicts.is_empty() => {
                    return Ok(HashMap::new())
                }
                Err(e) => return Err(e),
            }
        }
        Ok(verdicts)
    }
}

impl FlagSource for GrowthBook {
    fn name(&self) -> &'static str {
        "growthbook"
    }

    fn fetch(&self) -> Result<FlagSet, ProviderError> {
        let fetched_at = Timestamp::now();
        let project = self.project()?;
        let environments = self.environments(project.as_ref())?;
        let filter: Vec<(&str, &str)> = match &project {
            Some(p) => vec![("projectId", p.id.as_str())],
            None => Vec::new(),
        };
        let features: Vec<ApiFeature> = self.pages("api/v1/features", "features", &filter)?;
        let mut ids = HashSet::new();
        if let Some(dup) = features.iter().find(|f| !ids.insert(f.id.as_str())) {
            return Err(ProviderError::Inconsistent {
                what: format!("feature {:?} was listed twice", dup.id),
            });
        }
        let ids: Vec<&str> = features.iter().map(|f| f.id.as_str()).collect();
        let verdicts = self.stale(&ids)?;

        let mut flags = Vec::with_capacity(features.len());
        for feature in &features {
            let verdict = verdicts.get(&feature.id);
            let mut flag = Flag {
                key: feature.id.clone(),
                description: feature.description.clone().filter(|d| !d.trim().is_empty()),
                created: feature.date_created,
                archived: feature.archived,
                tags: feature.tags.clone(),
                owners: feature
                    .owner_email
                    .clone()
                    .or_else(|| feature.owner.clone())
                    .filter(|o| !o.trim().is_empty())
                    .into_iter()
                    .collect(),
                kind: feature.value_type.clone(),
                permanent: verdict.is_some_and(|v| v.never_stale),
                service_stale: verdict.is_some_and(|v| v.is_stale),
                environments: BTreeMap::new(),
            };
            for env in &environments {
                let mut state = match feature.environments.get(env) {
                    Some(settings) => {
                        env_state(feature, settings).map_err(|reason| ProviderError::Shape {
                            endpoint: "GET /api/v1/features".to_owned(),
                            path: format!(
                                "features[{:?}].environments.{env}.definition",
                                feature.id
                            ),
                            reason,
                        })?
                    }
                    // Not configured there: the SDK payload lacks it, code gets its fallback.
                    None => EnvState::default(),
                };
                state.last_changed = feature.date_updated;
                flag.environments.insert(env.clone(), state);
            }
            flags.push(flag);
        }

        Ok(FlagSet {
            provider: "growthbook".to_owned(),
            project: project.map(|p| p.name),
            environments,
            stale_after_days: None,
            fetched_at: Some(fetched_at),
            flags,
        })
    }
}

/// A rule as far as "one result for everyone" is concerned.
#[derive(Debug, Clone, PartialEq)]
enum Rule {
    /// Serves `value` to everyone it reaches: all (`partial == false`) or a hashed share.
    Force {
        value: Value,
        targeted: bool,
        partial: bool,
    },
    /// Serves several values by hash (an experiment, a running safe rollout).
    Split { targeted: bool },
}

/// One environment as an [`EnvState`] (without `last_changed`).
///
/// Disabled, the feature is not in the SDK payload: everyone gets the code's fallback
/// (`enabled: false`, no value). Enabled, rules run in order: the first force rule with no
/// condition and full coverage serves everyone it reaches, so rules after it never matter;
/// rules before it (and, without one, all rules) that can serve another value are segment
/// overrides (a condition, saved group or prerequisite) or a split (partial coverage, an
/// experiment). Boolean features report the served value as `enabled`; others report the
/// environment toggle as `enabled` and the served value as `value`.
fn env_state(feature: &ApiFeature, env: &ApiFeatureEnv) -> Result<EnvState, String> {
    if !env.enabled {
        return Ok(EnvState::default());
    }
    let (default, rules) = match env.definition.as_deref() {
        Some(text) => definition_rules(text)?,
        None => (
            typed(
                &feature.value_type,
                env.default_value
                    .as_deref()
                    .or(feature.default_value.as_deref()),
            ),
            env.rules
                .iter()
                .filter_map(|r| v1_rule(r, &feature.value_type))
                .collect(),
        ),
    };
    let mut state = EnvState {
        enabled: true,
        ..EnvState::default()
    };
    let reach_all = rules.iter().position(|r| {
        matches!(
            r,
            Rule::Force {
                targeted: false,
                partial: false,
                ..
            }
        )
    });
    let served = match reach_all {
        Some(at) => match &rules[at] {
            Rule::Force { value, .. } => Some(value.clone()),
            Rule::Split { .. } => None,
        },
        None => default,
    };
    for rule in &rules[..reach_all.unwrap_or(rules.len())] {
        match rule {
            Rule::Force { value, .. } if Some(value) == served.as_ref() => {}
            Rule::Force { targeted: true, .. } | Rule::Split { targeted: true } => {
                state.segment_overrides += 1
            }
            Rule::Force { .. } | Rule::Split { .. } => state.split = true,
        }
    }
    state.segment_overrides += u32::try_from(feature.prerequisites.len()).unwrap_or(u32::MAX);
    if state.serves_one_result() {
        if feature.value_type.as_deref() == Some("boolean") {
            state.enabled = served == Some(Value::Bool(true));
        } else {
            state.value = served;
        }
    }
    Ok(state)
}

/// `definition`: `{"defaultValue": .., "rules": [{"condition", "force", "coverage",
/// "variations", "weights", "parentConditions", "range", "filters", ...}]}`, values as JSON.
fn definition_rules(text: &str) -> Result<(Option<Value>, Vec<Rule>), String> {
    let definition: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let default = definition.get("defaultValue").cloned();
    let mut rules = Vec::new();
    for rule in definition
        .get("rules")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let targeted = non_empty(rule.get("condition"))
            || non_empty(rule.get("parentConditions"))
            || non_empty(rule.get("savedGroups"));
        let coverage = rule.get("coverage").and_then(Value::as_f64).unwrap_or(1.0);
        if coverage <= 0.0 {
            continue;
        }
        let hashed = coverage < 1.0
            || rule.get("range").is_some()
            || non_empty(rule.get("ranges"))
            || non_empty(rule.get("filters"))
            || rule.get("namespace").is_some();
        if let Some(value) = rule.get("force") {
            rules.push(Rule::Force {
                value: value.clone(),
                targeted,
                partial: hashed,
            });
        } else if rule.get("variations").is_some() {
            let weighted = rule
                .get("weights")
                .and_then(Value::as_array)
                .map(|w| w.iter().filter(|x| x.as_f64().unwrap_or(0.0) > 0.0).count())
                .unwrap_or(2);
            if weighted > 0 {
                rules.push(Rule::Split { targeted });
            }
        }
    }
    Ok((default, rules))
}

/// A v1 `rules` entry (values as strings typed by the feature's `valueType`).
fn v1_rule(rule: &Value, value_type: &Option<String>) -> Option<Rule> {
    if rule.get("enabled").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    let targeted = non_empty_condition(rule.get("condition"))
        || non_empty(rule.get("savedGroupTargeting"))
        || non_empty(rule.get("prerequisites"));
    let coverage = rule.get("coverage").and_then(Value::as_f64).unwrap_or(1.0);
    let text = |key: &str| rule.get(key).and_then(Value::as_str);
    match rule.get("type").and_then(Value::as_str)? {
        "force" | "rollout" if coverage > 0.0 => Some(Rule::Force {
            value: typed(value_type, text("value"))?,
            targeted,
            partial: coverage < 1.0,
        }),
        "safe-rollout" => match text("status") {
            Some("released") => Some(Rule::Force {
                value: typed(value_type, text("variationValue"))?,
                targeted,
                partial: false,
            }),
            Some("rolled-back") => Some(Rule::Force {
                value: typed(value_type, text("controlValue"))?,
                targeted,
                partial: false,
            }),
            _ => Some(Rule::Split { targeted }),
        },
        "experiment" | "experiment-ref" => Some(Rule::Split { targeted }),
        _ => None,
    }
}

/// GrowthBook's string-encoded values as JSON, by `valueType`.
fn typed(value_type: &Option<String>, text: Option<&str>) -> Option<Value> {
    let text = text?;
    Some(match value_type.as_deref() {
        Some("boolean") => Value::Bool(text.trim() == "true"),
        Some("number") => serde_json::from_str::<Value>(text.trim())
            .ok()
            .filter(Value::is_number)
            .unwrap_or_else(|| Value::String(text.to_owned())),
        Some("json") => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        _ => Value::String(text.to_owned()),
    })
}

fn non_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
        Some(Value::String(text)) => !text.trim().is_empty(),
        Some(_) => true,
    }
}

/// v1 conditions are JSON in a string: `""` and `"{}"` target nobody in particular.
fn non_empty_condition(value: Option<&Value>) -> bool {
    match value.and_then(Value::as_str) {
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(parsed) => non_empty(Some(&parsed)),
            Err(_) => !text.trim().is_empty(),
        },
        None => non_empty(value),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiPageFields {
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_offset: Option<u64>,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct ApiEnvironments {
    environments: Vec<ApiEnvironment>,
}

#[derive(Debug, Deserialize)]
struct ApiEnvironment {
    id: String,
    /// Projects the environment is limited to; empty: all.
    #[serde(default)]
    projects: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiFeature {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    date_created: Option<Timestamp>,
    #[serde(default)]
    date_updated: Option<Timestamp>,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    owner_email: Option<String>,
    #[serde(default)]
    value_type: Option<String>,
    #[serde(default)]
    default_value: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    prerequisites: Vec<Value>,
    #[serde(default)]
    environments: BTreeMap<String, ApiFeatureEnv>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiFeatureEnv {
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    default_value: Option<String>,
    #[serde(default)]
    rules: Vec<Value>,
    /// The SDK payload of this environment, JSON in a string; absent when disabled or archived.
    #[serde(default)]
    definition: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiStaleList {
    features: HashMap<String, ApiStale>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiStale {
    #[serde(default)]
    is_stale: bool,
    #[serde(default)]
    never_stale: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(value_type: &str, env: Value) -> (ApiFeature, ApiFeatureEnv) {
        let f: ApiFeature = serde_json::from_value(json!({
            "id": "f", "valueType": value_type, "defaultValue": "false",
        }))
        .unwrap();
        (f, serde_json::from_value(env).unwrap())
    }

    fn state(value_type: &str, env: Value) -> EnvState {
        let (f, e) = feature(value_type, env);
        env_state(&f, &e).unwrap()
    }

    #[test]
    fn a_full_force_rule_decides_and_hides_the_rules_after_it() {
        let s = state(
            "boolean",
            json!({"enabled": true, "definition":
            r#"{"defaultValue":false,"rules":[{"force":true},{"condition":{"country":"NL"},"force":false}]}"#}),
        );
        assert!(s.serves_one_result() && s.enabled);
    }

    #[test]
    fn targeted_and_partial_rules_before_it_count_unless_they_serve_the_same() {
        let s = state(
            "boolean",
            json!({"enabled": true, "definition":
            r#"{"defaultValue":false,"rules":[{"condition":{"id":{"$in":["a"]}},"force":true},{"force":false,"coverage":0.5,"hashAttribute":"id"}]}"#}),
        );
        assert_eq!((s.segment_overrides, s.split), (1, false));
        assert!(s.enabled, "the toggle");
        let s = state(
            "boolean",
            json!({"enabled": true, "definition":
            r#"{"defaultValue":true,"rules":[{"force":true,"coverage":0.5}]}"#}),
        );
        assert!(s.serves_one_result() && s.enabled);
        let s = state(
            "boolean",
            json!({"enabled": true, "definition":
            r#"{"defaultValue":false,"rules":[{"force":true,"coverage":0.3}]}"#}),
        );
        assert!(s.split);
    }

    #[test]
    fn experiments_split_and_values_are_typed() {
        let s = state(
            "string",
            json!({"enabled": true, "definition":
            r#"{"defaultValue":"a","rules":[{"key":"exp","variations":["a","b"],"weights":[0.5,0.5],"coverage":1}]}"#}),
        );
        assert!(s.split);
        let s = state(
            "number",
            json!({"enabled": true, "defaultValue": "3000", "rules": []}),
        );
        assert_eq!(s.value, Some(json!(3000)));
        let s = state(
            "json",
            json!({"enabled": true, "defaultValue": "{\"a\":1}", "rules": []}),
        );
        assert_eq!(s.value, Some(json!({"a": 1})));
        let s = state("boolean", json!({"enabled": false, "definition": "{}"}));
        assert!(s.serves_one_result() && !s.enabled && s.value.is_none());
    }

    #[test]
    fn v1_rules_when_there_is_no_definition() {
        let s = state(
            "boolean",
            json!({"enabled": true, "defaultValue": "false", "rules": [
                {"type": "force", "value": "true", "condition": "", "enabled": true, "id": "r1", "description": ""},
            ]}),
        );
        assert!(s.serves_one_result() && s.enabled);
        let s = state(
            "boolean",
            json!({"enabled": true, "defaultValue": "false", "rules": [
                {"type": "force", "value": "true", "condition": "{\"country\":\"NL\"}", "enabled": true},
                {"type": "rollout", "value": "true", "coverage": 0.2, "enabled": true},
                {"type": "force", "value": "true", "enabled": false},
            ]}),
        );
        assert_eq!((s.segment_overrides, s.split), (1, true));
        let s = state(
            "boolean",
            json!({"enabled": true, "defaultValue": "false", "rules": [
                {"type": "safe-rollout", "status": "released", "controlValue": "false", "variationValue": "true"},
            ]}),
        );
        assert!(s.serves_one_result() && s.enabled);
    }

    #[test]
    fn options_debug_hides_the_key() {
        let options = GrowthBookOptions {
            api_key: "secret_abc123DEF456".to_owned(),
            ..GrowthBookOptions::default()
        };
        assert!(!format!("{options:?}").contains("abc123"));
    }
}
