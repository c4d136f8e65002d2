//! Synthetic Flagsmith projects of any size, served on 127.0.0.1 in the shapes of the
//! recorded responses, for measuring how many requests a read takes as a project grows.
//!
//! Nothing here is a new shape: every body is a recorded one (`fixtures/flagsmith-api/`) with
//! its ids, names and states changed (see `fixtures/flagsmith-api/extra/README.md`). The
//! server pages as Flagsmith does: `page_size` honoured up to 999 on the features list, the
//! server's default page size (999 on SaaS and in the Docker image, 10 on development
//! settings) whatever `page_size` says on environments, tags and feature states, and a page
//! past the end is the recorded 404. Requests nothing here answers get a 404 and are kept in
//! [`Synthetic::unexpected`], so a test can insist there were none.
//!
//! Feature `i` (0-based, id `i + 1`, name `feature_0000`): multivariate (30/20/50) when
//! `i % 10 == 3`, a segment override in the second environment when `i % 7 == 2`, two
//! identity overrides in the first environment when `i % 5 == 1`, tagged `permanent` when
//! `i % 13 == 4`, archived when `i % 17 == 5`, on in every environment when `i` is even.
//!
//! Included with `#[path = "support/synthetic.rs"] mod synthetic;`.

#![allow(dead_code)]

#[path = "replay.rs"]
mod replay;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use replay::server::{Seen, Server, Setup};
pub use replay::{recorded_json, Reply, API_KEY, RECORDED_ORIGIN};

/// The largest page Flagsmith's `CustomPagination` serves (features, versions, audit).
const MAX_PAGE_SIZE: usize = 999;

/// What a synthetic project is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub features: usize,
    pub environments: usize,
    /// Every environment on v2 feature versioning.
    pub v2: bool,
    /// `None` for a Core project, else an Edge one with this `edge_v2_migration_status`.
    pub edge: Option<&'static str>,
    /// The server's `PAGE_SIZE` for the lists without their own pagination.
    pub default_page_size: usize,
}

impl Shape {
    pub fn multivariate(i: usize) -> bool {
        i % 10 == 3
    }

    pub fn segment_override(i: usize, env: usize) -> bool {
        i % 7 == 2 && env == 1
    }

    pub fn identity_overrides(i: usize, env: usize) -> usize {
        if i % 5 == 1 && env == 0 {
            2
        } else {
            0
        }
    }

    pub fn permanent(i: usize) -> bool {
        i % 13 == 4
    }

    pub fn archived(i: usize) -> bool {
        i % 17 == 5
    }

    pub fn name(i: usize) -> String {
        format!("feature_{i:04}")
    }

    pub fn env_name(n: usize) -> String {
        match n {
            0 => "Development".to_owned(),
            1 => "Staging".to_owned(),
            2 => "Production".to_owned(),
            n => format!("Environment {n}"),
        }
    }

    /// Client-side keys are 22 letters and digits.
    pub fn env_key(n: usize) -> String {
        format!("SynthEnvKey{n:011}")
    }

    /// Whether the features list counts identity overrides (Flagsmith's `get_overrides_data`).
    fn counts_identities(&self) -> bool {
        self.edge.is_none_or(|status| status == "COMPLETE")
    }
}

/// A running synthetic Flagsmith.
pub struct Synthetic {
    server: Server,
    unexpected: Arc<Mutex<Vec<String>>>,
}

impl std::ops::Deref for Synthetic {
    type Target = Server;

    fn deref(&self) -> &Server {
        &self.server
    }
}

impl Synthetic {
    pub fn start(shape: Shape) -> Synthetic {
        let templates = Templates::load();
        let unexpected = Arc::new(Mutex::new(Vec::new()));
        let seen_unexpected = Arc::clone(&unexpected);
        let server = Server::with(Setup {
            auth: check_api_key,
            first_added_wins: true,
            unrouted: Box::new(move |seen| match answer(&shape, &templates, seen) {
                Some(reply) => reply,
                None => {
                    seen_unexpected
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(seen.line());
                    Reply::json(404, r#"{"detail":"Not found."}"#)
                }
            }),
            origin_in_bodies: Some(RECORDED_ORIGIN),
        });
        Synthetic { server, unexpected }
    }

    pub fn base_url(&self) -> String {
        format!("{}/api/v1/", self.origin())
    }

    /// Requests the synthetic project had no answer for.
    pub fn unexpected(&self) -> Vec<String> {
        self.unexpected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn check_api_key(authorization: Option<&str>) -> Option<Reply> {
    (authorization != Some(&format!("Api-Key {API_KEY}")[..]))
        .then(|| Reply::recorded("error_401__invalid_api_key.json"))
}

/// The recorded bodies every synthetic one is made from.
struct Templates {
    project: Value,
    environment: Value,
    tags: Value,
    feature: Value,
    multivariate_feature: Value,
    /// v1 and v2 environments' default rows differ in `environment_feature_version`.
    row_v1: Value,
    row_v2: Value,
    multivariate_row_v1: Value,
    multivariate_row_v2: Value,
    edge_override: Value,
    empty_audit: Value,
    invalid_page: Value,
}

impl Templates {
    fn load() -> Templates {
        let result_where = |file: &str, key: &str, value: Value| -> Value {
            recorded_json(file)["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r[key] == value)
                .unwrap_or_else(|| panic!("{file}: no result with {key} = {value}"))
                .clone()
        };
        let production = "env_featurestates__production__apikey.json";
        let development = "env_featurestates__development.json";
        Templates {
            project: recorded_json("projects_list__apikey.json")[0].clone(),
            environment: recorded_json("environments_list__apikey.json")["results"][0].clone(),
            tags: recorded_json("tags_list.json"),
            feature: result_where(
                "features_list__env_production.json",
                "name",
                json!("new_checkout"),
            ),
            multivariate_feature: result_where(
                "features_list__env_production.json",
                "name",
                json!("button_color"),
            ),
            row_v1: result_where(development, "feature", json!(1)),
            row_v2: result_where(production, "feature", json!(1)),
            multivariate_row_v1: result_where(development, "feature", json!(5)),
            multivariate_row_v2: result_where(production, "feature", json!(5)),
            edge_override: recorded_json("edge_identity_overrides__derived.json")["results"][0]
                .clone(),
            empty_audit: recorded_json("audit_list__project_nested__free_plan_empty.json"),
            invalid_page: recorded_json("error_404__features__page_out_of_range.json"),
        }
    }
}

/// The reply Flagsmith would give, or `None` for a request this project does not serve.
fn answer(shape: &Shape, t: &Templates, seen: &Seen) -> Option<Reply> {
    if seen.method != "GET" {
        return None;
    }
    let query = |key: &str| {
        seen.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let segments: Vec<&str> = seen
        .path
        .trim_start_matches("/api/v1/")
        .trim_end_matches('/')
        .split('/')
        .collect();
    let default_page = shape.default_page_size;
    match segments.as_slice() {
        ["projects"] => Some(Reply::value(200, &json!([project(shape, t)]))),
        ["environments"] if query("project") == Some("1") => {
            page(seen, shape.environments, default_page, t, |n| {
                environment(shape, t, n)
            })
        }
        ["projects", "1", "tags"] => Some(Reply::value(200, &t.tags)),
        ["projects", "1", "features"] => {
            let env = env_index(shape, query("environment")?.parse().ok()?)?;
            let size = match query("page_size") {
                Some(size) => size.parse::<usize>().ok()?.clamp(1, MAX_PAGE_SIZE),
                None => MAX_PAGE_SIZE,
            };
            page(seen, shape.features, size, t, |i| feature(shape, t, i, env))
        }
        ["environments", key, "featurestates"] => {
            let env = (0..shape.environments).find(|n| Shape::env_key(*n) == *key)?;
            match query("feature") {
                Some(id) => {
                    let i = id.parse::<usize>().ok()?.checked_sub(1)?;
                    let found = usize::from(i < shape.features);
                    page(seen, found, default_page, t, |_| row(shape, t, i, env))
                }
                None => page(seen, shape.features, default_page, t, |i| {
                    row(shape, t, i, env)
                }),
            }
        }
        ["environments", key, "edge-identity-overrides"] if shape.edge.is_some() => {
            let env = (0..shape.environments).find(|n| Shape::env_key(*n) == *key)?;
            let i = query("feature")?.parse::<usize>().ok()?.checked_sub(1)?;
            let overrides: Vec<Value> = (0..Shape::identity_overrides(i, env))
                .map(|n| {
                    let mut o = t.edge_override.clone();
                    o["identifier"] = json!(format!("user-{n}"));
                    o["feature_state"]["feature"] = json!(i + 1);
                    o
                })
                .collect();
            Some(Reply::value(200, &json!({ "results": overrides })))
        }
        ["projects", "1", "audit"] => Some(Reply::value(200, &t.empty_audit)),
        _ => None,
    }
}

fn env_index(shape: &Shape, id: usize) -> Option<usize> {
    (1..=shape.environments).contains(&id).then(|| id - 1)
}

fn project(shape: &Shape, t: &Templates) -> Value {
    let mut p = t.project.clone();
    if let Some(status) = shape.edge {
        p["enable_dynamo_db"] = json!(true);
        p["use_edge_identities"] = json!(true);
        p["migration_status"] = json!("MIGRATION_COMPLETED");
        p["edge_v2_migration_status"] = json!(status);
    }
    p
}

fn environment(shape: &Shape, t: &Templates, n: usize) -> Value {
    let mut e = t.environment.clone();
    e["id"] = json!(n + 1);
    e["name"] = json!(Shape::env_name(n));
    e["api_key"] = json!(Shape::env_key(n));
    e["uuid"] = json!(format!("00000000-0000-4000-8000-{:012}", n + 1));
    e["use_v2_feature_versioning"] = json!(shape.v2);
    e
}

fn feature(shape: &Shape, t: &Templates, i: usize, env: usize) -> Value {
    let multivariate = Shape::multivariate(i);
    let mut f = if multivariate {
        t.multivariate_feature.clone()
    } else {
        t.feature.clone()
    };
    let id = i + 1;
    f["id"] = json!(id);
    f["name"] = json!(Shape::name(i));
    f["uuid"] = json!(format!("00000000-0000-4000-9000-{id:012}"));
    f["description"] = Value::Null;
    f["tags"] = if Shape::permanent(i) {
        json!([1])
    } else {
        json!([])
    };
    f["is_archived"] = json!(Shape::archived(i));
    if multivariate {
        for (n, option) in f["multivariate_options"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .enumerate()
        {
            option["id"] = json!(2 * id + n);
        }
    }
    let state = &mut f["environment_feature_state"];
    state["id"] = json!(id * 100 + env);
    state["environment"] = json!(env + 1);
    state["enabled"] = json!(multivariate || i % 2 == 0);
    f["num_segment_overrides"] = json!(u32::from(Shape::segment_override(i, env)));
    let identities = Shape::identity_overrides(i, env);
    // Null, not 0, when there are none, and always null where they cannot be counted.
    f["num_identity_overrides"] = if identities > 0 && shape.counts_identities() {
        json!(identities)
    } else {
        Value::Null
    };
    if !shape.v2 {
        f["last_modified_in_current_environment"] = Value::Null;
        f["last_modified_in_any_environment"] = Value::Null;
    }
    f["code_references_counts"] = json!([]);
    f
}

fn row(shape: &Shape, t: &Templates, i: usize, env: usize) -> Value {
    let id = i + 1;
    let mut r = match (Shape::multivariate(i), shape.v2) {
        (true, true) => t.multivariate_row_v2.clone(),
        (true, false) => t.multivariate_row_v1.clone(),
        (false, true) => t.row_v2.clone(),
        (false, false) => t.row_v1.clone(),
    };
    r["id"] = json!(id * 100 + env);
    r["uuid"] = json!(format!("00000000-0000-4000-a000-{:012}", id * 100 + env));
    r["feature"] = json!(id);
    r["environment"] = json!(env + 1);
    r["enabled"] = json!(Shape::multivariate(i) || i % 2 == 0);
    if let Some(values) = r["multivariate_feature_state_values"].as_array_mut() {
        for (n, value) in values.iter_mut().enumerate() {
            value["id"] = json!(2 * id * 10 + n);
            value["multivariate_feature_option"] = json!(2 * id + n);
            // Every environment splits 30/20 (the control keeps 50).
            value["percentage_allocation"] = json!(if n == 0 { 30.0 } else { 20.0 });
        }
    }
    r
}

/// One page of `count` items (`item(n)` builds the nth) as DRF's `PageNumberPagination`
/// gives it: `count`, absolute `next`/`previous` links with the query keys sorted (`page`
/// left out for page 1), and the recorded 404 past the end.
fn page(
    seen: &Seen,
    count: usize,
    size: usize,
    t: &Templates,
    item: impl Fn(usize) -> Value,
) -> Option<Reply> {
    let number = match seen.query.iter().find(|(k, _)| k == "page") {
        Some((_, n)) => n.parse::<usize>().ok()?,
        None => 1,
    };
    let pages = count.div_ceil(size).max(1);
    if number == 0 || number > pages {
        return Some(Reply::value(404, &t.invalid_page));
    }
    let link = |n: usize| {
        let mut query: Vec<(String, String)> = seen
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .cloned()
            .collect();
        if n > 1 {
            query.push(("page".to_owned(), n.to_string()));
        }
        query.sort();
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        json!(format!(
            "{RECORDED_ORIGIN}{}?{}",
            seen.path,
            query.join("&")
        ))
    };
    let first = (number - 1) * size;
    let results: Vec<Value> = (first..count.min(first + size)).map(item).collect();
    Some(Reply::value(
        200,
        &json!({
            "count": count,
            "next": if number < pages { link(number + 1) } else { Value::Null },
            "previous": if number > 1 { link(number - 1) } else { Value::Null },
            "results": results,
        }),
    ))
}
