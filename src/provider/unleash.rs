//! The Unleash provider: reads one project of an Unleash server through its Admin API into
//! a [`FlagSet`].
//!
//! Written against unleash-server 8.x (verified on 8.2.0, open-source build); the shapes
//! and surprises relied on are recorded in `fixtures/unleash-api/README.md`. The requests:
//!
//! | what | request | why this one |
//! |---|---|---|
//! | the project | `GET /api/admin/projects` | an unknown project is 200 + empty lists everywhere else |
//! | its environments | `GET /api/admin/projects/{p}/overview` | `environments[].environment`, the ones enabled on the project |
//! | live flags | `GET /api/admin/search/features?project=IS:{p}&limit=100&offset=..` | the only list with tags; 100 is the server's maximum (more silently becomes 50) |
//! | archived flags | the same with `archived=IS:true` | the archive endpoints are 404 in 8.x |
//! | potentially stale | the same with `state=IS:potentially-stale` | no per-flag field carries it |
//! | strategies | `GET /api/admin/projects/{p}/features/{name}` per live flag (`?variantEnvironments=true` when the list counts legacy environment variants) | strategies are in no list |
//! | last changed | `GET /api/admin/search/events?project=IS:{p}&type=IS_ANY_OF:..&limit=1000` newest first, per flag (`feature=IS:{name}`) when that is cheaper | a flag has no `updatedAt` |
//!
//! Feature search is rate-limited by the server (15 calls a minute by default, then 429 with
//! `Retry-After: 60`); a project read costs three search calls per 100 flags at most, and
//! the HTTP client waits out a 429 when the server asks for no more than a minute.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use super::common::{
    find_project, provider_options, same_total, seg, select_environments, server_root, tidy_detail,
    too_many_pages, ApiProject, MAX_PAGES,
};
use super::http::JsonClient;
use super::{FlagSource, ProviderError};
use crate::flag::{EnvState, Flag, FlagSet};

/// Where the caller reads the Admin API token from; named in authentication errors.
pub const TOKEN_VAR: &str = "UNLEASH_API_TOKEN";
/// The project every Unleash server has.
pub const DEFAULT_PROJECT: &str = "default";

/// Feature search answers at most 100 per page; a larger `limit` silently becomes 50.
const SEARCH_LIMIT: usize = 100;
/// Event search answers at most 1000 per page.
const EVENT_LIMIT: usize = 1000;
/// Flag details are read this many at a time.
const DETAIL_WORKERS: usize = 4;

/// Flag types Unleash means to live forever (kill-switch and permission have no expected
/// lifetime; operational flags are long-lived switches by flaglint's design).
const PERMANENT_TYPES: &[&str] = &["kill-switch", "permission", "operational"];

/// Event types that change what a flag serves. Left out on purpose: metadata (description,
/// type), stale marks, tags, favourites, links, lifecycle and project moves.
const CONFIG_EVENTS: &[&str] = &[
    "feature-created",
    "feature-updated",
    "feature-archived",
    "feature-revived",
    "feature-import",
    "feature-variants-updated",
    "feature-environment-variants-updated",
    "feature-environment-enabled",
    "feature-environment-disabled",
    "feature-strategy-add",
    "feature-strategy-update",
    "feature-strategy-remove",
    "strategy-order-changed",
    "feature-dependency-added",
    "feature-dependency-removed",
    "feature-dependencies-removed",
    "release-plan-added",
    "release-plan-removed",
    "release-plan-milestone-started",
];

/// What to read and how hard to try.
#[derive(Clone)]
pub struct UnleashOptions {
    /// The server's root (`https://unleash.example.com/`); a trailing `/api/` or
    /// `/api/admin/`, as SDK settings have it, is accepted too.
    pub base_url: String,
    /// An admin token or personal access token, from `UNLEASH_API_TOKEN` (read by the caller).
    pub api_token: String,
    /// Project id or name; default `default`.
    pub project: String,
    /// Environment names; empty means all of the project's.
    pub environments: Vec<String>,
    /// First retry delay; doubles per retry (tests set it to milliseconds).
    pub retry_base: Duration,
    /// Per request, connecting and reading included.
    pub timeout: Duration,
    /// The whole read, every request and retry, from the first request on.
    pub deadline: Duration,
}

provider_options!(UnleashOptions {
    secret: api_token,
    base_url: "",
    project: DEFAULT_PROJECT,
});

/// The Unleash flag source. The token lives only inside its HTTP client.
#[derive(Debug)]
pub struct Unleash {
    options: UnleashOptions,
    client: JsonClient,
}

impl Unleash {
    /// Validates the URL (https, or http to loopback) and the token; sends nothing yet.
    pub fn new(mut options: UnleashOptions) -> Result<Self, ProviderError> {
        if options.base_url.trim().is_empty() {
            return Err(ProviderError::InvalidUrl {
                url: String::new(),
                reason: "Unleash has no default address: set `url` in [service] of flaglint.toml or FLAGLINT_SERVICE_URL to the server's root".to_owned(),
            });
        }
        let base = server_root(&options.base_url, &["api/admin", "api"]);
        // Unleash takes the bare token (`Authorization: <token>`); the empty scheme leaves
        // only a leading space, which HTTP servers strip.
        let client = options.client(&base, "", TOKEN_VAR)?;
        if options.project.trim().is_empty() {
            options.project = DEFAULT_PROJECT.to_owned();
        }
        Ok(Unleash { options, client })
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        self.client.get(path, query).map_err(tidy_error)
    }

    fn project(&self) -> Result<ApiProject, ProviderError> {
        let list: ApiProjects = self.get("api/admin/projects", &[])?;
        let wanted = self.options.project.trim();
        find_project(&list.projects, wanted).cloned()
    }

    fn environments(&self, project: &ApiProject) -> Result<Vec<String>, ProviderError> {
        let overview: ApiOverview = self.get(
            &format!("api/admin/projects/{}/overview", seg(&project.id)),
            &[],
        )?;
        let all: Vec<String> = overview
            .environments
            .into_iter()
            .map(|e| e.environment)
            .collect();
        select_environments(
            &project.id,
            all,
            |all| all,
            &self.options.environments,
            TOKEN_VAR,
        )
    }

    /// Every page of one feature search, checked for a stable total and unique names.
    fn search(
        &self,
        project: &str,
        filter: Option<(&str, &str)>,
    ) -> Result<Vec<ApiSearchFeature>, ProviderError> {
        const PATH: &str = "api/admin/search/features";
        let project = format!("IS:{project}");
        let limit = SEARCH_LIMIT.to_string();
        let mut all: Vec<ApiSearchFeature> = Vec::new();
        let mut total: Option<u64> = None;
        let mut offset = 0usize;
        for _ in 0..MAX_PAGES {
            let offset_text = offset.to_string();
            let mut query = vec![
                ("project", project.as_str()),
                ("limit", limit.as_str()),
                ("offset", offset_text.as_str()),
            ];
            query.extend(filter);
            let page: ApiSearchPage = self.get(PATH, &query)?;
            let endpoint = self.client.get_endpoint(PATH, &query)?;
            same_total(&mut total, Some(page.total), &endpoint)?;
            let got = page.features.len();
            all.extend(page.features);
            offset += got;
            if offset as u64 >= page.total {
                let mut names = HashSet::new();
                if let Some(dup) = all.iter().find(|f| !names.insert(f.name.as_str())) {
                    return Err(ProviderError::Inconsistent {
                        what: format!("{endpoint}: flag {:?} came twice", dup.name),
                    });
                }
                return Ok(all);
            }
            if got == 0 {
                return Err(ProviderError::Pagination {
                    endpoint,
                    reason: format!(
                        "an empty page at offset {offset} while the total says {}",
                        page.total
                    ),
                });
            }
        }
        Err(too_many_pages(format!("GET /{PATH}")))
    }

    /// Strategy details of every live flag, a few requests at a time.
    fn details(
        &self,
        project: &str,
        flags: &[ApiSearchFeature],
    ) -> Result<Vec<ApiFeatureDetail>, ProviderError> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<ApiFeatureDetail, ProviderError>>>> =
            Mutex::new((0..flags.len()).map(|_| None).collect());
        let failed = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..DETAIL_WORKERS.min(flags.len()) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= flags.len() || failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = self.detail(project, &flags[i]);
                    if result.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                });
            }
        });
        let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        // The first failure in flag order, so the message does not depend on thread timing.
        let mut details = Vec::with_capacity(flags.len());
        for result in results {
            match result {
                Some(Ok(detail)) => details.push(detail),
                Some(Err(e)) => return Err(e),
                None => {}
            }
        }
        if details.len() != flags.len() {
            return Err(ProviderError::Inconsistent {
                what: "not every flag detail was read".to_owned(),
            });
        }
        Ok(details)
    }

    fn detail(
        &self,
        project: &str,
        flag: &ApiSearchFeature,
    ) -> Result<ApiFeatureDetail, ProviderError> {
        let path = format!(
            "api/admin/projects/{}/features/{}",
            seg(project),
            seg(&flag.name)
        );
        // Legacy environment variants only show with this parameter; the list counts them.
        let legacy_variants = flag
            .environments
            .iter()
            .any(|e| e.variant_count.unwrap_or(0) > 0);
        let query: &[(&str, &str)] = if legacy_variants {
            &[("variantEnvironments", "true")]
        } else {
            &[]
        };
        match self.get::<ApiFeatureDetail>(&path, query) {
            Ok(detail) if detail.name == flag.name => Ok(detail),
            Ok(detail) => Err(ProviderError::Inconsistent {
                what: format!(
                    "asked for flag {:?}, the server answered {:?}",
                    flag.name, detail.name
                ),
            }),
            Err(ProviderError::NotFound { .. }) => Err(ProviderError::Inconsistent {
                what: format!(
                    "flag {:?} was archived or deleted while flaglint read the project",
                    flag.name
                ),
            }),
            Err(e) => Err(e),
        }
    }

    /// The newest serving-relevant event per (flag, environment).
    ///
    /// Reads the project's config events newest first; the first event seen for a pair is its
    /// newest (flag-level events, `environment: null`, count for every environment). Flags
    /// never changed since creation keep their pairs open down to `feature-created`, so when
    /// fewer open flags remain than pages, each open flag is asked for by name instead
    /// (without the project filter, which also finds events from before a project move).
    fn last_changes(
        &self,
        project: &str,
        flags: &[&str],
        environments: &[String],
    ) -> Result<HashMap<(String, String), Timestamp>, ProviderError> {
        let mut changes = Changes {
            open: flags
                .iter()
                .flat_map(|f| environments.iter().map(|e| (f.to_string(), e.clone())))
                .collect(),
            found: HashMap::new(),
            environments,
        };
        let types = format!("IS_ANY_OF:{}", CONFIG_EVENTS.join(","));
        let project = format!("IS:{project}");
        let mut offset = 0usize;
        let mut pages = 0usize;
        loop {
            if changes.open.is_empty() {
                return Ok(changes.found);
            }
            let page = self.events(&[("project", &project), ("type", &types)], offset)?;
            pages += 1;
            changes.apply(&page.events);
            offset += page.events.len();
            let rest = (page.total as usize).saturating_sub(offset);
            if rest == 0 || page.events.is_empty() {
                return Ok(changes.found);
            }
            let open_flags = changes.open_flags();
            if open_flags.len() < rest.div_ceil(EVENT_LIMIT) || pages >= MAX_PAGES {
                for flag in open_flags {
                    self.flag_events(&flag, &types, &mut changes)?;
                }
                return Ok(changes.found);
            }
        }
    }

    fn flag_events(
        &self,
        flag: &str,
        types: &str,
        changes: &mut Changes<'_>,
    ) -> Result<(), ProviderError> {
        let feature = format!("IS:{flag}");
        let mut offset = 0usize;
        for _ in 0..MAX_PAGES {
            let page = self.events(&[("feature", &feature), ("type", types)], offset)?;
            changes.apply(&page.events);
            offset += page.events.len();
            if !changes.is_open(flag) || page.events.is_empty() || offset as u64 >= page.total {
                return Ok(());
            }
        }
        Ok(())
    }

    fn events(
        &self,
        filter: &[(&str, &str)],
        offset: usize,
    ) -> Result<ApiEventPage, ProviderError> {
        let limit = EVENT_LIMIT.to_string();
        let offset = offset.to_string();
        let mut query = filter.to_vec();
        query.push(("limit", &limit));
        query.push(("offset", &offset));
        self.get("api/admin/search/events", &query)
    }
}

struct Changes<'a> {
    open: BTreeSet<(String, String)>,
    found: HashMap<(String, String), Timestamp>,
    environments: &'a [String],
}

impl Changes<'_> {
    fn apply(&mut self, events: &[ApiEvent]) {
        for event in events {
            let Some(flag) = event.feature_name.as_deref() else {
                continue;
            };
            let envs: Vec<&String> = match &event.environment {
                Some(env) => self.environments.iter().filter(|e| *e == env).collect(),
                None => self.environments.iter().collect(),
            };
            for env in envs {
                let pair = (flag.to_owned(), env.clone());
                if self.open.remove(&pair) {
                    self.found.insert(pair, event.created_at);
                }
            }
        }
    }

    fn open_flags(&self) -> Vec<String> {
        let flags: BTreeSet<&str> = self.open.iter().map(|(f, _)| f.as_str()).collect();
        flags.into_iter().map(str::to_owned).collect()
    }

    fn is_open(&self, flag: &str) -> bool {
        self.open.iter().any(|(f, _)| f == flag)
    }
}

impl FlagSource for Unleash {
    fn name(&self) -> &'static str {
        "unleash"
    }

    fn fetch(&self) -> Result<FlagSet, ProviderError> {
        let fetched_at = Timestamp::now();
        let project = self.project()?;
        let environments = self.environments(&project)?;
        let live = self.search(&project.id, None)?;
        let archived = self.search(&project.id, Some(("archived", "IS:true")))?;
        let potentially_stale: HashSet<String> = self
            .search(&project.id, Some(("state", "IS:potentially-stale")))?
            .into_iter()
            .map(|f| f.name)
            .collect();
        if let Some(both) = archived
            .iter()
            .find(|a| live.iter().any(|l| l.name == a.name))
        {
            return Err(ProviderError::Inconsistent {
                what: format!("flag {:?} is listed as live and as archived", both.name),
            });
        }
        let details = self.details(&project.id, &live)?;

        let mut flags = Vec::with_capacity(live.len() + archived.len());
        for (listed, detail) in live.iter().zip(&details) {
            let mut flag = flag_of(listed, potentially_stale.contains(&listed.name));
            for env in &environments {
                let state = detail
                    .environments
                    .iter()
                    .find(|e| &e.name == env)
                    .ok_or_else(|| ProviderError::Inconsistent {
                        what: format!("flag {:?} has no state in environment {env:?}", listed.name),
                    })?;
                flag.environments
                    .insert(env.clone(), env_state(state, &detail.dependencies));
            }
            flags.push(flag);
        }
        for listed in &archived {
            let mut flag = flag_of(listed, false);
            flag.archived = true;
            for env in &environments {
                // Strategies of an archived flag are not readable (its detail is 404);
                // archived-flag does not need them.
                let enabled = listed
                    .environments
                    .iter()
                    .find(|e| &e.name == env)
                    .is_some_and(|e| e.enabled);
                flag.environments.insert(
                    env.clone(),
                    EnvState {
                        enabled,
                        ..EnvState::default()
                    },
                );
            }
            flags.push(flag);
        }

        let keys: Vec<&str> = flags.iter().map(|f| f.key.as_str()).collect();
        let changes = self.last_changes(&project.id, &keys, &environments)?;
        for flag in &mut flags {
            for (env, state) in flag.environments.iter_mut() {
                state.last_changed = changes.get(&(flag.key.clone(), env.clone())).copied();
            }
        }

        Ok(FlagSet {
            provider: "unleash".to_owned(),
            project: Some(project.id),
            environments,
            stale_after_days: None,
            fetched_at: Some(fetched_at),
            flags,
        })
    }
}

fn flag_of(listed: &ApiSearchFeature, potentially_stale: bool) -> Flag {
    let kind = listed.kind.clone().filter(|k| !k.is_empty());
    Flag {
        key: listed.name.clone(),
        description: listed.description.clone().filter(|d| !d.trim().is_empty()),
        created: listed.created_at,
        archived: listed.archived_at.is_some(),
        tags: listed.tags.iter().map(ApiTag::label).collect(),
        // Negative ids are Unleash's stand-ins (-42 the admin token, -1337 the system).
        owners: listed
            .created_by
            .as_ref()
            .filter(|u| u.id.is_some_and(|id| id > 0))
            .and_then(|u| u.name.clone())
            .filter(|n| !n.trim().is_empty())
            .into_iter()
            .collect(),
        permanent: kind
            .as_deref()
            .is_some_and(|k| PERMANENT_TYPES.contains(&k)),
        kind,
        service_stale: listed.stale || potentially_stale,
        environments: BTreeMap::new(),
    }
}

/// Who a strategy serves, as far as "one result for everyone" is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Everyone,
    Nobody,
    /// A random share of everyone: a gradual rollout below 100 %.
    Share,
    /// Users picked by constraints, segments, user ids or a custom strategy.
    Targeted,
}

fn reach(strategy: &ApiStrategy) -> Reach {
    let percent = match strategy.name.as_str() {
        "default" => Some(100.0),
        "flexibleRollout" => number(strategy.parameters.get("rollout")),
        "gradualRolloutRandom" | "gradualRolloutSessionId" | "gradualRolloutUserId" => {
            number(strategy.parameters.get("percentage"))
        }
        _ => None,
    };
    if percent.is_some_and(|p| p <= 0.0) {
        return Reach::Nobody;
    }
    if !strategy.constraints.is_empty() || !strategy.segments.is_empty() {
        return Reach::Targeted;
    }
    match percent {
        Some(p) if p >= 100.0 => Reach::Everyone,
        Some(_) => Reach::Share,
        None => Reach::Targeted,
    }
}

/// Strategy parameters are strings (`"50"`), but numbers are accepted too.
fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::String(text) => text.trim().parse().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// The variants a strategy hands out: its own, else the environment's legacy ones.
fn variants_of<'a>(strategy: Option<&'a ApiStrategy>, env: &'a ApiDetailEnv) -> &'a [ApiVariant] {
    match strategy {
        Some(s) if !s.variants.is_empty() => &s.variants,
        _ => env.variants.as_deref().unwrap_or_default(),
    }
}

fn served_variants(variants: &[ApiVariant]) -> Vec<&ApiVariant> {
    variants.iter().filter(|v| v.weight > 0.0).collect()
}

/// One environment of a flag detail as an [`EnvState`] (without `last_changed`).
///
/// Unleash ORs the enabled strategies: a strategy that reaches everyone makes the flag on for
/// everyone, and the ones before it can only change the variant. Without such a strategy,
/// shares make a split and targeted strategies count as segment overrides (`userWithId`
/// users as identity overrides). `enabled` is what everyone gets when the environment serves
/// one result (an environment that is on with only 0 % strategies serves "off"), otherwise
/// the environment's toggle.
fn env_state(env: &ApiDetailEnv, dependencies: &[Value]) -> EnvState {
    if !env.enabled {
        return EnvState::default();
    }
    let mut state = EnvState {
        enabled: true,
        ..EnvState::default()
    };
    let mut strategies: Vec<&ApiStrategy> = env
        .strategies
        .iter()
        .filter(|s| !s.disabled.unwrap_or(false))
        .collect();
    strategies.sort_by_key(|s| s.sort_order.unwrap_or(0));

    // A parent flag decides first, so a dependency makes the result conditional.
    state.segment_overrides += u32::try_from(dependencies.len()).unwrap_or(u32::MAX);
    // Legacy variant overrides pin users (or other context values) to a variant.
    for variant in env.variants.as_deref().unwrap_or_default() {
        for rule in &variant.overrides {
            if rule.context_name == "userId" {
                state.identity_overrides += u32::try_from(rule.values.len()).unwrap_or(u32::MAX);
            } else {
                state.segment_overrides += 1;
            }
        }
    }

    let everyone = strategies.iter().position(|s| reach(s) == Reach::Everyone);
    let served = if strategies.is_empty() {
        // On with no strategy at all: on for everyone.
        Some(variants_of(None, env))
    } else if let Some(at) = everyone {
        let main = variants_of(Some(strategies[at]), env);
        for earlier in &strategies[..at] {
            if reach(earlier) != Reach::Nobody && variants_of(Some(earlier), env) != main {
                match reach(earlier) {
                    Reach::Share => state.split = true,
                    _ => count_targeted(earlier, &mut state),
                }
            }
        }
        Some(main)
    } else {
        for strategy in &strategies {
            match reach(strategy) {
                Reach::Share => state.split = true,
                Reach::Targeted => count_targeted(strategy, &mut state),
                Reach::Everyone | Reach::Nobody => {}
            }
        }
        if state.serves_one_result() {
            // On, but every strategy reaches nobody: everyone gets "off".
            state.enabled = false;
        }
        None
    };
    if let Some(variants) = served {
        let served = served_variants(variants);
        if served.len() > 1 {
            state.split = true;
        } else if let Some(only) = served.first() {
            state.value = Some(Value::String(only.name.clone()));
        }
    }
    if !state.serves_one_result() {
        state.enabled = env.enabled;
    }
    state
}

fn count_targeted(strategy: &ApiStrategy, state: &mut EnvState) {
    let users = (strategy.name == "userWithId" && strategy.constraints.is_empty())
        .then(|| strategy.parameters.get("userIds"))
        .flatten()
        .and_then(Value::as_str)
        .map(|ids| ids.split(',').filter(|id| !id.trim().is_empty()).count());
    match users {
        Some(n) if n > 0 => {
            state.identity_overrides += u32::try_from(n).unwrap_or(u32::MAX);
        }
        _ => state.segment_overrides += 1,
    }
}

/// Unleash error bodies are `{"id", "name", "message", "details": [{"message"}]}`: keep the
/// message, not the whole object.
fn tidy_error(error: ProviderError) -> ProviderError {
    tidy_detail(error, |text| message_of(&text).unwrap_or(text))
}
/// The `message` of a JSON error object. A detail cut short at 200 characters is no longer
/// JSON; its first `"message"` is then taken, which (keys being sorted) is the first of
/// `details`, the specific one (`The /query/project property must match ...`).
fn message_of(text: &str) -> Option<String> {
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
        if let Some(Value::String(message)) = map.get("message") {
            return Some(message.clone());
        }
        return None;
    }
    let start = text.find("\"message\":\"")? + "\"message\":\"".len();
    let rest = &text[start..];
    let mut end = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => {
                end = Some(i);
                break;
            }
            _ => escaped = false,
        }
    }
    let raw = &rest[..end.unwrap_or(rest.len())];
    let message =
        serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_owned());
    Some(if end.is_some() {
        message
    } else {
        format!("{message}...")
    })
}

#[derive(Debug, Deserialize)]
struct ApiProjects {
    projects: Vec<ApiProject>,
}

#[derive(Debug, Deserialize)]
struct ApiOverview {
    #[serde(default)]
    environments: Vec<ApiOverviewEnv>,
}

#[derive(Debug, Deserialize)]
struct ApiOverviewEnv {
    environment: String,
}

#[derive(Debug, Deserialize)]
struct ApiSearchPage {
    features: Vec<ApiSearchFeature>,
    total: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiSearchFeature {
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    created_at: Option<Timestamp>,
    #[serde(default)]
    archived_at: Option<Timestamp>,
    #[serde(default)]
    stale: bool,
    #[serde(default)]
    environments: Vec<ApiListEnv>,
    /// Absent when the flag has none.
    #[serde(default)]
    tags: Vec<ApiTag>,
    #[serde(default)]
    created_by: Option<ApiUser>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiListEnv {
    name: String,
    #[serde(default)]
    enabled: bool,
    /// Legacy environment variants only (strategy variants are not counted).
    #[serde(default)]
    variant_count: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct ApiTag {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

impl ApiTag {
    /// `simple` tags by their value (so `simple:permanent` is the exempt tag `permanent`),
    /// other tag types as `type:value`.
    fn label(&self) -> String {
        if self.kind == "simple" {
            self.value.clone()
        } else {
            format!("{}:{}", self.kind, self.value)
        }
    }
}

#[derive(Debug, Deserialize)]
struct ApiUser {
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiFeatureDetail {
    name: String,
    #[serde(default)]
    environments: Vec<ApiDetailEnv>,
    #[serde(default)]
    dependencies: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct ApiDetailEnv {
    name: String,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    strategies: Vec<ApiStrategy>,
    /// Legacy environment variants, present only with `?variantEnvironments=true`.
    #[serde(default)]
    variants: Option<Vec<ApiVariant>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiStrategy {
    name: String,
    #[serde(default)]
    constraints: Vec<Value>,
    #[serde(default)]
    segments: Vec<Value>,
    #[serde(default)]
    parameters: serde_json::Map<String, Value>,
    #[serde(default)]
    variants: Vec<ApiVariant>,
    #[serde(default)]
    disabled: Option<bool>,
    #[serde(default)]
    sort_order: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct ApiVariant {
    name: String,
    #[serde(default)]
    weight: f64,
    #[serde(default)]
    payload: Option<Value>,
    #[serde(default)]
    overrides: Vec<ApiOverride>,
}

impl PartialEq for ApiVariant {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.weight == other.weight && self.payload == other.payload
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiOverride {
    context_name: String,
    #[serde(default)]
    values: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct ApiEventPage {
    events: Vec<ApiEvent>,
    total: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiEvent {
    created_at: Timestamp,
    #[serde(default)]
    feature_name: Option<String>,
    #[serde(default)]
    environment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(json: Value) -> ApiStrategy {
        serde_json::from_value(json).unwrap()
    }

    fn env(json: Value) -> ApiDetailEnv {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn reach_of_strategies() {
        let flexible = |rollout: &str| {
            strategy(
                serde_json::json!({"name": "flexibleRollout", "parameters": {"rollout": rollout}}),
            )
        };
        assert_eq!(reach(&flexible("100")), Reach::Everyone);
        assert_eq!(reach(&flexible("50")), Reach::Share);
        assert_eq!(reach(&flexible("0")), Reach::Nobody);
        assert_eq!(
            reach(&strategy(
                serde_json::json!({"name": "flexibleRollout", "parameters": {"rollout": 100}})
            )),
            Reach::Everyone
        );
        assert_eq!(
            reach(&strategy(serde_json::json!({"name": "default"}))),
            Reach::Everyone
        );
        assert_eq!(
            reach(&strategy(
                serde_json::json!({"name": "flexibleRollout", "parameters": {"rollout": "100"}, "segments": [1]})
            )),
            Reach::Targeted
        );
        assert_eq!(
            reach(&strategy(
                serde_json::json!({"name": "remoteAddress", "parameters": {"IPs": "10.0.0.1"}})
            )),
            Reach::Targeted
        );
    }

    #[test]
    fn on_with_only_zero_percent_serves_off() {
        let state = env_state(
            &env(
                serde_json::json!({"name": "production", "enabled": true, "strategies": [
                    {"name": "flexibleRollout", "parameters": {"rollout": "0"}}
                ]}),
            ),
            &[],
        );
        assert!(state.serves_one_result());
        assert!(!state.enabled);
    }

    #[test]
    fn user_ids_are_identity_overrides() {
        let state = env_state(
            &env(
                serde_json::json!({"name": "production", "enabled": true, "strategies": [
                    {"name": "userWithId", "parameters": {"userIds": "a, b,c"}}
                ]}),
            ),
            &[],
        );
        assert_eq!((state.identity_overrides, state.segment_overrides), (3, 0));
        assert!(state.enabled);
    }

    #[test]
    fn a_targeted_strategy_before_everyone_matters_only_with_other_variants() {
        let plain = env_state(
            &env(
                serde_json::json!({"name": "p", "enabled": true, "strategies": [
                    {"name": "flexibleRollout", "parameters": {"rollout": "100"}, "constraints": [{"contextName": "email"}], "sortOrder": 0},
                    {"name": "flexibleRollout", "parameters": {"rollout": "100"}, "sortOrder": 1}
                ]}),
            ),
            &[],
        );
        assert!(plain.serves_one_result() && plain.enabled);
        let variant = env_state(
            &env(
                serde_json::json!({"name": "p", "enabled": true, "strategies": [
                    {"name": "flexibleRollout", "parameters": {"rollout": "100"}, "constraints": [{"contextName": "email"}],
                     "variants": [{"name": "blue", "weight": 1000}], "sortOrder": 0},
                    {"name": "flexibleRollout", "parameters": {"rollout": "100"}, "sortOrder": 1}
                ]}),
            ),
            &[],
        );
        assert_eq!(variant.segment_overrides, 1);
    }

    #[test]
    fn server_root_drops_api_suffixes() {
        let suffixes = ["api/admin", "api"];
        assert_eq!(
            server_root("https://u.example.com/demo/api/", &suffixes),
            "https://u.example.com/demo/"
        );
        assert_eq!(
            server_root("https://u.example.com/api/admin", &suffixes),
            "https://u.example.com/"
        );
        assert_eq!(
            server_root("http://127.0.0.1:4242", &suffixes),
            "http://127.0.0.1:4242/"
        );
    }

    #[test]
    fn error_messages_from_whole_and_cut_bodies() {
        assert_eq!(
            message_of(r#"{"details":[{"message":"x"}],"id":"1","message":"You must log in to use Unleash.","name":"UnauthorizedError"}"#).as_deref(),
            Some("You must log in to use Unleash.")
        );
        assert_eq!(
            message_of(
                r#"{"details":[{"message":"The `/query/project` property must match pattern \"^(IS"#
            )
            .as_deref(),
            Some("The `/query/project` property must match pattern \"^(IS...")
        );
        assert_eq!(message_of("plain text"), None);
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(seg("new-checkout"), "new-checkout");
        assert_eq!(seg("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn options_debug_hides_the_token() {
        let options = UnleashOptions {
            api_token: "*:*.very-secret-token".to_owned(),
            ..UnleashOptions::default()
        };
        assert!(!format!("{options:?}").contains("very-secret"));
    }
}
