//! The Flagsmith provider against the replayed Admin API: the recorded project must map to
//! the expected `FlagSet`, every page must be read, and every failure must end as an error
//! that names the endpoint and the fix, and never the key.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/flagset.rs"]
mod flagset;
#[path = "support/replay.rs"]
mod replay;

use std::time::{Duration, Instant};

use flaglint::flag::FlagSet;
use flaglint::provider::flagsmith::{
    CodeReference, CodeReferenceScan, Flagsmith, FlagsmithOptions,
};
use flaglint::provider::{FlagSource, ProviderError, ReadStats};
use flagset::state;
use jiff::Timestamp;
use replay::{recorded_json, Hang, Replay, Reply, API_KEY};
use serde_json::{json, Value};

const DEV_KEY: &str = "QSAyYKKJNkCQfL4gDiTarS";
const STAGING_KEY: &str = "ZcSTKvocvz5kUuPsekCj4X";
const PROD_KEY: &str = "K2vnr2CE6CboWmpb7Z54hf";
const PROJECTS: &str = "/api/v1/projects/";
const ENVIRONMENTS: &str = "/api/v1/environments/?project=1";
const TAGS: &str = "/api/v1/projects/1/tags/";
const DEV_FEATURES: &str = "/api/v1/projects/1/features/?environment=1&page_size=999";
const STAGING_FEATURES: &str = "/api/v1/projects/1/features/?environment=2&page_size=999";
const PROD_FEATURES: &str = "/api/v1/projects/1/features/?environment=3&page_size=999";
const V1_AUDIT: &str = "/api/v1/projects/1/audit/?environments=1&environments=2&page_size=999";
/// The secret half of the fake Admin API key (the prefix before the dot is public).
const KEY_SECRET: &str = "fakeFAKEfakeFAKEfakeFAKEfakeFAKE";

fn options(replay: &Replay) -> FlagsmithOptions {
    FlagsmithOptions {
        base_url: replay.base_url(),
        api_key: API_KEY.to_owned(),
        project: "Web App".to_owned(),
        environments: Vec::new(),
        retry_base: Duration::from_millis(5),
        timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(30),
    }
}

fn fetch(options: FlagsmithOptions) -> Result<FlagSet, ProviderError> {
    Flagsmith::new(options)?.fetch()
}

fn fetch_ok(options: FlagsmithOptions) -> FlagSet {
    fetch(options).unwrap_or_else(|e| panic!("fetch failed: {e}"))
}

/// Fails the test on `Ok`, and on any trace of a key in the error.
fn fetch_err(options: FlagsmithOptions) -> ProviderError {
    let key = options.api_key.clone();
    flagset::expect_error(fetch(options), &[&key, API_KEY, KEY_SECRET])
}

fn assert_hides_keys(error: &ProviderError, key: &str) {
    flagset::assert_hides(error, &[key, API_KEY, KEY_SECRET]);
}

fn without_clock(mut set: FlagSet) -> FlagSet {
    set.fetched_at = None;
    set
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The recorded body with one feature's fields replaced, for responses the recording lacks.
fn features_with(file: &str, name: &str, patch: Value) -> Value {
    let mut body = recorded_json(file);
    let feature = body["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["name"] == name)
        .unwrap();
    for (k, v) in patch.as_object().unwrap() {
        feature[k] = v.clone();
    }
    body
}

#[test]
fn recorded_project_maps_to_expected_flagset() {
    let replay = Replay::start();
    let started = Timestamp::now();
    let set = fetch_ok(options(&replay));

    assert!(set.fetched_at.is_some_and(|t| t >= started));
    assert_eq!(set.provider, "flagsmith");
    assert_eq!(set.project.as_deref(), Some("Web App"));
    assert_eq!(set.environments, ["Development", "Staging", "Production"]);
    assert_eq!(set.stale_after_days, Some(30));
    let keys: Vec<&str> = set.flags.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "new_checkout",
            "legacy_banner",
            "api_timeout_ms",
            "welcome_message",
            "button_color",
            "beta_dashboard",
            "dark_mode",
            "old_search",
            "payments_kill_switch"
        ]
    );

    // The README's table, cell by cell where it says something.
    for env in ["Development", "Staging", "Production"] {
        assert!(state(&set, "new_checkout", env).enabled);
        assert!(state(&set, "new_checkout", env).serves_one_result());
        assert!(!state(&set, "legacy_banner", env).enabled);
        assert!(
            state(&set, "button_color", env).split,
            "button_color in {env}"
        );
        assert_eq!(state(&set, "button_color", env).value, Some(json!("red")));
        assert!(state(&set, "payments_kill_switch", env).enabled);
    }
    assert_eq!(
        state(&set, "api_timeout_ms", "Development").value,
        Some(json!(3000))
    );
    assert_eq!(
        state(&set, "api_timeout_ms", "Staging").value,
        Some(json!(3000))
    );
    assert_eq!(
        state(&set, "api_timeout_ms", "Production").value,
        Some(json!(6000))
    );

    let welcome_dev = state(&set, "welcome_message", "Development");
    assert_eq!(
        (
            welcome_dev.identity_overrides,
            welcome_dev.segment_overrides
        ),
        (1, 0)
    );
    assert_eq!(welcome_dev.value, Some(json!("Hello, world")));
    let welcome_staging = state(&set, "welcome_message", "Staging");
    assert_eq!(
        (
            welcome_staging.identity_overrides,
            welcome_staging.segment_overrides
        ),
        (0, 1)
    );
    assert_eq!(welcome_staging.value, Some(json!("Hello from staging")));
    assert!(state(&set, "welcome_message", "Production").serves_one_result());

    assert_eq!(
        state(&set, "beta_dashboard", "Production").segment_overrides,
        1
    );
    assert!(state(&set, "beta_dashboard", "Staging").serves_one_result());
    assert_eq!(
        state(&set, "dark_mode", "Development").identity_overrides,
        2
    );
    assert_eq!(state(&set, "dark_mode", "Staging").identity_overrides, 1);
    assert!(state(&set, "dark_mode", "Production").serves_one_result());

    // Last changed: v1 rows' updated_at (legacy_banner was toggled twice in Development);
    // v2 last_modified_in_current_environment (the unpublished draft does not count).
    assert_eq!(
        state(&set, "legacy_banner", "Development").last_changed,
        Some(ts("2026-11-24T22:52:23.737041Z"))
    );
    assert_eq!(
        state(&set, "legacy_banner", "Production").last_changed,
        Some(ts("2026-11-24T22:52:37.010177+00:00"))
    );
    assert_eq!(
        state(&set, "api_timeout_ms", "Production").last_changed,
        Some(ts("2026-11-24T22:52:48.117742Z"))
    );

    let flag = |key: &str| set.flags.iter().find(|f| f.key == key).unwrap();
    assert!(flag("old_search").archived);
    assert!(flag("payments_kill_switch").permanent);
    assert_eq!(
        flag("payments_kill_switch").tags,
        ["permanent", "kill-switch"]
    );
    assert_eq!(
        flag("payments_kill_switch").owners,
        ["Ada Admin", "Platform team"]
    );
    assert_eq!(flag("button_color").kind.as_deref(), Some("MULTIVARIATE"));
    assert!(set.flags.iter().all(|f| !f.service_stale));

    assert_eq!(
        replay.request_lines(),
        [
            format!("GET {PROJECTS}"),
            format!("GET {ENVIRONMENTS}"),
            format!("GET {TAGS}"),
            format!("GET {DEV_FEATURES}"),
            format!("GET /api/v1/environments/{DEV_KEY}/featurestates/"),
            format!("GET {STAGING_FEATURES}"),
            format!("GET /api/v1/environments/{STAGING_KEY}/featurestates/"),
            format!("GET {PROD_FEATURES}"),
            // One multivariate feature: its own rows are one request, like the list's first page.
            format!("GET /api/v1/environments/{PROD_KEY}/featurestates/?feature=5"),
            format!("GET {V1_AUDIT}"),
        ]
    );
    assert!(replay
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some(&format!("Api-Key {API_KEY}")[..])));

    insta::assert_json_snapshot!("recorded_project", without_clock(set));
}

#[test]
fn a_multivariate_flag_all_on_one_option_serves_that_option() {
    let replay = Replay::start();
    let mut states = recorded_json("env_featurestates__production__feature_button_color.json");
    let row = states["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["feature"] == 5)
        .unwrap();
    row["multivariate_feature_state_values"][0]["percentage_allocation"] = json!(0.0);
    row["multivariate_feature_state_values"][1]["percentage_allocation"] = json!(100.0);
    replay.respond(
        "GET",
        &format!("/api/v1/environments/{PROD_KEY}/featurestates/?feature=5"),
        Reply::value(200, &states),
    );

    let set = fetch_ok(options(&replay));
    let production = state(&set, "button_color", "Production");
    assert!(!production.split);
    assert_eq!(production.value, Some(json!("green")));
    assert!(production.serves_one_result());
    assert!(state(&set, "button_color", "Development").split);
}

#[test]
fn a_v2_environment_reads_splits_per_feature_when_that_is_cheaper() {
    let replay = Replay::start();
    // 19 features: the Production feature-state list would take 2 pages (fixed size 10),
    // the one multivariate feature 1 call.
    let mut features = recorded_json("features_list__env_production.json");
    let template = features["results"][0].clone();
    for n in 0..10 {
        let mut extra = template.clone();
        extra["id"] = json!(100 + n);
        extra["name"] = json!(format!("extra_{n}"));
        features["results"].as_array_mut().unwrap().push(extra);
    }
    features["count"] = json!(19);
    replay.respond("GET", PROD_FEATURES, Reply::value(200, &features));

    let set = fetch_ok(FlagsmithOptions {
        environments: vec!["Production".to_owned()],
        ..options(&replay)
    });
    assert_eq!(set.flags.len(), 19);
    assert!(state(&set, "button_color", "Production").split);
    assert_eq!(
        replay.request_lines(),
        [
            format!("GET {PROJECTS}"),
            format!("GET {ENVIRONMENTS}"),
            format!("GET {TAGS}"),
            format!("GET {PROD_FEATURES}"),
            format!("GET /api/v1/environments/{PROD_KEY}/featurestates/?feature=5"),
        ]
    );
}

/// Production's features with welcome_message multivariate too (no share of its own in the
/// recorded rows, so it serves its control value), and the Production-only options.
fn two_multivariate_features(replay: &Replay) -> FlagsmithOptions {
    let options_of_button = recorded_json("features_list__env_production.json")["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "button_color")
        .unwrap()["multivariate_options"]
        .clone();
    let features = features_with(
        "features_list__env_production.json",
        "welcome_message",
        json!({ "multivariate_options": options_of_button }),
    );
    replay.respond("GET", PROD_FEATURES, Reply::value(200, &features));
    FlagsmithOptions {
        environments: vec!["Production".to_owned()],
        ..options(replay)
    }
}

/// Production's recorded feature-state rows, split into a first page (without button_color's
/// row) whose `next` leads to a second page holding it, with `count` as given.
fn paged_production_rows(replay: &Replay, count: u64) {
    let rows = recorded_json("env_featurestates__production__apikey.json")["results"]
        .as_array()
        .unwrap()
        .clone();
    let (button, others): (Vec<Value>, Vec<Value>) =
        rows.into_iter().partition(|r| r["feature"] == 5);
    let list = format!("/api/v1/environments/{PROD_KEY}/featurestates/");
    replay.respond(
        "GET",
        &list,
        Reply::value(
            200,
            &json!({"count": count, "previous": null, "results": others,
                    "next": format!("http://127.0.0.1:8000{list}?page=2")}),
        ),
    );
    replay.respond(
        "GET",
        &format!("{list}?page=2"),
        Reply::value(
            200,
            &json!({"count": count, "next": null, "results": button,
                    "previous": format!("http://127.0.0.1:8000{list}")}),
        ),
    );
}

#[test]
fn several_multivariate_features_read_the_list_when_it_is_one_page() {
    let replay = Replay::start();
    let set = fetch_ok(two_multivariate_features(&replay));
    assert!(state(&set, "button_color", "Production").split);
    assert!(!state(&set, "welcome_message", "Production").split);
    let lines = replay.request_lines();
    assert_eq!(
        lines[3..],
        [
            format!("GET {PROD_FEATURES}"),
            format!("GET /api/v1/environments/{PROD_KEY}/featurestates/"),
        ]
    );
}

#[test]
fn a_long_feature_state_list_is_left_for_the_features_its_first_page_missed() {
    let replay = Replay::start();
    // 1,000 pages of 8: button_color's row, not on page 1, is one call away.
    paged_production_rows(&replay, 8_000);
    let set = fetch_ok(two_multivariate_features(&replay));
    assert!(state(&set, "button_color", "Production").split);
    let list = format!("/api/v1/environments/{PROD_KEY}/featurestates/");
    assert_eq!(replay.count("GET", &format!("{list}?page=2")), 0);
    assert_eq!(replay.count("GET", &format!("{list}?feature=5")), 1);
    assert_eq!(replay.count("GET", &format!("{list}?feature=4")), 0);
}

#[test]
fn a_short_feature_state_list_is_read_on() {
    let replay = Replay::start();
    // Two pages: the second one is no dearer than the call for button_color.
    paged_production_rows(&replay, 16);
    let set = fetch_ok(two_multivariate_features(&replay));
    assert!(state(&set, "button_color", "Production").split);
    let list = format!("/api/v1/environments/{PROD_KEY}/featurestates/");
    assert_eq!(replay.count("GET", &format!("{list}?page=2")), 1);
    assert_eq!(replay.count("GET", &format!("{list}?feature=5")), 0);
}

#[test]
fn the_system_stale_tag_marks_the_flag() {
    let replay = Replay::start();
    let mut tags = recorded_json("tags_list.json");
    tags["count"] = json!(4);
    tags["results"].as_array_mut().unwrap().push(json!({
        "id": 4, "label": "Stale", "color": "#FFFFFF", "description": null, "project": 1,
        "uuid": "00000000-0000-0000-0000-000000000004", "is_permanent": false,
        "is_system_tag": true, "type": "STALE"
    }));
    replay.respond("GET", TAGS, Reply::value(200, &tags));
    let features = features_with(
        "features_list__env_development.json",
        "legacy_banner",
        json!({"tags": [4]}),
    );
    replay.respond("GET", DEV_FEATURES, Reply::value(200, &features));

    let set = fetch_ok(options(&replay));
    let flag = set.flags.iter().find(|f| f.key == "legacy_banner").unwrap();
    assert!(flag.service_stale);
    assert_eq!(flag.tags, ["Stale"]);
    assert!(!flag.permanent);
    assert_eq!(set.flags.iter().filter(|f| f.service_stale).count(), 1);
}

#[test]
fn every_page_of_a_list_is_read() {
    let baseline = {
        let replay = Replay::start();
        without_clock(fetch_ok(options(&replay)))
    };

    let replay = Replay::start();
    // Page 1 of 5 (2 per page), recorded; its `next` link leads through the derived pages 2-5.
    replay.respond(
        "GET",
        DEV_FEATURES,
        Reply::recorded("features_list__env_page_size_2__page_1.json"),
    );
    let set = without_clock(fetch_ok(options(&replay)));

    assert_eq!(set, baseline);
    for page in 2..=5 {
        let target = format!("/api/v1/projects/1/features/?environment=1&page={page}&page_size=2");
        assert_eq!(replay.count("GET", &target), 1, "page {page}");
    }
    assert_eq!(replay.requests().len(), 14);
}

#[test]
fn next_links_are_followed_on_the_configured_origin_only() {
    let replay = Replay::start();
    let mut page_1 = recorded_json("environments_list__apikey.json");
    let production = page_1["results"].as_array_mut().unwrap().pop().unwrap();
    // As a server behind a proxy would build it: internal host, plain http.
    page_1["next"] = json!("http://flagsmith-internal:8000/api/v1/environments/?page=2&project=1");
    replay.respond("GET", ENVIRONMENTS, Reply::value(200, &page_1));
    replay.respond(
        "GET",
        "/api/v1/environments/?page=2&project=1",
        Reply::value(
            200,
            &json!({"count": 3, "next": null, "previous": null, "results": [production]}),
        ),
    );

    let set = fetch_ok(options(&replay));
    assert_eq!(set.environments, ["Development", "Staging", "Production"]);
    assert_eq!(
        replay.count("GET", "/api/v1/environments/?page=2&project=1"),
        1
    );
}

#[test]
fn a_next_link_loop_is_an_error_not_a_hang() {
    let replay = Replay::start();
    let mut body = recorded_json("tags_list.json");
    body["next"] = json!("http://127.0.0.1:8000/api/v1/projects/1/tags/");
    replay.respond("GET", TAGS, Reply::value(200, &body));

    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::Pagination { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("GET /api/v1/projects/1/tags/"),
        "{error}"
    );
    assert_eq!(replay.count("GET", TAGS), 1);
}

#[test]
fn project_by_name_or_id_gives_the_same_set() {
    let by = |project: &str| {
        let replay = Replay::start();
        let set = fetch_ok(FlagsmithOptions {
            project: project.to_owned(),
            ..options(&replay)
        });
        without_clock(set)
    };
    let by_name = by("Web App");
    assert_eq!(by("1"), by_name);
    assert_eq!(by("web app"), by_name);
    // The key sees one project, so none named means that one.
    assert_eq!(by(""), by_name);
}

#[test]
fn environments_are_filtered_by_name_or_key_in_service_order() {
    let replay = Replay::start();
    let set = fetch_ok(FlagsmithOptions {
        environments: vec!["Production".to_owned(), DEV_KEY.to_owned()],
        ..options(&replay)
    });

    assert_eq!(set.environments, ["Development", "Production"]);
    for flag in &set.flags {
        assert_eq!(
            flag.environments.keys().collect::<Vec<_>>(),
            ["Development", "Production"],
            "{}",
            flag.key
        );
    }
    let lines = replay.request_lines();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("environment=2") || l.contains(STAGING_KEY)),
        "{lines:#?}"
    );
    assert_eq!(
        replay.count(
            "GET",
            "/api/v1/projects/1/audit/?environments=1&page_size=999"
        ),
        1
    );
    assert_eq!(lines.len(), 8, "{lines:#?}");
}

#[test]
fn unknown_environment_lists_the_available_ones() {
    let replay = Replay::start();
    let error = fetch_err(FlagsmithOptions {
        environments: vec!["Prod".to_owned()],
        ..options(&replay)
    });
    assert!(
        matches!(error, ProviderError::UnknownEnvironment { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("\"Prod\"") || message.contains("Prod "),
        "{message}"
    );
    assert!(
        message.contains("Development, Staging, Production"),
        "{message}"
    );
}

#[test]
fn unauthorized_names_the_variable_and_never_the_key() {
    let replay = Replay::start();
    let wrong_key = "WrOnG999.notTheRealSecretAtAll";
    let error = fetch_err(FlagsmithOptions {
        api_key: wrong_key.to_owned(),
        ..options(&replay)
    });

    assert!(
        matches!(error, ProviderError::Unauthorized { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("FLAGSMITH_API_KEY"), "{message}");
    assert!(message.contains("401"), "{message}");
    assert!(message.contains("GET /api/v1/projects/"), "{message}");
    assert!(
        message.contains("Valid Master API Key not found."),
        "{message}"
    );
    assert!(!message.contains("WrOnG999"), "{message}");
    // A rejected key is not retried.
    assert_eq!(replay.requests().len(), 1);
}

#[test]
fn a_missing_key_fails_before_any_request() {
    let replay = Replay::start();
    let error = fetch_err(FlagsmithOptions {
        api_key: "  ".to_owned(),
        ..options(&replay)
    });
    assert!(
        matches!(error, ProviderError::MissingCredential { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("FLAGSMITH_API_KEY"));
    assert!(replay.requests().is_empty());
}

#[test]
fn forbidden_names_the_endpoint_and_status() {
    let replay = Replay::start();
    let endpoint = format!("/api/v1/environments/{DEV_KEY}/featurestates/");
    replay.respond(
        "GET",
        &endpoint,
        Reply::recorded("error_403__env_featurestates__member_without_env_permission.json"),
    );

    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::Forbidden { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&format!("GET {endpoint}")), "{message}");
    assert!(message.contains("403"), "{message}");
    assert!(
        message.contains("You do not have permission to perform this action."),
        "{message}"
    );
    assert_eq!(replay.count("GET", &endpoint), 1);
}

#[test]
fn unknown_project_by_name_or_id_lists_the_visible_ones() {
    for wanted in ["Mobile App", "2"] {
        let replay = Replay::start();
        let error = fetch_err(FlagsmithOptions {
            project: wanted.to_owned(),
            ..options(&replay)
        });
        assert!(
            matches!(error, ProviderError::UnknownProject { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(wanted), "{message}");
        assert!(message.contains("Web App (id 1)"), "{message}");
        assert_eq!(replay.requests().len(), 1);
    }
}

#[test]
fn a_404_from_the_service_is_an_error() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        TAGS,
        Reply::recorded("error_404__features__project_missing.json"),
    );

    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::NotFound { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("404"), "{message}");
    assert!(
        message.contains("GET /api/v1/projects/1/tags/"),
        "{message}"
    );
    assert!(
        message.contains("No Project matches the given query."),
        "{message}"
    );
    assert_eq!(replay.count("GET", TAGS), 1);
}

#[test]
fn throttled_with_retry_after_then_succeeds() {
    let replay = Replay::start();
    // The recorded 429 said `Retry-After: 60`; one second keeps the test short.
    replay.respond_times(
        "GET",
        TAGS,
        1,
        Reply::recorded("error_429__throttled__apikey.json").header("Retry-After", "1"),
    );

    let started = Instant::now();
    let set = fetch_ok(options(&replay));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    assert_eq!(set.flags.len(), 9);
    assert_eq!(replay.count("GET", TAGS), 2);
}

#[test]
fn throttled_for_longer_than_flaglint_waits_fails_at_once() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        TAGS,
        Reply::recorded("error_429__throttled__apikey.json").header("Retry-After", "3600"),
    );

    let started = Instant::now();
    let error = fetch_err(options(&replay));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(
            error,
            ProviderError::RateLimited {
                retry_after_secs: Some(3600),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("3600 s"), "{error}");
    assert_eq!(replay.count("GET", TAGS), 1);
}

#[test]
fn throttled_on_every_attempt_fails() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        TAGS,
        Reply::recorded("error_429__throttled__apikey.json").header("Retry-After", "0"),
    );

    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::RateLimited { attempts: 4, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("429") && message.contains("GET /api/v1/projects/1/tags/"),
        "{message}"
    );
    assert_eq!(replay.count("GET", TAGS), 4);
}

#[test]
fn a_server_error_that_clears_on_retry_succeeds() {
    let replay = Replay::start();
    replay.respond_times(
        "GET",
        PROJECTS,
        2,
        Reply::recorded("error_500__audit_all__apikey.html"),
    );

    let set = fetch_ok(options(&replay));
    assert_eq!(set.flags.len(), 9);
    assert_eq!(replay.count("GET", PROJECTS), 3);
}

#[test]
fn a_server_error_on_every_attempt_fails() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        PROJECTS,
        Reply::recorded("error_500__audit_all__apikey.html"),
    );

    let error = fetch_err(options(&replay));
    assert!(
        matches!(
            error,
            ProviderError::Server {
                status: 500,
                attempts: 4,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("GET /api/v1/projects/") && message.contains("500"),
        "{message}"
    );
    assert!(
        !message.contains("<html"),
        "the HTML page is not a useful detail: {message}"
    );
    assert_eq!(replay.count("GET", PROJECTS), 4);
}

#[test]
fn a_service_that_does_not_answer_in_time_fails() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        PROJECTS,
        Reply::json(200, "[]").delay(Duration::from_secs(3)),
    );

    let started = Instant::now();
    let error = fetch_err(FlagsmithOptions {
        timeout: Duration::from_millis(150),
        ..options(&replay)
    });
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(error, ProviderError::Timeout { attempts: 4, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("no response within 150 ms"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .ends_with("raise `timeout` in [service], or use the last snapshot with --offline"),
        "{error}"
    );
    assert_eq!(replay.count("GET", PROJECTS), 4);
}

#[test]
fn a_service_that_never_answers_fails_at_the_deadline() {
    let hang = Hang::start();
    let started = Instant::now();
    let error = fetch_err(FlagsmithOptions {
        base_url: format!("{}/api/v1/", hang.origin()),
        timeout: Duration::from_millis(300),
        deadline: Duration::from_secs(1),
        ..options_without_server()
    });
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(
        matches!(error, ProviderError::Deadline { requests: 4, .. }),
        "{error:?}"
    );
    // Three full attempts, then the last one gets only what is left of the second.
    assert_eq!(hang.connections(), 4);
    // What is left for the last attempt depends on the scheduler.
    let message = error.to_string();
    let (head, tail) = message.split_once("within ").unwrap();
    let (head, tail) = (
        head.to_owned() + "within ",
        tail.split_once("within ").unwrap(),
    );
    let left = tail.1.split_once(" ms;").unwrap();
    let message = format!("{head}{}within N ms;{}", tail.0, left.1);
    insta::assert_snapshot!(message, @"GET /api/v1/projects/: the read did not finish within its 1 s deadline after 4 request(s); its last attempt got no response within N ms; the service is slow or not answering: check it, raise `deadline` in [service], or use the last snapshot with --offline");
}

#[test]
fn a_retry_the_deadline_would_cut_off_is_not_waited_for() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        TAGS,
        Reply::recorded("error_429__throttled__apikey.json").header("Retry-After", "5"),
    );
    let started = Instant::now();
    let error = fetch_err(FlagsmithOptions {
        deadline: Duration::from_secs(2),
        ..options(&replay)
    });
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(error, ProviderError::Deadline { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("GET /api/v1/projects/1/tags/: "),
        "{message}"
    );
    assert!(
        message.contains("its last attempt got HTTP 429 asking to wait 5 s"),
        "{message}"
    );
    assert_eq!(replay.count("GET", TAGS), 1);
}

#[test]
fn the_deadline_covers_the_whole_read_not_one_request() {
    let replay = Replay::start();
    // Every request answers within its timeout, but together they outlast the deadline.
    for target in [PROJECTS, ENVIRONMENTS, TAGS, DEV_FEATURES] {
        let reply = match target {
            PROJECTS => Reply::recorded("projects_list__apikey.json"),
            ENVIRONMENTS => Reply::recorded("environments_list__apikey.json"),
            TAGS => Reply::recorded("tags_list.json"),
            _ => Reply::recorded("features_list__env_development.json"),
        };
        replay.respond("GET", target, reply.delay(Duration::from_millis(300)));
    }
    let error = fetch_err(FlagsmithOptions {
        timeout: Duration::from_secs(5),
        deadline: Duration::from_millis(700),
        ..options(&replay)
    });
    assert!(matches!(error, ProviderError::Deadline { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("GET /api/v1/projects/1/tags/: "),
        "{error}"
    );
    assert_eq!(replay.count("GET", DEV_FEATURES), 0);
}

#[test]
fn a_hanging_service_error_gives_the_snapshot_age_and_offline() {
    let hang = Hang::start();
    let dir = flagsmith_repo(
        &format!("{}/api/v1/", hang.origin()),
        "timeout = \"200ms\"\ndeadline = \"500ms\"\ncache_ttl = \"1h\"\n",
    );
    let key = [("FLAGSMITH_API_KEY", API_KEY)];
    let check = || cli::flaglint_with(dir.path(), &["check"], &key);

    let started = Instant::now();
    let output = check();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(output.status.code(), Some(2));
    let stderr = cli::stderr(&output);
    assert!(
        stderr.starts_with("error: cannot read flags from flagsmith: GET /api/v1/projects/: the read did not finish within its 500 ms deadline"),
        "{stderr}"
    );
    assert!(
        stderr.contains("there is no snapshot yet (.flaglint/snapshot.json), so `--offline` has nothing to read"),
        "{stderr}"
    );

    // A snapshot older than cache_ttl: check asks the service, and names the snapshot's age.
    let fetched = Timestamp::now() - jiff::SignedDuration::from_hours(3);
    std::fs::create_dir_all(dir.path().join(".flaglint")).unwrap();
    std::fs::write(
        dir.path().join(".flaglint/snapshot.json"),
        json!({"provider": "flagsmith", "fetched_at": fetched.to_string(), "flags": []})
            .to_string(),
    )
    .unwrap();
    let stderr = cli::stderr(&check());
    assert!(
        stderr.contains("the snapshot .flaglint/snapshot.json is 3 h old (from "),
        "{stderr}"
    );
    assert!(
        stderr.contains("`--offline` reads it without the service"),
        "{stderr}"
    );
    assert!(!stderr.contains(API_KEY) && !stderr.contains(KEY_SECRET));
}

/// Options for a test that brings its own server.
fn options_without_server() -> FlagsmithOptions {
    FlagsmithOptions {
        api_key: API_KEY.to_owned(),
        project: "Web App".to_owned(),
        retry_base: Duration::from_millis(5),
        ..FlagsmithOptions::default()
    }
}

#[test]
fn a_refused_connection_fails_with_the_address() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = fetch_err(FlagsmithOptions {
        base_url: format!("http://127.0.0.1:{port}/api/v1/"),
        api_key: API_KEY.to_owned(),
        project: "Web App".to_owned(),
        retry_base: Duration::from_millis(5),
        timeout: Duration::from_secs(2),
        ..FlagsmithOptions::default()
    });
    assert!(matches!(error, ProviderError::Connect { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{error}"
    );
}

#[test]
fn malformed_json_fails() {
    let replay = Replay::start();
    replay.respond(
        "GET",
        TAGS,
        Reply::json(200, r#"{"count": 3, "next": null, "results": ["#),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::MalformedJson { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("GET /api/v1/projects/1/tags/"),
        "{error}"
    );

    // A 200 HTML page, as a dashboard URL configured instead of the API's would give.
    let replay = Replay::start();
    replay.respond(
        "GET",
        PROJECTS,
        Reply::raw(
            200,
            "text/html",
            b"<!doctype html><title>Flagsmith</title>".to_vec(),
        ),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::MalformedJson { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("/api/v1/"), "{error}");
}

#[test]
fn a_body_of_the_wrong_shape_names_the_serde_path() {
    let replay = Replay::start();
    let mut body = recorded_json("features_list__env_development.json");
    body["results"][2]["environment_feature_state"]["enabled"] = json!("yes");
    replay.respond("GET", DEV_FEATURES, Reply::value(200, &body));

    let error = fetch_err(options(&replay));
    match &error {
        ProviderError::Shape { endpoint, path, .. } => {
            assert_eq!(endpoint, &format!("GET {DEV_FEATURES}"));
            assert_eq!(path, "results[2].environment_feature_state.enabled");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    assert!(error
        .to_string()
        .contains("results[2].environment_feature_state.enabled"));

    let replay = Replay::start();
    let body = features_with(
        "features_list__env_staging.json",
        "welcome_message",
        json!({"created_date": "last tuesday"}),
    );
    replay.respond("GET", STAGING_FEATURES, Reply::value(200, &body));
    match fetch_err(options(&replay)) {
        ProviderError::Shape { path, .. } => assert_eq!(path, "results[3].created_date"),
        other => panic!("expected a shape error, got {other:?}"),
    }

    // A list where an object was expected.
    let replay = Replay::start();
    replay.respond(
        "GET",
        TAGS,
        Reply::json(200, r#"{"count": 1, "next": null, "results": {"id": 1}}"#),
    );
    match fetch_err(options(&replay)) {
        ProviderError::Shape { path, .. } => assert_eq!(path, "results"),
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let error = Flagsmith::new(FlagsmithOptions {
        base_url: "http://flagsmith.example.com/api/v1/".to_owned(),
        api_key: API_KEY.to_owned(),
        ..FlagsmithOptions::default()
    })
    .unwrap_err();
    assert!(
        matches!(error, ProviderError::InsecureUrl { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("https"), "{error}");
    assert_hides_keys(&error, API_KEY);

    for local in [
        "http://localhost:8000/api/v1/",
        "http://[::1]:8000/api/v1/",
        "http://127.0.0.1:8000/api/v1",
    ] {
        let made = Flagsmith::new(FlagsmithOptions {
            base_url: local.to_owned(),
            api_key: API_KEY.to_owned(),
            ..FlagsmithOptions::default()
        });
        assert!(made.is_ok(), "{local}: {:?}", made.err());
    }
}

#[test]
fn debug_output_never_shows_the_key() {
    let replay = Replay::start();
    let options = options(&replay);
    let provider = Flagsmith::new(options.clone()).unwrap();
    for text in [
        format!("{options:?}"),
        format!("{provider:?}"),
        format!("{provider:#?}"),
    ] {
        assert!(!text.contains(KEY_SECRET), "{text}");
    }
}

#[test]
fn upload_code_references_posts_the_scan() {
    let replay = Replay::start();
    let reference = |feature: &str, file: &str, line: u32| CodeReference {
        feature_name: feature.to_owned(),
        file_path: file.to_owned(),
        line_number: line,
    };
    let scan = CodeReferenceScan {
        repository_url: "https://github.com/acme/web-app".to_owned(),
        vcs_provider: "github".to_owned(),
        revision: "4f2a9c1".to_owned(),
        code_references: vec![
            reference("new_checkout", "src/checkout.rs", 42),
            reference("new_checkout", "src/cart.rs", 7),
            reference("payments_kill_switch", "src/payments.rs", 13),
            reference("button_color", "web/button.tsx", 5),
        ],
    };

    Flagsmith::new(options(&replay))
        .unwrap()
        .upload_code_references(&scan)
        .unwrap();

    assert_eq!(
        replay.request_lines(),
        [
            format!("GET {PROJECTS}"),
            "POST /api/v1/projects/1/code-references/".to_owned()
        ]
    );
    let post = replay.requests().pop().unwrap();
    assert_eq!(
        post.authorization.as_deref(),
        Some(&format!("Api-Key {API_KEY}")[..])
    );
    let sent = post.json();
    assert_eq!(sent, serde_json::to_value(&scan).unwrap());

    // The shape of the request body the recording sent.
    let index = recorded_json("_index.json");
    let recorded = index
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "code_references_scan_create.json")
        .unwrap()["request_body"]
        .clone();
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&sent), keys(&recorded));
    for field in ["repository_url", "vcs_provider", "revision"] {
        assert_eq!(sent[field], recorded[field], "{field}");
    }
    assert_eq!(sent["code_references"][0], recorded["code_references"][0]);
    // ...and the references the service stored from it.
    let stored = recorded_json("code_references_scan_create.json");
    let mut stored: Vec<Value> = stored["code_references"].as_array().unwrap().clone();
    let mut ours: Vec<Value> = sent["code_references"].as_array().unwrap().clone();
    let by_text = |a: &Value, b: &Value| a.to_string().cmp(&b.to_string());
    stored.sort_by(by_text);
    ours.sort_by(by_text);
    assert_eq!(ours, stored);
}

#[test]
fn upload_failure_is_an_error() {
    let replay = Replay::start();
    replay.respond(
        "POST",
        "/api/v1/projects/1/code-references/",
        Reply::json(400, r#"{"code_references":["This field is required."]}"#),
    );
    let scan = CodeReferenceScan {
        repository_url: "https://github.com/acme/web-app".to_owned(),
        vcs_provider: "github".to_owned(),
        revision: "4f2a9c1".to_owned(),
        code_references: Vec::new(),
    };
    let error = Flagsmith::new(options(&replay))
        .unwrap()
        .upload_code_references(&scan)
        .unwrap_err();
    assert_hides_keys(&error, API_KEY);
    assert!(
        matches!(error, ProviderError::Status { status: 400, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("This field is required."),
        "{error}"
    );
}

/// The recorded project as an Edge project in `migration` (`None`: a server too old to say).
/// Its feature lists are the recorded ones, which hold the identity-override counts: what a
/// migrated Edge project's lists hold too, Flagsmith counting them in DynamoDB instead.
fn edge_project(replay: &Replay, migration: Option<&str>) {
    let mut projects = recorded_json("projects_list__apikey.json");
    projects[0]["enable_dynamo_db"] = json!(true);
    projects[0]["use_edge_identities"] = json!(true);
    projects[0]["migration_status"] = json!("MIGRATION_COMPLETED");
    match migration {
        Some(status) => projects[0]["edge_v2_migration_status"] = json!(status),
        None => {
            projects[0]
                .as_object_mut()
                .unwrap()
                .remove("edge_v2_migration_status");
        }
    }
    replay.respond("GET", PROJECTS, Reply::value(200, &projects));
}

/// An Edge project not yet migrated: the feature lists' identity counts are null (Flagsmith's
/// `get_overrides_data` skips them), and only `edge-identity-overrides` has them, here dark_mode's
/// two in Development.
fn edge_project_not_migrated(replay: &Replay, migration: Option<&str>) {
    edge_project(replay, migration);
    for (target, file) in [
        (DEV_FEATURES, "features_list__env_development.json"),
        (STAGING_FEATURES, "features_list__env_staging.json"),
        (PROD_FEATURES, "features_list__env_production.json"),
    ] {
        let mut body = recorded_json(file);
        for feature in body["results"].as_array_mut().unwrap() {
            feature["num_identity_overrides"] = Value::Null;
        }
        replay.respond("GET", target, Reply::value(200, &body));
    }
    replay.respond(
        "GET",
        &format!("/api/v1/environments/{DEV_KEY}/edge-identity-overrides?feature=7"),
        Reply::recorded("edge_identity_overrides__derived.json"),
    );
    for key in [DEV_KEY, STAGING_KEY, PROD_KEY] {
        replay.respond_any_query(
            "GET",
            &format!("/api/v1/environments/{key}/edge-identity-overrides"),
            Reply::json(200, r#"{"results": []}"#),
        );
    }
}

fn edge_requests(replay: &Replay) -> Vec<String> {
    replay
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/edge-identity-overrides"))
        .map(|r| r.line())
        .collect()
}

fn stats_of(flagsmith: &Flagsmith) -> ReadStats {
    flagsmith.stats().expect("stats after a successful fetch")
}

#[test]
fn an_edge_project_with_the_migration_complete_makes_no_edge_identity_overrides_request() {
    let replay = Replay::start();
    edge_project(&replay, Some("COMPLETE"));

    let flagsmith = Flagsmith::new(options(&replay)).unwrap();
    let set = flagsmith.fetch().unwrap();
    assert_eq!(edge_requests(&replay), Vec::<String>::new());
    assert_eq!(
        state(&set, "dark_mode", "Development").identity_overrides,
        2
    );
    assert_eq!(state(&set, "dark_mode", "Staging").identity_overrides, 1);
    assert_eq!(
        state(&set, "welcome_message", "Development").identity_overrides,
        1
    );
    // The same ten requests as a Core project.
    assert_eq!(replay.requests().len(), 10);
    let stats = stats_of(&flagsmith);
    assert_eq!(stats.requests, 10);
    insta::assert_snapshot!(stats.notes.join("\n"), @"identity overrides: counted by the features list (an Edge project whose edge_v2_migration_status is COMPLETE, so Flagsmith counts them)");
}

#[test]
fn a_core_project_counts_identity_overrides_from_the_features_list() {
    let replay = Replay::start();
    let flagsmith = Flagsmith::new(options(&replay)).unwrap();
    let set = flagsmith.fetch().unwrap();
    assert_eq!(edge_requests(&replay), Vec::<String>::new());
    assert_eq!(
        state(&set, "dark_mode", "Development").identity_overrides,
        2
    );
    insta::assert_snapshot!(stats_of(&flagsmith).notes.join("\n"), @"identity overrides: counted by the features list (a Core project: enable_dynamo_db is false)");
}

#[test]
fn an_edge_project_not_migrated_asks_only_for_the_flags_that_need_it() {
    // INCOMPLETE is "identity overrides skipped"; a server too old to say cannot be trusted either.
    for migration in [
        Some("NOT_STARTED"),
        Some("IN_PROGRESS"),
        Some("INCOMPLETE"),
        None,
    ] {
        let replay = Replay::start();
        edge_project_not_migrated(&replay, migration);

        let flagsmith = Flagsmith::new(options(&replay)).unwrap();
        let set = flagsmith.fetch().unwrap();
        // Asked: the three flags that otherwise serve one result everywhere (new_checkout and
        // legacy_banner in every environment; dark_mode only until Development shows two).
        // Not asked: api_timeout_ms and welcome_message (values differ between environments),
        // button_color (split), beta_dashboard (segment override), old_search (archived),
        // payments_kill_switch (permanent).
        let edge = |key: &str, feature: u64| {
            format!("GET /api/v1/environments/{key}/edge-identity-overrides?feature={feature}")
        };
        assert_eq!(
            edge_requests(&replay),
            [
                edge(DEV_KEY, 1),
                edge(STAGING_KEY, 1),
                edge(PROD_KEY, 1),
                edge(DEV_KEY, 2),
                edge(STAGING_KEY, 2),
                edge(PROD_KEY, 2),
                edge(DEV_KEY, 7),
            ],
            "{migration:?}"
        );
        assert_eq!(
            state(&set, "dark_mode", "Development").identity_overrides,
            2
        );
        assert_eq!(replay.requests().len(), 10 + 7);
        let stats = stats_of(&flagsmith);
        assert_eq!(stats.requests, 17);
        assert!(
            stats.notes[0].starts_with(
                "identity overrides: asked with edge-identity-overrides for the 3 of 9 flags \
                 that otherwise serve one result everywhere, in 7 requests"
            ),
            "{}",
            stats.notes[0]
        );
        let status = migration.unwrap_or("not given");
        assert!(
            stats.notes[0].contains(&format!(
                "edge_v2_migration_status is {status}, not COMPLETE"
            )),
            "{}",
            stats.notes[0]
        );
    }
}

#[test]
fn identity_overrides_found_either_way_keep_a_flag_from_being_stale() {
    let not_migrated = Replay::start();
    edge_project_not_migrated(&not_migrated, Some("IN_PROGRESS"));
    let migrated = Replay::start();
    edge_project(&migrated, Some("COMPLETE"));
    for replay in [&not_migrated, &migrated] {
        let dir = flagsmith_repo(&replay.base_url(), "");
        let output = cli::flaglint_with(
            dir.path(),
            &["check", "--now", "2026-12-31", "--format", "json"],
            &[("FLAGSMITH_API_KEY", API_KEY)],
        );
        assert_eq!(output.status.code(), Some(1), "{}", cli::stderr(&output));
        let stale = stale_flags(&output);
        // Both are off everywhere since November; dark_mode is on for two identities.
        assert!(stale.contains(&"legacy_banner".to_owned()), "{stale:?}");
        assert!(!stale.contains(&"dark_mode".to_owned()), "{stale:?}");
    }
}

/// The flags `check --format json` reports as stale.
fn stale_flags(output: &std::process::Output) -> Vec<String> {
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", cli::stdout(output)));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "stale-flag")
        .map(|f| f["flag"].as_str().unwrap().to_owned())
        .collect()
}

/// A repository reading the recorded flags, whose flaglint.toml points at `url` with the
/// `[service]` lines `extra` added.
fn flagsmith_repo(url: &str, extra: &str) -> tempfile::TempDir {
    cli::repo_text(&[
        (
            "flaglint.toml",
            &format!(
                "[service]\nprovider = \"flagsmith\"\nurl = \"{url}\"\nproject = \"Web App\"\n{extra}"
            ),
        ),
        (
            "src/app.ts",
            "import flagsmith from 'flagsmith';\n\
             flagsmith.hasFeature('legacy_banner');\n\
             flagsmith.hasFeature('dark_mode');\n\
             flagsmith.hasFeature('new_checkout');\n",
        ),
    ])
}

#[test]
fn check_stats_say_which_way_identity_overrides_were_read() {
    let replay = Replay::start();
    edge_project_not_migrated(&replay, Some("NOT_STARTED"));
    let dir = flagsmith_repo(&replay.base_url(), "");
    let key = [("FLAGSMITH_API_KEY", API_KEY)];
    let output = cli::flaglint_with(
        dir.path(),
        &["check", "--now", "2026-12-31", "--stats"],
        &key,
    );
    assert_eq!(output.status.code(), Some(1), "{}", cli::stderr(&output));
    let stderr = cli::stderr(&output);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("stats: flagsmith: "))
        .collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("stats: flagsmith: 17 requests in ")
            && lines[0].ends_with(" s, one at a time"),
        "{stderr}"
    );
    insta::assert_snapshot!(lines[1], @"stats: flagsmith: identity overrides: asked with edge-identity-overrides for the 3 of 9 flags that otherwise serve one result everywhere, in 7 requests (an Edge project whose edge_v2_migration_status is NOT_STARTED, not COMPLETE: the features list cannot count them until the migration completes, and overrides it has not copied yet are missed)");

    // Without --stats, pull and check say nothing of it; `pull --stats` does.
    let pulled = cli::flaglint_with(dir.path(), &["pull"], &key);
    assert!(pulled.status.success(), "{}", cli::stderr(&pulled));
    assert!(!cli::stderr(&pulled).contains("stats:"));
    let pulled = cli::flaglint_with(dir.path(), &["pull", "--stats"], &key);
    assert!(
        cli::stderr(&pulled).contains("stats: flagsmith: identity overrides: asked"),
        "{}",
        cli::stderr(&pulled)
    );
}

#[test]
fn a_v2_feature_without_last_modified_uses_its_newest_live_version() {
    let replay = Replay::start();
    let mut body = features_with(
        "features_list__env_production.json",
        "api_timeout_ms",
        json!({"last_modified_in_current_environment": null}),
    );
    let legacy = body["results"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["name"] == "legacy_banner")
        .unwrap();
    legacy["last_modified_in_current_environment"] = Value::Null;
    replay.respond("GET", PROD_FEATURES, Reply::value(200, &body));

    // Production alone: api_timeout_ms serves 6000 to everyone there, so its age matters.
    let set = fetch_ok(FlagsmithOptions {
        environments: vec!["Production".to_owned()],
        ..options(&replay)
    });
    assert_eq!(
        state(&set, "api_timeout_ms", "Production").last_changed,
        Some(ts("2026-11-24T22:52:48.135628Z"))
    );
    // The newer unpublished draft is not live.
    assert_eq!(
        state(&set, "legacy_banner", "Production").last_changed,
        Some(ts("2026-11-24T22:52:36.988935Z"))
    );
    assert_eq!(
        replay.count(
            "GET",
            "/api/v1/environments/3/features/3/versions/?page_size=999"
        ),
        1
    );
    assert_eq!(
        replay.count(
            "GET",
            "/api/v1/environments/3/features/2/versions/?page_size=999"
        ),
        1
    );
    assert_eq!(replay.requests().len(), 7);
}

#[test]
fn versions_are_asked_only_for_flags_judged_by_age() {
    let replay = Replay::start();
    let body = features_with(
        "features_list__env_production.json",
        "api_timeout_ms",
        json!({"last_modified_in_current_environment": null}),
    );
    replay.respond("GET", PROD_FEATURES, Reply::value(200, &body));

    // Across all three environments api_timeout_ms serves 3000 in two and 6000 in one: no
    // rule asks when it last changed, so its versions are not read.
    let set = fetch_ok(options(&replay));
    assert_eq!(
        state(&set, "api_timeout_ms", "Production").last_changed,
        None
    );
    assert_eq!(
        replay.count(
            "GET",
            "/api/v1/environments/3/features/3/versions/?page_size=999"
        ),
        0
    );
    assert_eq!(replay.requests().len(), 10);
}

#[test]
fn a_paid_plan_audit_log_refines_v1_last_changed() {
    let replay = Replay::start();
    // Recorded on /api/v1/audit/?project=1&environments=1&environments=2 on the enterprise
    // plan; the project-nested route returns the same body.
    replay.respond(
        "GET",
        V1_AUDIT,
        Reply::recorded("audit_list__project_envs_dev_and_staging.json"),
    );

    let set = fetch_ok(options(&replay));
    // The second toggle's audit entry, a little after the row's updated_at.
    assert_eq!(
        state(&set, "legacy_banner", "Development").last_changed,
        Some(ts("2026-11-24T22:52:23.737663Z"))
    );
    // Override changes never touch the default row; only the log shows them.
    assert_eq!(
        state(&set, "welcome_message", "Development").last_changed,
        Some(ts("2026-11-24T22:52:24.531734Z"))
    );
    assert_eq!(
        state(&set, "welcome_message", "Staging").last_changed,
        Some(ts("2026-11-24T22:52:24.023473Z"))
    );
    assert_eq!(
        state(&set, "dark_mode", "Staging").last_changed,
        Some(ts("2026-11-24T22:52:24.443954Z"))
    );
    // v2 environments keep their version timestamps.
    assert_eq!(
        state(&set, "api_timeout_ms", "Production").last_changed,
        Some(ts("2026-11-24T22:52:48.117742Z"))
    );
    assert_eq!(replay.requests().len(), 10);
}

#[test]
fn a_long_audit_log_is_read_on_until_nothing_older_can_matter() {
    let replay = Replay::start();
    let log = recorded_json("audit_list__project_envs_dev_and_staging.json");
    let entries = log["results"].as_array().unwrap();
    let page_2_target =
        "/api/v1/projects/1/audit/?environments=1&environments=2&page=2&page_size=999";
    let page_3_target =
        "/api/v1/projects/1/audit/?environments=1&environments=2&page=3&page_size=999";
    replay.respond(
        "GET",
        V1_AUDIT,
        Reply::value(
            200,
            &json!({"count": 1500, "next": format!("http://127.0.0.1:8000{page_2_target}"), "previous": null,
                    "results": entries[..8]}),
        ),
    );
    replay.respond(
        "GET",
        page_2_target,
        Reply::value(
            200,
            &json!({"count": 1500, "next": format!("http://127.0.0.1:8000{page_3_target}"), "previous": null,
                    "results": entries[8..]}),
        ),
    );

    let set = fetch_ok(options(&replay));
    assert_eq!(
        state(&set, "legacy_banner", "Development").last_changed,
        Some(ts("2026-11-24T22:52:23.737663Z"))
    );
    assert_eq!(replay.count("GET", page_2_target), 1);
    // Every open flag was settled on page 2, so page 3 is never asked for.
    assert_eq!(replay.count("GET", page_3_target), 0);
    assert_eq!(replay.requests().len(), 11);
}

#[test]
fn a_huge_audit_log_is_searched_per_open_flag() {
    let replay = Replay::start();
    let log = recorded_json("audit_list__project_envs_dev_and_staging.json");
    let entries = log["results"].as_array().unwrap();
    replay.respond(
        "GET",
        V1_AUDIT,
        Reply::value(
            200,
            &json!({"count": 100000,
                    "next": "http://127.0.0.1:8000/api/v1/projects/1/audit/?environments=1&environments=2&page=2&page_size=999",
                    "previous": null, "results": entries[..2]}),
        ),
    );
    let search = |name: &str| format!("{V1_AUDIT}&search={name}");
    // Recorded on /api/v1/audit/?project=1&search=legacy_banner: it also holds Production
    // and project-level entries, which must be ignored.
    replay.respond(
        "GET",
        &search("legacy_banner"),
        Reply::recorded("audit_list__search_legacy_banner.json"),
    );
    for name in ["new_checkout", "api_timeout_ms"] {
        replay.respond(
            "GET",
            &search(name),
            Reply::recorded("audit_list__project_nested__free_plan_empty.json"),
        );
    }

    let set = fetch_ok(options(&replay));
    assert_eq!(
        state(&set, "legacy_banner", "Development").last_changed,
        Some(ts("2026-11-24T22:52:23.737663Z"))
    );
    assert_eq!(
        state(&set, "legacy_banner", "Staging").last_changed,
        Some(ts("2026-11-24T22:52:00.913369Z"))
    );
    // Only the flags that serve the same one result everywhere, are not archived and not
    // permanent: api_timeout_ms serves 3000 in Development and Staging but 6000 in Production.
    for name in ["new_checkout", "legacy_banner"] {
        assert_eq!(replay.count("GET", &search(name)), 1, "{name}");
    }
    assert_eq!(replay.count("GET", &search("api_timeout_ms")), 0);
    assert_eq!(replay.requests().len(), 12);
}
