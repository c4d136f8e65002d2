//! The LaunchDarkly provider: reads one project through the REST API v2 into a [`FlagSet`].
//!
//! The shapes relied on are LaunchDarkly's own OpenAPI description (cited, with what each
//! fixture shows, in `fixtures/launchdarkly-api/README.md`). The requests:
//!
//! | what | request |
//! |---|---|
//! | the project | `GET /api/v2/projects/{projectKey}` |
//! | its environments | `GET /api/v2/projects/{projectKey}/environments?limit=100`, every page |
//! | live flags with targeting | `GET /api/v2/flags/{projectKey}?summary=0&env=..&limit=100`, every page by `_links.next` |
//! | archived flags | the same with `filter=state:archived` (the list leaves them out otherwise) |
//!
//! Authentication is the access token itself, `Authorization: <token>`. Environments are
//! keyed by their LaunchDarkly key (`production`), which is what `environments` in
//! flaglint.toml names. "Last changed" is each environment's `lastModified`, the time its
//! targeting last changed.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::common::{
    keep_message, person_name, provider_options, same_total, seg, select_environments, server_root,
    too_many_pages, MAX_PAGES,
};
use super::http::JsonClient;
use super::{FlagSource, ProviderError};
use crate::flag::{EnvState, Flag, FlagSet};

/// Where the caller reads the access token from; named in authentication errors.
pub const TOKEN_VAR: &str = "LAUNCHDARKLY_API_TOKEN";
/// LaunchDarkly's US instance; the EU one is `https://app.eu.launchdarkly.com`.
pub const DEFAULT_BASE_URL: &str = "https://app.launchdarkly.com";
/// The project every account starts with.
pub const DEFAULT_PROJECT: &str = "default";

const PAGE_LIMIT: &str = "100";

/// What to read and how hard to try.
#[derive(Clone)]
pub struct LaunchDarklyOptions {
    /// The instance's root, default [`DEFAULT_BASE_URL`] (a trailing `/api/v2` is accepted).
    pub base_url: String,
    /// A personal or service access token, from `LAUNCHDARKLY_API_TOKEN` (read by the caller).
    pub api_token: String,
    /// Project key; default `default`.
    pub project: String,
    /// Environment keys; empty means all of the project's.
    pub environments: Vec<String>,
    /// First retry delay; doubles per retry (tests set it to milliseconds).
    pub retry_base: Duration,
    /// Per request, connecting and reading included.
    pub timeout: Duration,
    /// The whole read, every request and retry, from the first request on.
    pub deadline: Duration,
}

provider_options!(LaunchDarklyOptions {
    secret: api_token,
    base_url: DEFAULT_BASE_URL,
    project: DEFAULT_PROJECT,
});

/// The LaunchDarkly flag source. The token lives only inside its HTTP client.
#[derive(Debug)]
pub struct LaunchDarkly {
    options: LaunchDarklyOptions,
    client: JsonClient,
}

impl LaunchDarkly {
    /// Validates the URL (https, or http to loopback) and the token; sends nothing yet.
    pub fn new(mut options: LaunchDarklyOptions) -> Result<Self, ProviderError> {
        let base = if options.base_url.trim().is_empty() {
            DEFAULT_BASE_URL.to_owned()
        } else {
            options.base_url.clone()
        };
        // `Authorization: <token>`: the empty scheme leaves a leading space, which HTTP
        // servers strip.
        let client = options.client(&server_root(&base, &["api/v2"]), "", TOKEN_VAR)?;
        if options.project.trim().is_empty() {
            options.project = DEFAULT_PROJECT.to_owned();
        }
        Ok(LaunchDarkly { options, client })
    }

    fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        self.client.get(path, query).map_err(keep_message)
    }

    /// Every page of a `{items, totalCount, _links}` collection, following `_links.next`.
    fn collect<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, ProviderError> {
        let first_endpoint = self.client.get_endpoint(path, query)?;
        let mut items: Vec<T> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut next: Option<String> = None;
        let mut total: Option<u64> = None;
        for _ in 0..MAX_PAGES {
            let page: ApiCollection<T> = match &next {
                None => self.get(path, query)?,
                Some(target) => self.get(target, &[])?,
            };
            same_total(&mut total, page.total_count, &first_endpoint)?;
            let got = page.items.len();
            items.extend(page.items);
            let Some(href) = page.links.get("next").and_then(|l| l.href.clone()) else {
                return match total {
                    Some(total) if total != items.len() as u64 => Err(ProviderError::Pagination {
                        endpoint: first_endpoint,
                        reason: format!("{} items read but `totalCount` says {total}", items.len()),
                    }),
                    _ => Ok(items),
                };
            };
            let target = self.follow(&first_endpoint, path, &href)?;
            if got == 0 || !seen.insert(target.clone()) {
                return Err(ProviderError::Pagination {
                    endpoint: first_endpoint,
                    reason: format!("the `next` link {href:?} does not advance"),
                });
            }
            next = Some(target);
        }
        Err(too_many_pages(first_endpoint))
    }

    /// A `_links.next.href` (`/api/v2/flags/default?limit=100&offset=100...`) as a path
    /// relative to the base URL. Only a path on the same endpoint is followed, so a link
    /// cannot send the token to another host or another resource.
    fn follow(&self, current: &str, path: &str, href: &str) -> Result<String, ProviderError> {
        let refuse = |why: &str| ProviderError::Pagination {
            endpoint: current.to_owned(),
            reason: format!("the `next` link {href:?} {why}"),
        };
        if !href.starts_with('/') || href.starts_with("//") || href.contains("://") {
            return Err(refuse("is not a path on this service"));
        }
        let base_path = self.client.base().path();
        let relative = href
            .strip_prefix(base_path)
            .unwrap_or_else(|| href.trim_start_matches('/'));
        let link_path = relative.split('?').next().unwrap_or_default();
        if link_path.trim_end_matches('/') != path.trim_end_matches('/') {
            return Err(refuse("leads to another resource"));
        }
        Ok(relative.to_owned())
    }

    fn environments(&self, project: &str) -> Result<Vec<String>, ProviderError> {
        let all: Vec<ApiEnvironment> = self.collect(
            &format!("api/v2/projects/{}/environments", seg(project)),
            &[("limit", PAGE_LIMIT)],
        )?;
        let keys: Vec<String> = all.iter().map(|e| e.key.clone()).collect();
        // Listed by key, with the name when it says more.
        let available = |_: Vec<String>| {
            all.iter()
                .map(|e| match e.name.as_deref() {
                    Some(name) if name != e.key => format!("{} ({name})", e.key),
                    _ => e.key.clone(),
                })
                .collect()
        };
        select_environments(
            project,
            keys,
            available,
            &self.options.environments,
            TOKEN_VAR,
        )
    }

    fn flags(
        &self,
        project: &str,
        environments: &[String],
        archived: bool,
    ) -> Result<Vec<ApiFlag>, ProviderError> {
        let mut query: Vec<(&str, &str)> = vec![("summary", "0"), ("limit", PAGE_LIMIT)];
        for env in environments {
            query.push(("env", env));
        }
        if archived {
            query.push(("filter", "state:archived"));
        }
        self.collect(&format!("api/v2/flags/{}", seg(project)), &query)
    }
}

impl FlagSource for LaunchDarkly {
    fn name(&self) -> &'static str {
        "launchdarkly"
    }

    fn fetch(&self) -> Result<FlagSet, ProviderError> {
        let fetched_at = Timestamp::now();
        let project: ApiProject = self.get(
            &format!("api/v2/projects/{}", seg(&self.options.project)),
            &[],
        )?;
        let environments = self.environments(&project.key)?;
        let live = self.flags(&project.key, &environments, false)?;
        let archived = self.flags(&project.key, &environments, true)?;

        let mut keys = HashSet::new();
        let mut flags = Vec::with_capacity(live.len() + archived.len());
        for (listed, is_archived) in live
            .iter()
            .map(|f| (f, false))
            .chain(archived.iter().map(|f| (f, true)))
        {
            if !keys.insert(listed.key.as_str()) {
                return Err(ProviderError::Inconsistent {
                    what: format!("flag {:?} was listed twice", listed.key),
                });
            }
            let mut flag = flag_of(listed);
            flag.archived |= is_archived;
            for env in &environments {
                let config =
                    listed
                        .environments
                        .get(env)
                        .ok_or_else(|| ProviderError::Inconsistent {
                            what: format!(
                                "flag {:?} has no configuration for environment {env:?}",
                                listed.key
                            ),
                        })?;
                flag.environments
                    .insert(env.clone(), env_state(listed, config));
            }
            flags.push(flag);
        }

        Ok(FlagSet {
            provider: "launchdarkly".to_owned(),
            project: Some(project.key),
            environments,
            stale_after_days: None,
            fetched_at: Some(fetched_at),
            flags,
        })
    }
}

fn flag_of(listed: &ApiFlag) -> Flag {
    let mut owners = Vec::new();
    if let Some(member) = &listed.maintainer {
        owners.extend(person_name(
            member.first_name.as_deref(),
            member.last_name.as_deref(),
            member.email.as_deref(),
        ));
    }
    if let Some(team) = &listed.maintainer_team {
        owners.push(team.name.clone().unwrap_or_else(|| team.key.clone()));
    }
    Flag {
        key: listed.key.clone(),
        description: listed.description.clone().filter(|d| !d.trim().is_empty()),
        created: listed.creation_date.and_then(millis),
        archived: listed.archived,
        tags: listed.tags.clone(),
        owners,
        kind: Some(
            if listed.temporary {
                "temporary"
            } else {
                "permanent"
            }
            .to_owned(),
        ),
        permanent: !listed.temporary,
        // Deprecated: a person has marked the flag for removal.
        service_stale: listed.deprecated,
        environments: BTreeMap::new(),
    }
}

fn millis(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

/// One environment's targeting as an [`EnvState`].
///
/// Off serves `offVariation` to everyone. On, the fallthrough (default rule) is what
/// everyone gets unless a prerequisite fails (counted as a segment override), an individual
/// target gets another variation (identity overrides, one per context key) or a rule serves
/// another variation or a rollout (a segment override each); a fallthrough rollout over
/// several variations is a split. Boolean flags report the served value as `enabled`;
/// multivariate flags report the toggle as `enabled` and the served value as `value`.
fn env_state(flag: &ApiFlag, config: &ApiEnvConfig) -> EnvState {
    let boolean = flag.is_boolean();
    let mut state = EnvState {
        enabled: config.on,
        last_changed: config.last_modified.and_then(millis),
        ..EnvState::default()
    };
    let value_of = |index: Option<usize>| -> Option<Value> {
        index
            .and_then(|i| flag.variations.get(i))
            .map(|v| v.value.clone())
    };

    if !config.on {
        let value = value_of(config.off_variation);
        if boolean {
            state.enabled = value == Some(Value::Bool(true));
        } else {
            state.value = value;
        }
        return state;
    }

    let served: Option<usize> = match &config.fallthrough {
        Some(ApiServe {
            variation: Some(v), ..
        }) => Some(*v),
        Some(ApiServe {
            rollout: Some(rollout),
            ..
        }) => {
            let weighted = rollout.weighted();
            if weighted.len() > 1 {
                state.split = true;
            }
            (weighted.len() == 1).then(|| weighted[0])
        }
        _ => None,
    };

    state.segment_overrides += u32::try_from(config.prerequisites.len()).unwrap_or(u32::MAX);

    let mut targeted: BTreeSet<(String, String)> = BTreeSet::new();
    for target in config.targets.iter().chain(&config.context_targets) {
        if served == Some(target.variation) && !state.split {
            continue;
        }
        let kind = target
            .context_kind
            .clone()
            .unwrap_or_else(|| "user".to_owned());
        for value in &target.values {
            targeted.insert((kind.clone(), value.clone()));
        }
    }
    state.identity_overrides = u32::try_from(targeted.len()).unwrap_or(u32::MAX);

    for rule in config.rules.iter().filter(|r| !r.disabled.unwrap_or(false)) {
        let same = match (&rule.variation, &rule.rollout) {
            (Some(v), _) => served == Some(*v) && !state.split,
            (None, Some(rollout)) => {
                let weighted = rollout.weighted();
                weighted.len() == 1 && served == Some(weighted[0]) && !state.split
            }
            (None, None) => true,
        };
        if !same {
            state.segment_overrides += 1;
        }
    }

    if state.serves_one_result() {
        let value = value_of(served);
        if boolean {
            state.enabled = value == Some(Value::Bool(true));
        } else {
            state.value = value;
        }
    }
    state
}

#[derive(Debug, Deserialize)]
struct ApiCollection<T> {
    items: Vec<T>,
    #[serde(default, rename = "totalCount")]
    total_count: Option<u64>,
    #[serde(default, rename = "_links")]
    links: BTreeMap<String, ApiLink>,
}

#[derive(Debug, Deserialize)]
struct ApiLink {
    #[serde(default)]
    href: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiProject {
    key: String,
}

#[derive(Debug, Deserialize)]
struct ApiEnvironment {
    key: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiFlag {
    key: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// Unix milliseconds.
    #[serde(default)]
    creation_date: Option<i64>,
    #[serde(default)]
    temporary: bool,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    variations: Vec<ApiVariation>,
    #[serde(default, rename = "_maintainer")]
    maintainer: Option<ApiMember>,
    #[serde(default, rename = "_maintainerTeam")]
    maintainer_team: Option<ApiTeam>,
    /// Only the environments asked for with `env=`.
    #[serde(default)]
    environments: BTreeMap<String, ApiEnvConfig>,
}

impl ApiFlag {
    fn is_boolean(&self) -> bool {
        match self.kind.as_deref() {
            Some("boolean") => true,
            Some(_) => false,
            None => {
                !self.variations.is_empty() && self.variations.iter().all(|v| v.value.is_boolean())
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct ApiVariation {
    value: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiMember {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiTeam {
    key: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiEnvConfig {
    on: bool,
    /// Unix milliseconds of the last targeting change (`_lastModified` in some older
    /// examples).
    #[serde(default, alias = "_lastModified")]
    last_modified: Option<i64>,
    #[serde(default)]
    targets: Vec<ApiTarget>,
    #[serde(default)]
    context_targets: Vec<ApiTarget>,
    #[serde(default)]
    rules: Vec<ApiRule>,
    #[serde(default)]
    fallthrough: Option<ApiServe>,
    #[serde(default)]
    off_variation: Option<usize>,
    #[serde(default)]
    prerequisites: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiTarget {
    #[serde(default)]
    values: Vec<String>,
    variation: usize,
    #[serde(default)]
    context_kind: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiRule {
    #[serde(default)]
    variation: Option<usize>,
    #[serde(default)]
    rollout: Option<ApiRollout>,
    #[serde(default)]
    disabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct ApiServe {
    #[serde(default)]
    variation: Option<usize>,
    #[serde(default)]
    rollout: Option<ApiRollout>,
}

#[derive(Debug, Deserialize)]
struct ApiRollout {
    #[serde(default)]
    variations: Vec<ApiWeighted>,
}

impl ApiRollout {
    /// Variations with a share above zero (weights are in thousandths of a percent).
    fn weighted(&self) -> Vec<usize> {
        self.variations
            .iter()
            .filter(|v| v.weight > 0)
            .map(|v| v.variation)
            .collect()
    }
}

#[derive(Debug, Deserialize)]
struct ApiWeighted {
    variation: usize,
    #[serde(default)]
    weight: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flag(json: Value) -> ApiFlag {
        serde_json::from_value(json).unwrap()
    }

    fn boolean(env: Value) -> EnvState {
        let f = flag(json!({
            "key": "f", "kind": "boolean",
            "variations": [{"value": true}, {"value": false}],
            "environments": {"production": env}
        }));
        env_state(&f, &f.environments["production"])
    }

    #[test]
    fn on_with_a_false_fallthrough_serves_false() {
        let s = boolean(json!({"on": true, "fallthrough": {"variation": 1}, "offVariation": 1}));
        assert!(s.serves_one_result() && !s.enabled);
        let s = boolean(json!({"on": false, "fallthrough": {"variation": 0}, "offVariation": 1}));
        assert!(s.serves_one_result() && !s.enabled);
        let s = boolean(json!({"on": true, "fallthrough": {"variation": 0}, "offVariation": 1}));
        assert!(s.serves_one_result() && s.enabled);
    }

    #[test]
    fn targets_and_rules_serving_the_fallthrough_change_nothing() {
        let s = boolean(json!({
            "on": true, "fallthrough": {"variation": 0}, "offVariation": 1,
            "targets": [{"values": ["a"], "variation": 0}, {"values": ["b", "c"], "variation": 1}],
            "contextTargets": [{"values": [], "variation": 0, "contextKind": "user"},
                               {"values": ["org-1"], "variation": 1, "contextKind": "organization"}],
            "rules": [{"variation": 0, "clauses": []}, {"variation": 1, "clauses": []},
                      {"variation": 1, "clauses": [], "disabled": true},
                      {"rollout": {"variations": [{"variation": 0, "weight": 100000}, {"variation": 1, "weight": 0}]}, "clauses": []}]
        }));
        assert_eq!((s.identity_overrides, s.segment_overrides), (3, 1));
        assert!(s.enabled, "the toggle, since it does not serve one result");
    }

    #[test]
    fn a_rollout_of_one_variation_is_no_split() {
        let s = boolean(json!({"on": true, "offVariation": 1,
            "fallthrough": {"rollout": {"variations": [{"variation": 0, "weight": 100000}, {"variation": 1, "weight": 0}]}}}));
        assert!(s.serves_one_result() && s.enabled);
        let s = boolean(json!({"on": true, "offVariation": 1,
            "fallthrough": {"rollout": {"variations": [{"variation": 0, "weight": 50000}, {"variation": 1, "weight": 50000}]}}}));
        assert!(s.split);
    }

    #[test]
    fn next_links_stay_on_the_endpoint() {
        let ld = LaunchDarkly::new(LaunchDarklyOptions {
            api_token: "api-123".to_owned(),
            ..LaunchDarklyOptions::default()
        })
        .unwrap();
        let path = "api/v2/flags/default";
        assert_eq!(
            ld.follow("GET /x", path, "/api/v2/flags/default?limit=100&offset=100")
                .unwrap(),
            "api/v2/flags/default?limit=100&offset=100"
        );
        for bad in [
            "https://evil.example.com/api/v2/flags/default?offset=1",
            "//evil.example.com/api/v2/flags/default",
            "/api/v2/members?offset=1",
            "api/v2/flags/default",
        ] {
            assert!(ld.follow("GET /x", path, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn options_debug_hides_the_token() {
        let options = LaunchDarklyOptions {
            api_token: "api-very-secret".to_owned(),
            ..LaunchDarklyOptions::default()
        };
        assert!(!format!("{options:?}").contains("very-secret"));
    }
}
