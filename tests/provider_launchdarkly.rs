//! The LaunchDarkly provider against a replay of REST API v2 responses written in the shapes
//! of LaunchDarkly's OpenAPI description (`fixtures/launchdarkly-api/`, README there): the
//! project must map to the expected `FlagSet`, every page must be followed through
//! `_links.next`, and every failure must end as an error that names the endpoint and
//! `LAUNCHDARKLY_API_TOKEN`, and never the token (nor the SDK keys the environments list).

#[path = "support/flagset.rs"]
mod flagset;
#[path = "support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flaglint::flag::FlagSet;
use flaglint::provider::launchdarkly::{LaunchDarkly, LaunchDarklyOptions, TOKEN_VAR};
use flaglint::provider::{FlagSource, ProviderError};
use jiff::Timestamp;
use serde_json::{json, Value};

use flagset::{flag, state};
use server::{normalize_line, Reply, Server};

/// A fake access token in LaunchDarkly's format.
const TOKEN: &str = "api-0b2c4d6e-fake-4f00-8a9b-0123456789ab";
const PROJECT: &str = "/api/v2/projects/default";
const ENVIRONMENTS: &str = "/api/v2/projects/default/environments?limit=100";
const FLAGS: &str = "/api/v2/flags/default?summary=0&limit=100&env=production&env=staging&env=test";
const FLAGS_PAGE_2: &str =
    "/api/v2/flags/default?env=production&env=staging&env=test&summary=0&limit=4&offset=4";
const ARCHIVED: &str = "/api/v2/flags/default?summary=0&limit=100&env=production&env=staging&env=test&filter=state%3Aarchived";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/launchdarkly-api")
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

fn check_token(authorization: Option<&str>) -> Option<Reply> {
    match authorization.map(str::trim) {
        Some(t) if t == TOKEN => None,
        _ => Some(Reply::json(401, fixture("error_401__invalid_token.json"))),
    }
}

fn server() -> Server {
    let replay = Server::start(check_token);
    replay.respond("GET", PROJECT, ok("project__default.json"));
    replay.respond("GET", ENVIRONMENTS, ok("environments__default.json"));
    replay.respond("GET", FLAGS, ok("flags__default__page_1.json"));
    replay.respond("GET", FLAGS_PAGE_2, ok("flags__default__page_2.json"));
    replay.respond("GET", ARCHIVED, ok("flags__default__archived.json"));
    replay
}

fn options(replay: &Server) -> LaunchDarklyOptions {
    LaunchDarklyOptions {
        base_url: replay.origin().to_owned(),
        api_token: TOKEN.to_owned(),
        retry_base: Duration::from_millis(5),
        timeout: Duration::from_secs(10),
        ..LaunchDarklyOptions::default()
    }
}

fn fetch(options: LaunchDarklyOptions) -> Result<FlagSet, ProviderError> {
    LaunchDarkly::new(options)?.fetch()
}

fn fetch_ok(options: LaunchDarklyOptions) -> FlagSet {
    fetch(options).unwrap_or_else(|e| panic!("fetch failed: {e}"))
}

fn fetch_err(options: LaunchDarklyOptions) -> ProviderError {
    let token = options.api_token.clone();
    flagset::expect_error(fetch(options), &[&token, TOKEN, "sdk-FAKE", "mob-FAKE"])
}

fn ms(millis: i64) -> Option<Timestamp> {
    Some(Timestamp::from_millisecond(millis).unwrap())
}

const T0: i64 = 1_755_000_000_000;
const DAY: i64 = 86_400_000;

#[test]
fn project_maps_to_expected_flagset() {
    let replay = server();
    let set = fetch_ok(options(&replay));
    assert_eq!(set.provider, "launchdarkly");
    assert_eq!(set.project.as_deref(), Some("default"));
    assert_eq!(set.environments, ["production", "staging", "test"]);
    let keys: Vec<&str> = set.flags.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "new-checkout",
            "dark-mode",
            "search-v2",
            "beta-dashboard",
            "button-color",
            "payments-kill-switch",
            "legacy-banner",
            "old-search"
        ]
    );

    for env in ["production", "staging", "test"] {
        let s = state(&set, "new-checkout", env);
        assert!(
            s.enabled && s.serves_one_result() && s.value.is_none(),
            "{env}"
        );
        // On in production but serving `false` (variation 1) to everyone: off, like the others.
        let s = state(&set, "dark-mode", env);
        assert!(!s.enabled && s.serves_one_result(), "dark-mode {env}");
        assert!(!state(&set, "legacy-banner", env).enabled);
        assert!(state(&set, "payments-kill-switch", env).enabled);
    }
    assert!(state(&set, "search-v2", "production").split);
    assert!(state(&set, "search-v2", "staging").serves_one_result());

    // Targets and rules that serve another variation than the fallthrough.
    let beta = state(&set, "beta-dashboard", "production");
    assert_eq!((beta.identity_overrides, beta.segment_overrides), (3, 1));
    assert!(
        beta.enabled,
        "the toggle, as it serves more than one result"
    );
    assert!(state(&set, "beta-dashboard", "staging").serves_one_result());

    // Multivariate: the toggle as `enabled`, the served variation as `value`.
    assert!(state(&set, "button-color", "production").split);
    let red = state(&set, "button-color", "staging");
    assert_eq!((red.enabled, red.value.clone()), (true, Some(json!("red"))));
    let off = state(&set, "button-color", "test");
    assert_eq!(
        (off.enabled, off.value.clone()),
        (false, Some(json!("blue")))
    );

    // Flag-level fields.
    let checkout = flag(&set, "new-checkout");
    assert_eq!(checkout.created, ms(T0));
    assert_eq!(checkout.owners, ["Ariel Flores"]);
    assert_eq!(checkout.tags, ["checkout"]);
    assert_eq!(checkout.kind.as_deref(), Some("temporary"));
    assert!(!checkout.permanent);
    let kill = flag(&set, "payments-kill-switch");
    assert!(kill.permanent);
    assert_eq!(kill.kind.as_deref(), Some("permanent"));
    assert_eq!(kill.owners, ["Payments"]);
    assert!(flag(&set, "beta-dashboard").permanent);
    assert!(flag(&set, "legacy-banner").service_stale, "deprecated");
    assert!(flag(&set, "old-search").archived);

    // Last changed: each environment's lastModified.
    assert_eq!(
        state(&set, "new-checkout", "staging").last_changed,
        ms(T0 + 5 * DAY + 60_000)
    );
    assert_eq!(
        state(&set, "search-v2", "production").last_changed,
        ms(T0 + 30 * DAY)
    );
    assert_eq!(
        state(&set, "old-search", "test").last_changed,
        ms(T0 - 10 * DAY)
    );

    // Nothing secret in the result.
    let json = serde_json::to_string(&set).unwrap();
    assert!(!json.contains("sdk-FAKE") && !json.contains("mob-FAKE") && !json.contains(TOKEN));

    let mut set = set;
    set.fetched_at = None;
    insta::assert_json_snapshot!("project", set);
}

#[test]
fn pages_are_followed_and_the_token_goes_bare() {
    let replay = server();
    fetch_ok(options(&replay));
    let lines: Vec<String> = replay
        .request_lines()
        .iter()
        .map(|l| normalize_line(l))
        .collect();
    let expected: Vec<String> = [PROJECT, ENVIRONMENTS, FLAGS, FLAGS_PAGE_2, ARCHIVED]
        .iter()
        .map(|t| normalize_line(&format!("GET {t}")))
        .collect();
    assert_eq!(lines, expected);
    for seen in replay.requests() {
        // `Authorization: <token>`, no scheme.
        assert_eq!(seen.authorization.as_deref().map(str::trim), Some(TOKEN));
    }
}

#[test]
fn one_environment_by_key_and_unknown_ones_listed() {
    let replay = server();
    let only = "/api/v2/flags/default?summary=0&limit=100&env=production";
    let mut page = fixture_json("flags__default__page_1.json");
    page["_links"] = json!({});
    page["totalCount"] = json!(4);
    replay.respond("GET", only, Reply::value(200, &page));
    replay.respond(
        "GET",
        &format!("{only}&filter=state%3Aarchived"),
        ok("flags__default__archived.json"),
    );
    let set = fetch_ok(LaunchDarklyOptions {
        environments: vec!["production".to_owned()],
        ..options(&replay)
    });
    assert_eq!(set.environments, ["production"]);
    assert_eq!(set.flags.len(), 5);

    let error = fetch_err(LaunchDarklyOptions {
        environments: vec!["Production".to_owned()],
        ..options(&replay)
    });
    let text = error.to_string();
    assert!(
        text.contains("production (Production), staging (Staging), test (Test)"),
        "{text}"
    );
}

#[test]
fn a_next_link_to_another_host_is_refused() {
    let replay = server();
    let mut page = fixture_json("flags__default__page_1.json");
    page["_links"]["next"]["href"] =
        json!("https://collector.example.com/api/v2/flags/default?offset=4");
    replay.respond("GET", FLAGS, Reply::value(200, &page));
    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::Pagination { .. }), "{error}");
    assert!(
        error.to_string().contains("not a path on this service"),
        "{error}"
    );
}

#[test]
fn a_short_read_against_total_count_is_an_error() {
    let replay = server();
    let mut page = fixture_json("flags__default__page_2.json");
    page["totalCount"] = json!(7);
    page["items"].as_array_mut().unwrap().pop();
    replay.respond("GET", FLAGS_PAGE_2, Reply::value(200, &page));
    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::Pagination { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("6 items read but `totalCount` says 7"),
        "{error}"
    );
}

#[test]
fn a_next_link_that_loops_is_an_error() {
    let replay = server();
    let mut page = fixture_json("flags__default__page_2.json");
    page["_links"]["next"] = page["_links"]["self"].clone();
    replay.respond("GET", FLAGS_PAGE_2, Reply::value(200, &page));
    let error = fetch_err(options(&replay));
    assert!(error.to_string().contains("does not advance"), "{error}");
}

#[test]
fn bad_token_names_the_variable_never_the_token() {
    let replay = server();
    let error = fetch_err(LaunchDarklyOptions {
        api_token: "api-wrong-0000".to_owned(),
        ..options(&replay)
    });
    let text = error.to_string();
    assert!(
        matches!(error, ProviderError::Unauthorized { .. }),
        "{text}"
    );
    assert!(text.contains("GET /api/v2/projects/default"), "{text}");
    assert!(text.contains(TOKEN_VAR), "{text}");
    assert!(text.contains("(Invalid access token)"), "{text}");
    assert!(!text.contains("api-wrong-0000"), "{text}");

    let missing = fetch_err(LaunchDarklyOptions {
        api_token: String::new(),
        ..options(&replay)
    });
    assert!(
        matches!(missing, ProviderError::MissingCredential { credential } if credential == TOKEN_VAR)
    );
}

#[test]
fn forbidden_and_unknown_project() {
    let replay = server();
    replay.respond(
        "GET",
        "/api/v2/projects/shop",
        Reply::json(404, fixture("error_404__unknown_project.json")),
    );
    let error = fetch_err(LaunchDarklyOptions {
        project: "shop".to_owned(),
        ..options(&replay)
    });
    let text = error.to_string();
    assert!(matches!(error, ProviderError::NotFound { .. }), "{text}");
    assert!(
        text.contains("GET /api/v2/projects/shop") && text.contains("`project`"),
        "{text}"
    );

    replay.respond(
        "GET",
        ARCHIVED,
        Reply::json(403, fixture("error_403__forbidden.json")),
    );
    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::Forbidden { .. }), "{error}");
    assert!(error.to_string().contains(TOKEN_VAR), "{error}");
}

#[test]
fn an_unaccepted_filter_is_reported_with_its_endpoint() {
    let replay = server();
    replay.respond(
        "GET",
        ARCHIVED,
        Reply::json(400, fixture("error_400__invalid_request.json")),
    );
    let error = fetch_err(options(&replay));
    let text = error.to_string();
    assert!(
        matches!(error, ProviderError::Status { status: 400, .. }),
        "{text}"
    );
    assert!(
        text.contains("filter=state%3Aarchived")
            && text.contains("(Invalid filter: unknown field)"),
        "{text}"
    );
}

#[test]
fn rate_limits_and_server_errors_are_retried() {
    let replay = server();
    replay.respond_times(
        "GET",
        FLAGS_PAGE_2,
        1,
        Reply::json(429, fixture("error_429__rate_limited.json")).header("Retry-After", "1"),
    );
    replay.respond_times(
        "GET",
        ENVIRONMENTS,
        2,
        Reply::json(502, "<html>bad gateway</html>"),
    );
    let started = Instant::now();
    let set = fetch_ok(options(&replay));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(set.flags.len(), 8);
    assert_eq!(replay.count("GET", FLAGS_PAGE_2), 2);
    assert_eq!(replay.count("GET", ENVIRONMENTS), 3);

    let replay = server();
    replay.respond(
        "GET",
        FLAGS,
        Reply::json(503, r#"{"code":"service_unavailable","message":"down"}"#),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(
            error,
            ProviderError::Server {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("GET /api/v2/flags/default?summary=0"),
        "{error}"
    );
}

#[test]
fn a_token_echoed_by_the_server_is_scrubbed() {
    let replay = server();
    replay.respond(
        "GET",
        ENVIRONMENTS,
        Reply::value(
            400,
            &json!({"code": "invalid_request", "message": format!("token {TOKEN} is odd")}),
        ),
    );
    let error = fetch_err(options(&replay));
    assert!(error.to_string().contains("token *** is odd"), "{error}");
}

#[test]
fn base_url_with_api_suffix_and_debug_output() {
    let replay = server();
    let set = fetch_ok(LaunchDarklyOptions {
        base_url: format!("{}/api/v2/", replay.origin()),
        ..options(&replay)
    });
    assert_eq!(set.flags.len(), 8);
    let ld = LaunchDarkly::new(LaunchDarklyOptions {
        api_token: TOKEN.to_owned(),
        ..LaunchDarklyOptions::default()
    })
    .unwrap();
    assert!(!format!("{ld:?}").contains(TOKEN));
    let insecure = LaunchDarkly::new(LaunchDarklyOptions {
        api_token: TOKEN.to_owned(),
        base_url: "http://ld-relay.internal".to_owned(),
        ..LaunchDarklyOptions::default()
    })
    .unwrap_err();
    assert!(matches!(insecure, ProviderError::InsecureUrl { .. }));
}
