//! The Flagsmith provider: reads one project through the Admin API (v1) into a [`FlagSet`],
//! and uploads code-reference scans.
//!
//! Works against SaaS and self-hosted instances alike (configurable base URL, Admin API key
//! auth). Requests are chosen to cover every feature with list endpoints at the largest page
//! each honours, so their number stays flat as a project grows; per-feature calls are made
//! only where no list carries the data, and only for the flags the rules would judge on it
//! (see `Flagsmith`'s `fetch`). The shapes and quirks relied on are those recorded in
//! `fixtures/flagsmith-api/README.md`; which list honours `page_size` and which counts
//! identity overrides are from Flagsmith's source (README "What Flagsmith is asked").

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::common::{find_project, person_name, provider_options, Project};
use super::http::JsonClient;
use super::{FlagSource, ProviderError, ReadStats};
use crate::flag::{EnvState, Flag, FlagSet};

/// Flagsmith SaaS; a self-hosted instance is `https://<host>/api/v1/`.
pub const DEFAULT_BASE_URL: &str = "https://api.flagsmith.com/api/v1/";
/// Where the caller reads the Admin API key from; named in authentication errors.
pub const API_KEY_VAR: &str = "FLAGSMITH_API_KEY";

/// The server's maximum, for the lists that honour `page_size` (features, versions, audit:
/// Flagsmith's `CustomPagination`). The others (environments, tags, feature states) page at
/// the server's default whatever `page_size` says: 999 on SaaS and in the Docker image
/// (production settings), 10 on development settings.
const PAGE_SIZE: &str = "999";
const PAGE_SIZE_N: u64 = 999;
/// The edge v2 migration state under which the features list counts Edge identity overrides.
const MIGRATION_COMPLETE: &str = "COMPLETE";
/// Shares below this are float noise (100 - 33.3 - 33.3 - 33.4), not a variant being served.
const SHARE_EPSILON: f64 = 1e-9;

/// What to read and how hard to try.
#[derive(Clone)]
pub struct FlagsmithOptions {
    /// The API root, default [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// An organisation Admin API key, from `FLAGSMITH_API_KEY` (read by the caller).
    pub api_key: String,
    /// Project id or name; empty picks the only project the key sees.
    pub project: String,
    /// Environment names or client-side environment keys; empty means all of them.
    pub environments: Vec<String>,
    /// First retry delay; doubles per retry (tests set it to milliseconds).
    pub retry_base: Duration,
    /// Per request, connecting and reading included.
    pub timeout: Duration,
    /// The whole read, every request and retry, from the first request on.
    pub deadline: Duration,
}

provider_options!(FlagsmithOptions {
    secret: api_key,
    base_url: DEFAULT_BASE_URL,
    project: "",
});

/// A code-reference scan as `POST /projects/{id}/code-references/` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeReferenceScan {
    pub repository_url: String,
    /// `github` is the one provider this Flagsmith version knows.
    pub vcs_provider: String,
    /// The commit scanned.
    pub revision: String,
    pub code_references: Vec<CodeReference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeReference {
    pub feature_name: String,
    /// Relative to the repository root.
    pub file_path: String,
    /// 1-based.
    pub line_number: u32,
}

/// The Flagsmith flag source. The API key lives only inside its HTTP client.
#[derive(Debug)]
pub struct Flagsmith {
    options: FlagsmithOptions,
    client: JsonClient,
    /// Of the last successful fetch.
    stats: Mutex<Option<ReadStats>>,
}

/// Where a project's identity-override counts come from (Flagsmith's `get_overrides_data`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum IdentityCounts {
    /// The features list's `num_identity_overrides`: Core projects count them in the
    /// database, and Edge projects whose v2 identity-override migration is `COMPLETE`
    /// count them in DynamoDB.
    FeatureList { edge: bool },
    /// An Edge project not yet migrated: the list leaves them null whatever there is, so
    /// `edge-identity-overrides` is asked per feature, for the flags that need it.
    PerFeature { migration: String },
}

impl IdentityCounts {
    fn of(project: &ApiProject) -> IdentityCounts {
        let migration = project.edge_v2_migration_status.as_deref().unwrap_or("");
        if !project.enable_dynamo_db {
            IdentityCounts::FeatureList { edge: false }
        } else if migration == MIGRATION_COMPLETE {
            IdentityCounts::FeatureList { edge: true }
        } else {
            IdentityCounts::PerFeature {
                migration: if migration.is_empty() {
                    "not given".to_owned()
                } else {
                    migration.to_owned()
                },
            }
        }
    }
}

impl Flagsmith {
    /// Validates the URL (https, or http to loopback) and the key; sends nothing yet.
    pub fn new(mut options: FlagsmithOptions) -> Result<Self, ProviderError> {
        let base = options.base_url.clone();
        let client = options.client(&base, "Api-Key", API_KEY_VAR)?;
        Ok(Flagsmith {
            options,
            client,
            stats: Mutex::new(None),
        })
    }

    /// Uploads a code-reference scan for the configured project. Sending the same scan
    /// twice only records it twice (the service reports each repository's latest scan),
    /// which is why this POST is retried like the reads.
    pub fn upload_code_references(&self, body: &CodeReferenceScan) -> Result<(), ProviderError> {
        let project = self.project()?;
        let _created: serde_json::Map<String, Value> = self
            .client
            .post(&format!("projects/{}/code-references/", project.id), body)?;
        Ok(())
    }

    fn project(&self) -> Result<ApiProject, ProviderError> {
        // A bare array today; read as a list so a paginated future version still works.
        let projects: Vec<ApiProject> = self.client.get_all("projects/", &[])?;
        let wanted = self.options.project.trim();
        match projects.as_slice() {
            [only] if wanted.is_empty() => Ok(only.clone()),
            _ => find_project(&projects, wanted).cloned(),
        }
    }

    fn select_environments<'a>(
        &self,
        project: &ApiProject,
        all: &'a [ApiEnvironment],
    ) -> Result<Vec<&'a ApiEnvironment>, ProviderError> {
        if all.is_empty() {
            return Err(ProviderError::NoEnvironments {
                project: project.name.clone(),
                credential: API_KEY_VAR,
            });
        }
        let wanted = &self.options.environments;
        let missing: Vec<String> = wanted
            .iter()
            .filter(|w| !all.iter().any(|e| e.matches(w)))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(ProviderError::UnknownEnvironment {
                project: project.name.clone(),
                missing,
                available: all.iter().map(|e| e.name.clone()).collect(),
            });
        }
        // Service order, not config order, so output does not depend on how the list is written.
        let selected: Vec<&ApiEnvironment> = all
            .iter()
            .filter(|e| wanted.is_empty() || wanted.iter().any(|w| e.matches(w)))
            .collect();
        let mut names = HashSet::new();
        for env in &selected {
            if !names.insert(env.name.as_str()) {
                return Err(ProviderError::DuplicateEnvironment {
                    project: project.name.clone(),
                    name: env.name.clone(),
                });
            }
        }
        Ok(selected)
    }

    /// The default (no segment, no identity) feature-state rows of one environment, by
    /// feature id, where they are needed: v1 environments need them for `updated_at`
    /// (and get the multivariate split with it); v2 environments only for the split of
    /// multivariate features.
    fn feature_states(
        &self,
        env: &ApiEnvironment,
        features: &[ApiFeature],
    ) -> Result<HashMap<u64, ApiFeatureState>, ProviderError> {
        let path = format!("environments/{}/featurestates/", env.api_key);
        let multivariate: Vec<u64> = features
            .iter()
            .filter(|f| !f.multivariate_options.is_empty())
            .map(|f| f.id)
            .collect();
        let rows: Vec<ApiFeatureState> = if !env.use_v2_feature_versioning {
            self.client.get_all(&path, &[])?
        } else if multivariate.len() <= 1 {
            self.rows_of(&path, &multivariate)?
        } else {
            self.multivariate_rows(&path, &multivariate)?
        };
        Ok(default_rows(rows))
    }

    /// The rows of several multivariate features in a v2 environment: the list or one call
    /// per feature, whichever takes fewer requests. The list pages at the server's default,
    /// which no parameter changes and only a page shows, so its first page is read, and
    /// what that page leaves out is finished whichever way is cheaper.
    fn multivariate_rows(
        &self,
        path: &str,
        multivariate: &[u64],
    ) -> Result<Vec<ApiFeatureState>, ProviderError> {
        let mut pager = self.client.pages::<ApiFeatureState>(path, &[])?;
        let Some(first) = pager.next_page()? else {
            return Ok(Vec::new());
        };
        let mut rows = first.results;
        if !first.has_next {
            return Ok(rows);
        }
        let seen: HashSet<u64> = rows.iter().map(|r| r.feature).collect();
        let missing: Vec<u64> = multivariate
            .iter()
            .copied()
            .filter(|id| !seen.contains(id))
            .collect();
        if missing.is_empty() {
            return Ok(rows);
        }
        let per_page = rows.len().max(1) as u64;
        let remaining_pages = first
            .count
            .map_or(u64::MAX, |c| c.div_ceil(per_page).saturating_sub(1));
        if remaining_pages <= missing.len() as u64 {
            while let Some(page) = pager.next_page()? {
                rows.extend(page.results);
            }
        } else {
            rows.extend(self.rows_of(path, &missing)?);
        }
        Ok(rows)
    }

    /// One `?feature=` call per feature.
    fn rows_of(&self, path: &str, features: &[u64]) -> Result<Vec<ApiFeatureState>, ProviderError> {
        let mut rows = Vec::new();
        for id in features {
            let id = id.to_string();
            rows.extend(
                self.client
                    .get_all::<ApiFeatureState>(path, &[("feature", &id)])?,
            );
        }
        Ok(rows)
    }

    /// Identity overrides of an Edge project not yet migrated, where the features list has
    /// none: one `edge-identity-overrides?feature=` call per flag and environment, for the
    /// flags that otherwise serve one result everywhere (the others are judged on nothing an
    /// identity override could change), and, per flag, only until one environment has an
    /// override, since one is enough to make a flag serve more than one result. Returns how
    /// many flags were asked about.
    fn edge_identity_overrides(
        &self,
        envs: &[&ApiEnvironment],
        flags: &mut [Flag],
        ids: &[u64],
    ) -> Result<usize, ProviderError> {
        let mut asked = 0;
        for (flag, id) in flags.iter_mut().zip(ids) {
            if !judged_by_age(flag) {
                continue;
            }
            asked += 1;
            let id = id.to_string();
            for env in envs {
                let path = format!("environments/{}/edge-identity-overrides", env.api_key);
                let overrides: Vec<EdgeOverride> =
                    self.client.get_all(&path, &[("feature", &id)])?;
                let count = u32::try_from(overrides.len()).unwrap_or(u32::MAX);
                if let Some(state) = flag.environments.get_mut(&env.name) {
                    state.identity_overrides = count;
                }
                if count > 0 {
                    break;
                }
            }
        }
        Ok(asked)
    }

    /// Newest live v2 version: `is_live` marks every published version already in force,
    /// so the newest of those, not the first flagged one, is the current.
    fn last_published(
        &self,
        env: &ApiEnvironment,
        feature: u64,
    ) -> Result<Option<Timestamp>, ProviderError> {
        let versions: Vec<ApiVersion> = self.client.get_all(
            &format!("environments/{}/features/{feature}/versions/", env.id),
            &[("page_size", PAGE_SIZE)],
        )?;
        Ok(versions
            .iter()
            .filter(|v| v.is_live)
            .filter_map(|v| v.live_from)
            .max())
    }

    /// The state of `feature` in `env` from the lists read; `last_changed` is left empty
    /// in a v2 environment whose list lacks `last_modified_in_current_environment`
    /// (its versions are asked later, only if the flag is judged by age).
    fn env_state(
        env: &ApiEnvironment,
        feature: &ApiFeature,
        row: Option<&ApiFeatureState>,
        identities: &IdentityCounts,
    ) -> Result<EnvState, ProviderError> {
        let state = &feature.environment_feature_state;
        let mut value = state.feature_state_value.clone();
        let mut split = false;
        if !feature.multivariate_options.is_empty() {
            let row = row.ok_or_else(|| ProviderError::Inconsistent {
                what: format!(
                    "multivariate feature {:?} has no feature state in environment {:?}",
                    feature.name, env.name
                ),
            })?;
            let (served, variants) = served_variants(row);
            split = variants > 1;
            if let Some(Some(option_id)) = served.filter(|_| variants == 1) {
                // Everyone gets one option, not the control: that option is the value served.
                let option = feature
                    .multivariate_options
                    .iter()
                    .find(|o| o.id == option_id)
                    .ok_or_else(|| ProviderError::Inconsistent {
                        what: format!(
                            "feature {:?} in environment {:?} allocates to multivariate option {option_id}, which the feature does not list",
                            feature.name, env.name
                        ),
                    })?;
                value = option.value();
            }
        }

        let last_changed = if env.use_v2_feature_versioning {
            feature.last_modified_in_current_environment
        } else {
            row.and_then(|r| r.updated_at)
        };

        // Null means none where the list counts them; where it cannot, they are asked
        // per feature afterwards.
        let identity_overrides = match identities {
            IdentityCounts::FeatureList { .. } => feature.num_identity_overrides.unwrap_or(0),
            IdentityCounts::PerFeature { .. } => 0,
        };

        Ok(EnvState {
            enabled: state.enabled,
            value,
            segment_overrides: feature.num_segment_overrides.unwrap_or(0),
            identity_overrides,
            split,
            last_changed,
        })
    }

    /// Refines v1 environments' `last_changed` with the project audit log.
    ///
    /// A v1 default row's `updated_at` misses changes to the overrides around it: a segment
    /// or identity override removed yesterday leaves a flag that looks untouched for months.
    /// Only the audit log shows that, and only on paid plans; on free plans it is empty.
    /// It matters only for flags that now serve one result everywhere (the ones `stale-flag`
    /// judges by age), so one env-filtered page is read first (count 0 ends it there), every
    /// entry read is applied to every flag, and what is still open is finished either by
    /// reading on (newest first, stopping once older than every open timestamp) or by one
    /// `search=` per open flag, whichever takes fewer requests.
    fn refine_with_audit(
        &self,
        project_id: u64,
        envs: &[&ApiEnvironment],
        flags: &mut [Flag],
    ) -> Result<(), ProviderError> {
        let v1: BTreeMap<u64, String> = envs
            .iter()
            .filter(|e| !e.use_v2_feature_versioning)
            .map(|e| (e.id, e.name.clone()))
            .collect();
        if v1.is_empty() {
            return Ok(());
        }
        let by_key: HashMap<String, usize> = flags
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.clone(), i))
            .collect();
        let mut open: BTreeSet<(usize, String)> = BTreeSet::new();
        for (i, flag) in flags.iter().enumerate() {
            if !judged_by_age(flag) {
                continue;
            }
            for name in v1.values() {
                open.insert((i, name.clone()));
            }
        }

        let env_ids: Vec<String> = v1.keys().map(u64::to_string).collect();
        let mut query: Vec<(&str, &str)> = env_ids
            .iter()
            .map(|id| ("environments", id.as_str()))
            .collect();
        query.push(("page_size", PAGE_SIZE));
        let path = format!("projects/{project_id}/audit/");

        let mut audit = AuditState {
            v1: &v1,
            by_key: &by_key,
            flags,
            open: &mut open,
        };
        let mut pager = self.client.pages::<ApiAuditEntry>(&path, &query)?;
        let Some(first) = pager.next_page()? else {
            return Ok(());
        };
        audit.apply(&first.results);
        if !first.has_next || audit.open.is_empty() {
            return Ok(());
        }

        let remaining_pages = first
            .count
            .map_or(u64::MAX, |c| c.div_ceil(PAGE_SIZE_N).saturating_sub(1));
        let open_flags: BTreeSet<usize> = audit.open.iter().map(|(i, _)| *i).collect();
        if remaining_pages <= open_flags.len() as u64 {
            while let Some(page) = pager.next_page()? {
                audit.apply(&page.results);
                if audit.open.is_empty() || audit.past_all_open(&page.results, None) {
                    break;
                }
            }
        } else {
            for i in open_flags {
                let key = audit.flags[i].key.clone();
                let mut search = query.clone();
                search.push(("search", key.as_str()));
                let mut pager = self.client.pages::<ApiAuditEntry>(&path, &search)?;
                while let Some(page) = pager.next_page()? {
                    audit.apply(&page.results);
                    if audit.past_all_open(&page.results, Some(i)) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}

impl FlagSource for Flagsmith {
    fn name(&self) -> &'static str {
        "flagsmith"
    }

    /// Requests, in order: `GET /projects/`; `GET /environments/?project=` (every page);
    /// `GET /projects/{id}/tags/`; per environment `GET /projects/{id}/features/?environment=&page_size=999`,
    /// then the feature-state rows it needs (see `feature_states`); on an Edge project not
    /// yet migrated, `edge-identity-overrides` for the flags that need it (see
    /// `edge_identity_overrides`); for a v2 feature without
    /// `last_modified_in_current_environment` that is judged by age, its versions; finally,
    /// when any checked environment is v1, the audit log (see `refine_with_audit`).
    fn fetch(&self) -> Result<FlagSet, ProviderError> {
        let fetched_at = Timestamp::now();
        let requests_before = self.client.requests();
        let project = self.project()?;
        let identities = IdentityCounts::of(&project);
        let project_id = project.id.to_string();
        let all_envs: Vec<ApiEnvironment> = self
            .client
            .get_all("environments/", &[("project", &project_id)])?;
        let envs = self.select_environments(&project, &all_envs)?;
        let tags: HashMap<u64, ApiTag> = self
            .client
            .get_all::<ApiTag>(&format!("projects/{project_id}/tags/"), &[])?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();

        let mut flags: Vec<Flag> = Vec::new();
        // Feature ids, by flag index.
        let mut ids: Vec<u64> = Vec::new();
        let mut index: HashMap<u64, usize> = HashMap::new();
        // v2 states without a last-modified time: (flag index, environment index).
        let mut undated: Vec<(usize, usize)> = Vec::new();
        for (n, env) in envs.iter().enumerate() {
            let env_id = env.id.to_string();
            let features: Vec<ApiFeature> = self.client.get_all(
                &format!("projects/{project_id}/features/"),
                &[("environment", &env_id), ("page_size", PAGE_SIZE)],
            )?;
            let rows = self.feature_states(env, &features)?;
            for feature in &features {
                let i = match index.get(&feature.id) {
                    Some(i) => *i,
                    None if n == 0 => {
                        flags.push(flag_of(feature, &tags)?);
                        ids.push(feature.id);
                        index.insert(feature.id, flags.len() - 1);
                        flags.len() - 1
                    }
                    None => {
                        return Err(ProviderError::Inconsistent {
                            what: format!(
                                "feature {:?} is listed in environment {:?} but not in {:?}",
                                feature.name, env.name, envs[0].name
                            ),
                        })
                    }
                };
                let state = Self::env_state(env, feature, rows.get(&feature.id), &identities)?;
                if env.use_v2_feature_versioning && state.last_changed.is_none() {
                    undated.push((i, n));
                }
                flags[i].environments.insert(env.name.clone(), state);
            }
        }
        for flag in &flags {
            if let Some(env) = envs
                .iter()
                .find(|e| !flag.environments.contains_key(&e.name))
            {
                return Err(ProviderError::Inconsistent {
                    what: format!(
                        "feature {:?} is missing from environment {:?}",
                        flag.key, env.name
                    ),
                });
            }
        }

        let identity_note = match &identities {
            IdentityCounts::FeatureList { edge: false } => "identity overrides: counted by the features list \
                 (a Core project: enable_dynamo_db is false)"
                .to_owned(),
            IdentityCounts::FeatureList { edge: true } => "identity overrides: counted by the features list \
                 (an Edge project whose edge_v2_migration_status is COMPLETE, so Flagsmith counts them)"
                .to_owned(),
            IdentityCounts::PerFeature { migration } => {
                let before = self.client.requests();
                let asked = self.edge_identity_overrides(&envs, &mut flags, &ids)?;
                format!(
                    "identity overrides: asked with edge-identity-overrides for the {asked} of {} \
                     flags that otherwise serve one result everywhere, in {} \
                     (an Edge project whose edge_v2_migration_status is {migration}, not COMPLETE: \
                     the features list cannot count them until the migration completes, and \
                     overrides it has not copied yet are missed)",
                    flags.len(),
                    super::plural(self.client.requests() - before, "request"),
                )
            }
        };

        for (i, n) in undated {
            if judged_by_age(&flags[i]) {
                let env = envs[n];
                let last = self.last_published(env, ids[i])?;
                if let Some(state) = flags[i].environments.get_mut(&env.name) {
                    state.last_changed = last;
                }
            }
        }

        self.refine_with_audit(project.id, &envs, &mut flags)?;

        let stats = ReadStats {
            provider: self.name(),
            requests: self.client.requests() - requests_before,
            elapsed: self.client.elapsed(),
            notes: vec![identity_note],
        };
        *self.stats.lock().unwrap_or_else(|e| e.into_inner()) = Some(stats);

        Ok(FlagSet {
            provider: self.name().to_owned(),
            project: Some(project.name.clone()),
            environments: envs.iter().map(|e| e.name.clone()).collect(),
            stale_after_days: project.stale_flags_limit_days,
            fetched_at: Some(fetched_at),
            flags,
        })
    }

    fn stats(&self) -> Option<ReadStats> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

struct AuditState<'a> {
    v1: &'a BTreeMap<u64, String>,
    by_key: &'a HashMap<String, usize>,
    flags: &'a mut [Flag],
    /// (flag index, environment name) pairs still waiting for their newest audit entry.
    open: &'a mut BTreeSet<(usize, String)>,
}

impl AuditState<'_> {
    fn apply(&mut self, entries: &[ApiAuditEntry]) {
        for entry in entries {
            let Some(env) = entry.environment.as_ref().and_then(|e| self.v1.get(&e.id)) else {
                continue;
            };
            let Some(name) = feature_named_in(&entry.log, entry.related_object_type.as_deref())
            else {
                continue;
            };
            let Some(&i) = self.by_key.get(name) else {
                continue;
            };
            if let Some(state) = self.flags[i].environments.get_mut(env) {
                if state.last_changed.is_none_or(|t| t < entry.created_date) {
                    state.last_changed = Some(entry.created_date);
                }
            }
            // Newest first: the first entry seen for a pair is its newest.
            self.open.remove(&(i, env.clone()));
        }
    }

    /// Entries come newest first; once a page ends before every open pair's own timestamp,
    /// nothing further down can move any of them. `only` narrows that to one flag's pairs.
    fn past_all_open(&self, page: &[ApiAuditEntry], only: Option<usize>) -> bool {
        let Some(oldest) = page.iter().map(|e| e.created_date).min() else {
            return true;
        };
        self.open
            .iter()
            .filter(|(i, _)| only.is_none_or(|o| o == *i))
            .all(|(i, env)| {
                self.flags[*i]
                    .environments
                    .get(env)
                    .and_then(|s| s.last_changed)
                    .is_some_and(|t| oldest < t)
            })
    }
}

/// The default rows (no identity, no segment) by feature: of several rows for one feature,
/// the one in force now.
fn default_rows(rows: Vec<ApiFeatureState>) -> HashMap<u64, ApiFeatureState> {
    let now = Timestamp::now();
    let mut by_feature: HashMap<u64, ApiFeatureState> = HashMap::new();
    for row in rows {
        if row.identity.is_some() || row.feature_segment.is_some() {
            continue;
        }
        let replace = match by_feature.get(&row.feature) {
            None => true,
            Some(kept) => row.in_force_rank(now) > kept.in_force_rank(now),
        };
        if replace {
            by_feature.insert(row.feature, row);
        }
    }
    by_feature
}

/// Whether the rules would judge this flag by age: live, not permanent, and serving one
/// result, the same one, in every environment read. Only for these do identity overrides
/// and change times decide anything, so only for these are they asked one call at a time.
fn judged_by_age(flag: &Flag) -> bool {
    let mut states = flag.environments.values();
    let Some(first) = states.next() else {
        return false;
    };
    !flag.archived
        && !flag.permanent
        && first.serves_one_result()
        && states
            .all(|s| s.serves_one_result() && s.enabled == first.enabled && s.value == first.value)
}

/// The feature an audit entry is about. Its `related_object_id` is a feature-state id for
/// state changes, so the log text is the only link: `... feature 'name' ...` in override
/// and multivariate messages, `...: name` at the end of the others.
fn feature_named_in<'a>(log: &'a str, object_type: Option<&str>) -> Option<&'a str> {
    const QUOTED: &str = "feature '";
    if let Some(start) = log.find(QUOTED) {
        let rest = &log[start + QUOTED.len()..];
        return rest.find('\'').map(|end| &rest[..end]);
    }
    match object_type {
        Some("FEATURE" | "FEATURE_STATE" | "EF_VERSION") => log
            .rsplit_once(": ")
            .map(|(_, name)| name.trim().trim_end_matches('.')),
        _ => None,
    }
}

/// The variant everyone gets, if only one gets a share, and how many get one.
/// The control value's share is not stored: it is 100 minus the options' shares.
fn served_variants(row: &ApiFeatureState) -> (Option<Option<u64>>, usize) {
    let options: f64 = row
        .multivariate_feature_state_values
        .iter()
        .map(|v| v.percentage_allocation)
        .sum();
    let control = (100.0 - options).max(0.0);
    let served: Vec<Option<u64>> = std::iter::once((None, control))
        .chain(
            row.multivariate_feature_state_values
                .iter()
                .map(|v| (Some(v.multivariate_feature_option), v.percentage_allocation)),
        )
        .filter(|(_, share)| *share > SHARE_EPSILON)
        .map(|(variant, _)| variant)
        .collect();
    (served.first().copied(), served.len())
}

fn flag_of(feature: &ApiFeature, tags: &HashMap<u64, ApiTag>) -> Result<Flag, ProviderError> {
    let mut flag = Flag {
        key: feature.name.clone(),
        description: feature.description.clone().filter(|d| !d.trim().is_empty()),
        created: feature.created_date,
        archived: feature.is_archived,
        kind: feature.kind.clone(),
        ..Flag::default()
    };
    for id in &feature.tags {
        let tag = tags.get(id).ok_or_else(|| ProviderError::Inconsistent {
            what: format!(
                "feature {:?} has tag id {id}, which is not in the project's tags",
                feature.name
            ),
        })?;
        flag.tags.push(tag.label.clone());
        flag.permanent |= tag.is_permanent;
        flag.service_stale |= tag.kind.as_deref() == Some("STALE");
    }
    flag.owners = feature
        .owners
        .iter()
        .map(ApiUser::display_name)
        .chain(feature.group_owners.iter().map(|g| g.name.clone()))
        .collect();
    Ok(flag)
}

/// Flagsmith's typed-value object `{type, string_value, integer_value, boolean_value}` as a
/// plain JSON value; `type` says which field holds it (`unicode`, `int`, `bool`).
fn typed_value(
    kind: Option<&str>,
    string_value: Option<&str>,
    integer_value: Option<i64>,
    boolean_value: Option<bool>,
) -> Option<Value> {
    let string = || string_value.map(|s| Value::String(s.to_owned()));
    let integer = || integer_value.map(Value::from);
    let boolean = || boolean_value.map(Value::Bool);
    match kind {
        Some("int") => integer().or_else(string).or_else(boolean),
        Some("bool") => boolean().or_else(string).or_else(integer),
        _ => string().or_else(integer).or_else(boolean),
    }
}

/// `feature_state_value` is a bare scalar in lists and the environment document, but the
/// typed-value object in `/features/featurestates/` and version states; both become a
/// plain value (null when the flag has none).
fn de_state_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::Object(map) => {
            let known = ["type", "string_value", "integer_value", "boolean_value"];
            if !map.keys().all(|k| known.contains(&k.as_str())) || map.is_empty() {
                return Err(serde::de::Error::custom(
                    "expected a scalar or {type, string_value, integer_value, boolean_value}",
                ));
            }
            Ok(typed_value(
                map.get("type").and_then(Value::as_str),
                map.get("string_value").and_then(Value::as_str),
                map.get("integer_value").and_then(Value::as_i64),
                map.get("boolean_value").and_then(Value::as_bool),
            ))
        }
        Value::Array(_) => Err(serde::de::Error::custom(
            "expected a scalar or {type, string_value, integer_value, boolean_value}, found an array",
        )),
        scalar => Ok(Some(scalar)),
    }
}

#[derive(Debug, Clone, Deserialize)]
struct ApiProject {
    id: u64,
    name: String,
    #[serde(default)]
    stale_flags_limit_days: Option<u32>,
    /// True on every SaaS project: identities live in DynamoDB ("Edge").
    #[serde(default)]
    enable_dynamo_db: bool,
    /// `NOT_STARTED`, `IN_PROGRESS`, `COMPLETE` or `INCOMPLETE` (identity overrides
    /// skipped): only `COMPLETE` lets the features list count Edge identity overrides.
    #[serde(default)]
    edge_v2_migration_status: Option<String>,
}

impl Project for ApiProject {
    fn has_id(&self, wanted: &str) -> bool {
        wanted.parse::<u64>().ok() == Some(self.id)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn label(&self) -> String {
        format!("{} (id {})", self.name, self.id)
    }
}

#[derive(Debug, Deserialize)]
struct ApiEnvironment {
    id: u64,
    name: String,
    /// The client-side key; environment paths are addressed by it.
    api_key: String,
    #[serde(default)]
    use_v2_feature_versioning: bool,
}

impl ApiEnvironment {
    fn matches(&self, wanted: &str) -> bool {
        self.name == wanted || self.api_key == wanted
    }
}

#[derive(Debug, Deserialize)]
struct ApiTag {
    id: u64,
    label: String,
    #[serde(default)]
    is_permanent: bool,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiFeature {
    id: u64,
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    created_date: Option<Timestamp>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tags: Vec<u64>,
    #[serde(default)]
    multivariate_options: Vec<ApiMvOption>,
    #[serde(default)]
    is_archived: bool,
    #[serde(default)]
    owners: Vec<ApiUser>,
    #[serde(default)]
    group_owners: Vec<ApiGroup>,
    /// Always requested with `?environment=`, so never null here: a null is a shape error.
    environment_feature_state: ApiListedState,
    #[serde(default)]
    num_segment_overrides: Option<u32>,
    /// Null when there are none, and always null on Edge projects not yet migrated.
    #[serde(default)]
    num_identity_overrides: Option<u32>,
    /// Set only in v2-versioned environments.
    #[serde(default)]
    last_modified_in_current_environment: Option<Timestamp>,
}

#[derive(Debug, Deserialize)]
struct ApiListedState {
    enabled: bool,
    #[serde(default, deserialize_with = "de_state_value")]
    feature_state_value: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct ApiMvOption {
    id: u64,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    string_value: Option<String>,
    #[serde(default)]
    integer_value: Option<i64>,
    #[serde(default)]
    boolean_value: Option<bool>,
}

impl ApiMvOption {
    fn value(&self) -> Option<Value> {
        typed_value(
            self.kind.as_deref(),
            self.string_value.as_deref(),
            self.integer_value,
            self.boolean_value,
        )
    }
}

#[derive(Debug, Deserialize)]
struct ApiUser {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
}

impl ApiUser {
    fn display_name(&self) -> String {
        person_name(
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.email.as_deref(),
        )
        .unwrap_or_else(|| format!("user {}", self.id.unwrap_or_default()))
    }
}

#[derive(Debug, Deserialize)]
struct ApiGroup {
    name: String,
}

#[derive(Debug, Deserialize)]
struct ApiFeatureState {
    feature: u64,
    /// `{id, identifier}` here; only its presence matters (an identity override row).
    #[serde(default)]
    identity: Option<Value>,
    #[serde(default)]
    feature_segment: Option<Value>,
    #[serde(default)]
    multivariate_feature_state_values: Vec<ApiMvShare>,
    #[serde(default)]
    updated_at: Option<Timestamp>,
    #[serde(default)]
    live_from: Option<Timestamp>,
}

impl ApiFeatureState {
    /// Orders the default rows of one feature so the one serving now ranks highest: a
    /// scheduled change can sit beside the live row, and the live row is the latest one
    /// already in force. A row not yet in force only wins when there is no other, so a
    /// skewed local clock degrades to "some row" rather than to none.
    fn in_force_rank(&self, now: Timestamp) -> (bool, Option<Timestamp>, Option<Timestamp>) {
        let in_force = self.live_from.is_none_or(|t| t <= now);
        let live_from = if in_force { self.live_from } else { None };
        (in_force, live_from, self.updated_at)
    }
}

#[derive(Debug, Deserialize)]
struct ApiMvShare {
    multivariate_feature_option: u64,
    percentage_allocation: f64,
}

#[derive(Debug, Deserialize)]
struct ApiVersion {
    #[serde(default)]
    live_from: Option<Timestamp>,
    #[serde(default)]
    is_live: bool,
}

#[derive(Debug, Deserialize)]
struct EdgeOverride {
    #[allow(dead_code)]
    identifier: String,
}

#[derive(Debug, Deserialize)]
struct ApiAuditEntry {
    created_date: Timestamp,
    #[serde(default)]
    log: String,
    #[serde(default)]
    environment: Option<ApiAuditEnvironment>,
    #[serde(default)]
    related_object_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiAuditEnvironment {
    id: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(shares: &[(u64, f64)]) -> ApiFeatureState {
        ApiFeatureState {
            feature: 5,
            identity: None,
            feature_segment: None,
            multivariate_feature_state_values: shares
                .iter()
                .map(|&(option, share)| ApiMvShare {
                    multivariate_feature_option: option,
                    percentage_allocation: share,
                })
                .collect(),
            updated_at: None,
            live_from: None,
        }
    }

    #[test]
    fn control_gets_what_the_options_leave() {
        assert_eq!(
            served_variants(&row(&[(1, 30.0), (2, 20.0)])),
            (Some(None), 3)
        );
        assert_eq!(
            served_variants(&row(&[(1, 50.0), (2, 50.0)])),
            (Some(Some(1)), 2)
        );
        assert_eq!(
            served_variants(&row(&[(1, 0.0), (2, 100.0)])),
            (Some(Some(2)), 1)
        );
        assert_eq!(
            served_variants(&row(&[(1, 0.0), (2, 0.0)])),
            (Some(None), 1)
        );
        assert_eq!(served_variants(&row(&[])), (Some(None), 1));
        assert_eq!(
            served_variants(&row(&[(1, 33.3), (2, 33.3), (3, 33.4)])).1,
            3
        );
    }

    #[test]
    fn the_row_in_force_wins_over_a_scheduled_one() {
        let now: Timestamp = "2026-11-25T00:00:00Z".parse().unwrap();
        let at = |live: &str, updated: &str| ApiFeatureState {
            live_from: Some(live.parse().unwrap()),
            updated_at: Some(updated.parse().unwrap()),
            ..row(&[])
        };
        let live = at("2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z");
        let scheduled = at("2026-12-01T00:00:00Z", "2026-11-20T00:00:00Z");
        let older = at("2026-10-01T00:00:00Z", "2026-11-21T00:00:00Z");
        assert!(live.in_force_rank(now) > scheduled.in_force_rank(now));
        assert!(live.in_force_rank(now) > older.in_force_rank(now));
    }

    #[test]
    fn audit_log_text_names_the_feature() {
        let cases = [
            ("Flag state updated for feature: legacy_banner", "FEATURE_STATE", Some("legacy_banner")),
            ("Multivariate value changed for feature 'button_color'.", "FEATURE_STATE", Some("button_color")),
            (
                "Remote config value updated for identity override on feature 'dark_mode' and identity 'user-456'.",
                "FEATURE_STATE",
                Some("dark_mode"),
            ),
            ("New version published for feature: api_timeout_ms", "EF_VERSION", Some("api_timeout_ms")),
            ("New Flag / Remote Config created: new_checkout", "FEATURE_STATE", Some("new_checkout")),
            ("Environment updated: Production", "ENVIRONMENT", None),
        ];
        for (log, kind, want) in cases {
            assert_eq!(feature_named_in(log, Some(kind)), want, "{log}");
        }
    }

    #[test]
    fn both_state_value_shapes() {
        #[derive(Deserialize)]
        struct S {
            #[serde(deserialize_with = "de_state_value")]
            v: Option<Value>,
        }
        let parse = |s: &str| serde_json::from_str::<S>(s).map(|s| s.v);
        assert_eq!(parse(r#"{"v": 3000}"#).unwrap(), Some(Value::from(3000)));
        assert_eq!(parse(r#"{"v": null}"#).unwrap(), None);
        assert_eq!(
            parse(r#"{"v": {"type":"int","string_value":null,"integer_value":6000,"boolean_value":null}}"#).unwrap(),
            Some(Value::from(6000))
        );
        assert_eq!(
            parse(r#"{"v": {"type":"unicode","string_value":null,"integer_value":null,"boolean_value":null}}"#).unwrap(),
            None
        );
        assert!(parse(r#"{"v": {"weird": 1}}"#).is_err());
    }

    #[test]
    fn both_timestamp_formats() {
        let z: Timestamp = "2026-11-24T22:52:01.444886Z".parse().unwrap();
        let offset: Timestamp = "2026-11-24T22:52:01.444886+00:00".parse().unwrap();
        assert_eq!(z, offset);
    }

    #[test]
    fn options_debug_hides_the_key() {
        let options = FlagsmithOptions {
            api_key: "FaKe1234.secretsecret".to_owned(),
            ..FlagsmithOptions::default()
        };
        assert!(!format!("{options:?}").contains("FaKe1234"));
    }
}
