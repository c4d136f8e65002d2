//! The GrowthBook provider against a replay of REST API v1 responses written in the shapes
//! of GrowthBook's OpenAPI description and back-end code (`fixtures/growthbook-api/`, README
//! there): the features must map to the expected `FlagSet`, every page must be read
//! (`hasMore`, `nextOffset`), and every failure must end as an error that names the endpoint
//! and `GROWTHBOOK_API_KEY`, and never the key.

#[path = "support/flagset.rs"]
mod flagset;
#[path = "support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flaglint::flag::FlagSet;
use flaglint::provider::growthbook::{GrowthBook, GrowthBookOptions, TOKEN_VAR};
use flaglint::provider::{FlagSource, ProviderError};
use jiff::Timestamp;
use serde_json::{json, Value};

use flagset::{flag, state};
use server::{normalize_line, Reply, Server};

/// A fake secret key in GrowthBook's format.
const KEY: &str = "secret_admin_FAKEfakeFAKEfake0123456789";
const PROJECTS: &str = "/api/v1/projects?limit=100&offset=0";
const ENVIRONMENTS: &str = "/api/v1/environments";
const PAGE_1: &str = "/api/v1/features?projectId=prj_web&limit=100&offset=0";
const PAGE_2: &str = "/api/v1/features?projectId=prj_web&limit=100&offset=3";
const PAGE_3: &str = "/api/v1/features?projectId=prj_web&limit=100&offset=6";
const IDS: &str = "new-checkout,dark-mode,search-v2,beta-dashboard,button-color,api-timeout-ms,payments-kill-switch,legacy-banner,old-search";

fn stale_target() -> String {
    format!("/api/v1/stale-features?ids={}", IDS.replace(',', "%2C"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/growthbook-api")
}

fn fixture(file: &str) -> String {
    std::fs::read_to_string(fixtures().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn fixture_json(file: &str) -> Value {
    serde_json::from_str(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn ok(file: &str) -> Reply {
    Reply::json(200, fixture(file))
}

fn check_key(authorization: Option<&str>) -> Option<Reply> {
    match authorization.and_then(|a| a.strip_prefix("Bearer ")) {
        Some(k) if k == KEY => None,
        Some(_) => Some(Reply::json(401, fixture("error_401__invalid_api_key.json"))),
        None => Some(Reply::json(
            400,
            r#"{"message":"Missing Authorization header"}"#,
        )),
    }
}

fn server() -> Server {
    let replay = Server::start(check_key);
    replay.respond("GET", PROJECTS, ok("projects.json"));
    replay.respond("GET", ENVIRONMENTS, ok("environments.json"));
    replay.respond("GET", PAGE_1, ok("features__page_1.json"));
    replay.respond("GET", PAGE_2, ok("features__page_2.json"));
    replay.respond("GET", PAGE_3, ok("features__page_3.json"));
    replay.respond("GET", &stale_target(), ok("stale_features.json"));
    replay
}

fn options(replay: &Server) -> GrowthBookOptions {
    GrowthBookOptions {
        base_url: replay.origin().to_owned(),
        api_key: KEY.to_owned(),
        project: "Web App".to_owned(),
        retry_base: Duration::from_millis(5),
        timeout: Duration::from_secs(10),
        ..GrowthBookOptions::default()
    }
}

fn fetch(options: GrowthBookOptions) -> Result<FlagSet, ProviderError> {
    GrowthBook::new(options)?.fetch()
}

fn fetch_ok(options: GrowthBookOptions) -> FlagSet {
    fetch(options).unwrap_or_else(|e| panic!("fetch failed: {e}"))
}

fn fetch_err(options: GrowthBookOptions) -> ProviderError {
    let key = options.api_key.clone();
    flagset::expect_error(fetch(options), &[&key, KEY, "FAKEfakeFAKE"])
}

fn ts(text: &str) -> Option<Timestamp> {
    Some(text.parse().unwrap())
}

#[test]
fn features_map_to_expected_flagset() {
    let replay = server();
    let set = fetch_ok(options(&replay));
    assert_eq!(set.provider, "growthbook");
    assert_eq!(set.project.as_deref(), Some("Web App"));
    // staging-eu belongs to another project.
    assert_eq!(set.environments, ["dev", "production"]);
    assert_eq!(set.flags.len(), 9);

    for env in ["dev", "production"] {
        let s = state(&set, "new-checkout", env);
        assert!(
            s.enabled && s.serves_one_result() && s.value.is_none(),
            "{env}"
        );
        // Default false, but an unconditional force rule serves true to everyone.
        let s = state(&set, "dark-mode", env);
        assert!(s.enabled && s.serves_one_result(), "dark-mode {env}");
        assert_eq!(state(&set, "beta-dashboard", env).segment_overrides, 1);
        let off = state(&set, "legacy-banner", env);
        assert!(!off.enabled && off.serves_one_result());
        // Archived: no definition, read from its rules.
        assert!(state(&set, "old-search", env).enabled);
    }
    assert!(state(&set, "search-v2", "production").split);
    assert!(state(&set, "search-v2", "dev").serves_one_result());
    assert!(state(&set, "button-color", "production").split);
    let off = state(&set, "button-color", "dev");
    assert!(
        !off.enabled && off.value.is_none(),
        "disabled: the code's fallback"
    );
    assert_eq!(
        state(&set, "api-timeout-ms", "dev").value,
        Some(json!(3000))
    );
    assert_eq!(
        state(&set, "api-timeout-ms", "production").value,
        Some(json!(6000))
    );

    // Flag-level fields; GrowthBook's own verdicts.
    let checkout = flag(&set, "new-checkout");
    assert_eq!(checkout.owners, ["ariel@acme.com"]);
    assert_eq!(checkout.kind.as_deref(), Some("boolean"));
    assert_eq!(checkout.created, ts("2025-08-12T12:00:00Z"));
    assert!(checkout.service_stale && !checkout.permanent);
    assert_eq!(flag(&set, "api-timeout-ms").owners, ["Platform Team"]);
    let kill = flag(&set, "payments-kill-switch");
    assert!(kill.permanent && !kill.service_stale, "neverStale");
    assert_eq!(kill.tags, ["kill-switch"]);
    assert!(flag(&set, "old-search").archived);
    assert!(!flag(&set, "search-v2").service_stale);

    // Last changed: the feature's dateUpdated, in every environment.
    assert_eq!(
        state(&set, "search-v2", "dev").last_changed,
        ts("2025-09-12T08:00:00Z")
    );
    assert_eq!(
        state(&set, "search-v2", "production").last_changed,
        ts("2025-09-12T08:00:00Z")
    );

    let mut set = set;
    set.fetched_at = None;
    insta::assert_json_snapshot!("features", set);
}

#[test]
fn every_page_is_read_with_a_bearer_key() {
    let replay = server();
    fetch_ok(options(&replay));
    let lines: Vec<String> = replay
        .request_lines()
        .iter()
        .map(|l| normalize_line(l))
        .collect();
    let stale = stale_target();
    let expected: Vec<String> = [
        PROJECTS,
        ENVIRONMENTS,
        PAGE_1,
        PAGE_2,
        PAGE_3,
        stale.as_str(),
    ]
    .iter()
    .map(|t| normalize_line(&format!("GET {t}")))
    .collect();
    assert_eq!(lines, expected);
    for seen in replay.requests() {
        assert_eq!(
            seen.authorization.as_deref(),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[test]
fn without_a_project_every_feature_and_environment() {
    let replay = server();
    for (target, file) in [
        (
            "/api/v1/features?limit=100&offset=0",
            "features__page_1.json",
        ),
        (
            "/api/v1/features?limit=100&offset=3",
            "features__page_2.json",
        ),
        (
            "/api/v1/features?limit=100&offset=6",
            "features__page_3.json",
        ),
    ] {
        replay.respond("GET", target, ok(file));
    }
    let set = fetch_ok(GrowthBookOptions {
        project: String::new(),
        ..options(&replay)
    });
    assert_eq!(set.project, None);
    assert_eq!(set.environments, ["dev", "production", "staging-eu"]);
    assert_eq!(replay.count("GET", PROJECTS), 0);
    assert!(!state(&set, "new-checkout", "staging-eu").enabled);
}

#[test]
fn a_server_without_the_stale_endpoint_still_answers() {
    let replay = server();
    replay.respond(
        "GET",
        &stale_target(),
        Reply::json(404, fixture("error_404__unknown_endpoint.json")),
    );
    let set = fetch_ok(options(&replay));
    assert!(set.flags.iter().all(|f| !f.service_stale && !f.permanent));
}

#[test]
fn stale_ids_go_in_batches_of_100() {
    let replay = server();
    let mut features: Vec<Value> = Vec::new();
    let template = fixture_json("features__page_1.json")["features"][0].clone();
    for i in 0..150 {
        let mut f = template.clone();
        f["id"] = json!(format!("flag-{i:03}"));
        features.push(f);
    }
    let page = |from: usize, to: usize, more: bool| {
        json!({"features": &features[from..to], "limit": 100, "offset": from, "count": to - from,
               "total": 150, "hasMore": more, "nextOffset": if more { json!(to) } else { Value::Null }})
    };
    replay.respond("GET", PAGE_1, Reply::value(200, &page(0, 100, true)));
    replay.respond(
        "GET",
        "/api/v1/features?projectId=prj_web&limit=100&offset=100",
        Reply::value(200, &page(100, 150, false)),
    );
    let ids = |from: usize, to: usize| {
        (from..to)
            .map(|i| format!("flag-{i:03}"))
            .collect::<Vec<_>>()
            .join("%2C")
    };
    let verdicts = |from: usize, to: usize| {
        let map: serde_json::Map<String, Value> = (from..to)
            .map(|i| {
                let id = format!("flag-{i:03}");
                (id.clone(), json!({"featureId": id, "isStale": i % 2 == 0, "staleReason": null, "neverStale": false}))
            })
            .collect();
        json!({ "features": map })
    };
    replay.respond(
        "GET",
        &format!("/api/v1/stale-features?ids={}", ids(0, 100)),
        Reply::value(200, &verdicts(0, 100)),
    );
    replay.respond(
        "GET",
        &format!("/api/v1/stale-features?ids={}", ids(100, 150)),
        Reply::value(200, &verdicts(100, 150)),
    );
    let set = fetch_ok(options(&replay));
    assert_eq!(set.flags.len(), 150);
    assert_eq!(set.flags.iter().filter(|f| f.service_stale).count(), 75);
}

#[test]
fn bad_key_names_the_variable_never_the_key() {
    let replay = server();
    let error = fetch_err(GrowthBookOptions {
        api_key: "secret_wrong_0000".to_owned(),
        ..options(&replay)
    });
    let text = error.to_string();
    assert!(
        matches!(error, ProviderError::Unauthorized { .. }),
        "{text}"
    );
    assert!(
        text.contains("GET /api/v1/projects?limit=100&offset=0"),
        "{text}"
    );
    assert!(
        text.contains(TOKEN_VAR) && text.contains("(Invalid API key)"),
        "{text}"
    );
    assert!(!text.contains("secret_wrong_0000"), "{text}");

    replay.respond(
        "GET",
        PAGE_2,
        Reply::json(403, fixture("error_403__readonly.json")),
    );
    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::Forbidden { .. }), "{error}");
    assert!(error.to_string().contains("offset=3"), "{error}");
}

#[test]
fn broken_paging_is_an_error_not_a_short_list() {
    let replay = server();
    let mut page = fixture_json("features__page_2.json");
    page["nextOffset"] = Value::Null;
    replay.respond("GET", PAGE_2, Reply::value(200, &page));
    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::Pagination { .. }), "{error}");
    assert!(
        error.to_string().contains("`nextOffset` is None"),
        "{error}"
    );

    let replay = server();
    let mut page = fixture_json("features__page_3.json");
    page["features"].as_array_mut().unwrap().pop();
    replay.respond("GET", PAGE_3, Reply::value(200, &page));
    let error = fetch_err(options(&replay));
    assert!(
        error.to_string().contains("8 read but `total` says 9"),
        "{error}"
    );

    let replay = server();
    let mut page = fixture_json("features__page_2.json");
    page["total"] = json!(10);
    replay.respond("GET", PAGE_2, Reply::value(200, &page));
    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::Inconsistent { .. }),
        "{error}"
    );
}

#[test]
fn throttling_and_server_errors_are_retried() {
    let replay = server();
    replay.respond_times(
        "GET",
        PAGE_2,
        1,
        Reply::json(429, fixture("error_429__rate_limited.json")).header("Retry-After", "1"),
    );
    replay.respond_times(
        "GET",
        ENVIRONMENTS,
        1,
        Reply::json(500, r#"{"message":"boom"}"#),
    );
    let started = Instant::now();
    assert_eq!(fetch_ok(options(&replay)).flags.len(), 9);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(replay.count("GET", PAGE_2), 2);

    let replay = server();
    replay.respond(
        "GET",
        &stale_target(),
        Reply::json(502, "<html>bad gateway</html>"),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(
            error,
            ProviderError::Server {
                status: 502,
                attempts: 4,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("GET /api/v1/stale-features?ids="),
        "{error}"
    );
}

#[test]
fn unknown_project_and_environment_list_what_exists() {
    let replay = server();
    let error = fetch_err(GrowthBookOptions {
        project: "Checkout".to_owned(),
        ..options(&replay)
    });
    assert!(
        error
            .to_string()
            .contains("the key sees: Web App (id prj_web), Shop (id prj_shop)"),
        "{error}"
    );
    let error = fetch_err(GrowthBookOptions {
        environments: vec!["staging-eu".to_owned()],
        ..options(&replay)
    });
    assert!(
        error.to_string().contains("it has: dev, production"),
        "{error}"
    );
    let set = fetch_ok(GrowthBookOptions {
        project: "prj_web".to_owned(),
        environments: vec!["production".to_owned()],
        ..options(&replay)
    });
    assert_eq!(set.environments, ["production"]);
}

#[test]
fn a_key_echoed_by_the_server_is_scrubbed_and_debug_hides_it() {
    let replay = server();
    replay.respond(
        "GET",
        ENVIRONMENTS,
        Reply::value(400, &json!({"message": format!("Unknown key {KEY}")})),
    );
    let error = fetch_err(options(&replay));
    assert!(error.to_string().contains("Unknown key ***"), "{error}");
    let gb = GrowthBook::new(GrowthBookOptions {
        api_key: KEY.to_owned(),
        ..GrowthBookOptions::default()
    })
    .unwrap();
    assert!(!format!("{gb:?}").contains("FAKEfake"));
    let other = server();
    let with_api = fetch_ok(GrowthBookOptions {
        base_url: format!("{}/api/v1", other.origin()),
        ..options(&other)
    });
    assert_eq!(with_api.flags.len(), 9);
}
