//! The Unleash provider against the recorded unleash-server 8.2.0 Admin API (replayed from
//! `fixtures/unleash-api/`), and, in the ignored `e2e_*` test, against a real server
//! (`.ci/unleash-e2e.sh` starts one and runs it).
//!
//! The recorded project must map to the expected `FlagSet`, every page must be read, and
//! every failure must end as an error that names the endpoint and `UNLEASH_API_TOKEN`, and
//! never the token itself.

#[path = "support/flagset.rs"]
mod flagset;
#[path = "support/server.rs"]
mod server;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flaglint::flag::FlagSet;
use flaglint::provider::unleash::{Unleash, UnleashOptions, TOKEN_VAR};
use flaglint::provider::{FlagSource, ProviderError};
use jiff::Timestamp;
use serde_json::{json, Value};

use flagset::{flag, state};
use server::{normalize_line, Reply, Server};

/// The admin token the recording used (the script's default; it appears in no body).
const TOKEN: &str = "*:*.flaglint-ci-admin-token";
const PROJECTS: &str = "/api/admin/projects";
const OVERVIEW: &str = "/api/admin/projects/default/overview";
const SEARCH: &str = "/api/admin/search/features?project=IS:default&limit=100&offset=0";
const ARCHIVED: &str =
    "/api/admin/search/features?project=IS:default&archived=IS:true&limit=100&offset=0";
const POTENTIALLY_STALE: &str =
    "/api/admin/search/features?project=IS:default&state=IS:potentially-stale&limit=100&offset=0";
const LIVE_FLAGS: [&str; 9] = [
    "legacy-banner",
    "new-checkout",
    "search-v2",
    "beta-dashboard",
    "button-color",
    "welcome-text",
    "dark-mode",
    "payments-kill-switch",
    "new-onboarding",
];
/// The provider's CONFIG_EVENTS, as a query value.
const CONFIG_TYPES: &str = "IS_ANY_OF:feature-created,feature-updated,feature-archived,feature-revived,feature-import,feature-variants-updated,feature-environment-variants-updated,feature-environment-enabled,feature-environment-disabled,feature-strategy-add,feature-strategy-update,feature-strategy-remove,strategy-order-changed,feature-dependency-added,feature-dependency-removed,feature-dependencies-removed,release-plan-added,release-plan-removed,release-plan-milestone-started";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/unleash-api")
}

fn fixture(file: &str) -> String {
    std::fs::read_to_string(fixtures().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn fixture_json(file: &str) -> Value {
    serde_json::from_str(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn recorded(file: &str) -> Reply {
    Reply::json(200, fixture(file))
}

fn events_target(filter: &str, offset: usize) -> String {
    format!(
        "/api/admin/search/events?{filter}&type={}&limit=1000&offset={offset}",
        urlencode(CONFIG_TYPES)
    )
}

fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace(',', "%2C")
}

/// A replay server answering every request the provider makes for the recorded project.
fn recorded_server() -> Server {
    let replay = Server::start(check_token);
    replay.respond("GET", PROJECTS, recorded("projects.json"));
    replay.respond("GET", OVERVIEW, recorded("project_overview__default.json"));
    // The recording asked without limit/offset; with 9 flags the answer is the same page.
    replay.respond(
        "GET",
        SEARCH,
        recorded("search_features__project_default.json"),
    );
    replay.respond("GET", ARCHIVED, recorded("search_features__archived.json"));
    replay.respond(
        "GET",
        POTENTIALLY_STALE,
        recorded("search_features__state_potentially_stale.json"),
    );
    for flag in LIVE_FLAGS {
        let file = if flag == "welcome-text" {
            "feature__welcome-text__variantEnvironments_true.json".to_owned()
        } else {
            format!("feature__{flag}.json")
        };
        let target = if flag == "welcome-text" {
            format!("/api/admin/projects/default/features/{flag}?variantEnvironments=true")
        } else {
            format!("/api/admin/projects/default/features/{flag}")
        };
        replay.respond("GET", &target, recorded(&file));
    }
    replay.respond(
        "GET",
        "/api/admin/projects/default/features/old-search",
        Reply::json(404, fixture("error_404__archived_feature_detail.json")),
    );
    replay.respond(
        "GET",
        &events_target("project=IS%3Adefault", 0),
        recorded("derived/search_events__project_default__config_types.json"),
    );
    replay
}

/// Unleash's answer to a missing or wrong token, as recorded.
fn check_token(authorization: Option<&str>) -> Option<Reply> {
    match authorization.map(str::trim) {
        None | Some("") => Some(Reply::json(401, fixture("error_401__no_token.json"))),
        Some(t) if t == TOKEN || t.strip_prefix("Bearer ") == Some(TOKEN) => None,
        Some("default:production.backend-token") => Some(Reply::json(
            403,
            fixture("error_403__backend_token_on_admin_api.json"),
        )),
        Some(_) => Some(Reply::json(401, fixture("error_401__bad_token.json"))),
    }
}

fn options(replay: &Server) -> UnleashOptions {
    UnleashOptions {
        base_url: replay.origin().to_owned(),
        api_token: TOKEN.to_owned(),
        retry_base: Duration::from_millis(5),
        timeout: Duration::from_secs(10),
        ..UnleashOptions::default()
    }
}

fn fetch(options: UnleashOptions) -> Result<FlagSet, ProviderError> {
    Unleash::new(options)?.fetch()
}

fn fetch_ok(options: UnleashOptions) -> FlagSet {
    fetch(options).unwrap_or_else(|e| panic!("fetch failed: {e}"))
}

/// Fails the test on `Ok`, and on any trace of a token in the error.
fn fetch_err(options: UnleashOptions) -> ProviderError {
    let token = options.api_token.clone();
    flagset::expect_error(fetch(options), &secrets(&token))
}

/// The tokens no error may show.
fn secrets(token: &str) -> [&str; 4] {
    [token, TOKEN, "flaglint-ci-admin-token", "backend-token"]
}

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn recorded_project_maps_to_expected_flagset() {
    let replay = recorded_server();
    let started = Timestamp::now();
    let set = fetch_ok(options(&replay));

    assert!(set.fetched_at.is_some_and(|t| t >= started));
    assert_eq!(set.provider, "unleash");
    assert_eq!(set.project.as_deref(), Some("default"));
    assert_eq!(set.environments, ["development", "production"]);
    let keys: Vec<&str> = set.flags.iter().map(|f| f.key.as_str()).collect();
    let mut expected = LIVE_FLAGS.to_vec();
    expected.push("old-search");
    assert_eq!(keys, expected);

    // The recording's data set (recordings/README.md), cell by cell.
    for env in ["development", "production"] {
        let on = state(&set, "new-checkout", env);
        assert!(on.enabled && on.serves_one_result(), "new-checkout {env}");
        let off = state(&set, "legacy-banner", env);
        assert!(
            !off.enabled && off.serves_one_result(),
            "legacy-banner {env}"
        );
        assert!(state(&set, "button-color", env).split, "button-color {env}");
        assert!(state(&set, "payments-kill-switch", env).serves_one_result());
        assert!(state(&set, "dark-mode", env).enabled);
    }
    assert!(state(&set, "search-v2", "development").serves_one_result());
    let half = state(&set, "search-v2", "production");
    assert!(half.split && half.enabled);
    assert!(state(&set, "beta-dashboard", "development").serves_one_result());
    let targeted = state(&set, "beta-dashboard", "production");
    assert_eq!((targeted.segment_overrides, targeted.split), (2, false));
    assert!(targeted.enabled);
    // Legacy environment variants (only visible with ?variantEnvironments=true).
    assert!(state(&set, "welcome-text", "development").serves_one_result());
    assert!(state(&set, "welcome-text", "production").split);
    // Never touched in development; in production a disabled strategy beside the 100 % one.
    assert!(!state(&set, "new-onboarding", "development").enabled);
    let onboarding = state(&set, "new-onboarding", "production");
    assert!(onboarding.enabled && onboarding.serves_one_result());

    // Types, permanence, staleness (a person's mark and the server's potentially-stale).
    let kinds: Vec<(&str, Option<&str>, bool)> = set
        .flags
        .iter()
        .map(|f| (f.key.as_str(), f.kind.as_deref(), f.permanent))
        .collect();
    assert!(kinds.contains(&("payments-kill-switch", Some("kill-switch"), true)));
    assert!(kinds.contains(&("beta-dashboard", Some("permission"), true)));
    assert!(kinds.contains(&("legacy-banner", Some("operational"), true)));
    assert!(kinds.contains(&("new-checkout", Some("release"), false)));
    assert!(kinds.contains(&("button-color", Some("experiment"), false)));
    let stale: Vec<&str> = set
        .flags
        .iter()
        .filter(|f| f.service_stale)
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(stale, ["legacy-banner", "new-checkout", "dark-mode"]);
    assert_eq!(flag(&set, "payments-kill-switch").tags, ["permanent"]);
    assert!(flag(&set, "new-checkout").tags.is_empty());

    // Archived: listed only by the archived search, its detail is never asked for.
    let archived = flag(&set, "old-search");
    assert!(archived.archived);
    assert!(state(&set, "old-search", "production").enabled);
    assert_eq!(
        replay.count("GET", "/api/admin/projects/default/features/old-search"),
        0
    );

    // Created: the flag's createdAt (back-dated in the recording), not its first event.
    assert_eq!(
        flag(&set, "legacy-banner").created,
        Some(ts("2026-09-25T23:40:11.441Z"))
    );
    // Last changed: the newest config event per environment; flag-level events count for
    // both environments; the potentially-stale and stale marks do not count.
    assert_eq!(
        state(&set, "legacy-banner", "development").last_changed,
        Some(ts("2026-11-24T23:40:11.477Z"))
    );
    assert_eq!(
        state(&set, "legacy-banner", "production").last_changed,
        Some(ts("2026-11-24T23:40:11.509Z"))
    );
    assert_eq!(
        state(&set, "dark-mode", "production").last_changed,
        Some(ts("2026-11-24T23:40:11.770Z"))
    );
    assert_eq!(
        state(&set, "old-search", "development").last_changed,
        Some(ts("2026-11-24T23:40:11.723Z")),
        "the archive event is the last change"
    );
    assert_eq!(
        state(&set, "welcome-text", "production").last_changed,
        Some(ts("2026-11-24T23:40:11.663Z")),
        "variant changes count"
    );
    // No recorded event for search-v2 in development: unknown, never a guess.
    assert_eq!(state(&set, "search-v2", "development").last_changed, None);

    insta::assert_json_snapshot!("recorded_project", without_clock(set));
}

fn without_clock(mut set: FlagSet) -> FlagSet {
    set.fetched_at = None;
    set
}

#[test]
fn requests_are_the_documented_ones() {
    let replay = recorded_server();
    fetch_ok(options(&replay));
    // Details are read four at a time; their order is not fixed.
    let lines = replay.request_lines();
    let mut expected: Vec<String> = vec![
        format!("GET {PROJECTS}"),
        format!("GET {OVERVIEW}"),
        format!("GET {SEARCH}"),
        format!("GET {ARCHIVED}"),
        format!("GET {POTENTIALLY_STALE}"),
        format!("GET {}", events_target("project=IS%3Adefault", 0)),
    ];
    for flag in LIVE_FLAGS {
        expected.push(if flag == "welcome-text" {
            format!("GET /api/admin/projects/default/features/{flag}?variantEnvironments=true")
        } else {
            format!("GET /api/admin/projects/default/features/{flag}")
        });
    }
    let mut expected: Vec<String> = expected.iter().map(|l| normalize_line(l)).collect();
    expected.sort();
    let mut lines: Vec<String> = lines.iter().map(|l| normalize_line(l)).collect();
    lines.sort();
    assert_eq!(lines, expected);
    // The token went out bare, as Unleash documents it.
    for seen in replay.requests() {
        assert_eq!(seen.authorization.as_deref().map(str::trim), Some(TOKEN));
    }
}

#[test]
fn every_page_of_the_search_is_read() {
    let replay = recorded_server();
    let all = fixture_json("search_features__project_default.json");
    let features = all["features"].as_array().unwrap();
    let (first, rest) = features.split_at(5);
    // The server may answer fewer than asked for; the next offset follows what came.
    replay.respond(
        "GET",
        SEARCH,
        Reply::value(200, &json!({"features": first, "total": 9})),
    );
    replay.respond(
        "GET",
        "/api/admin/search/features?project=IS:default&limit=100&offset=5",
        Reply::value(200, &json!({"features": rest, "total": 9})),
    );
    let set = fetch_ok(options(&replay));
    assert_eq!(set.flags.len(), 10);
    assert_eq!(
        replay.count(
            "GET",
            "/api/admin/search/features?project=IS:default&limit=100&offset=5"
        ),
        1
    );
}

#[test]
fn the_recorded_page_shape_is_read_as_recorded() {
    // limit=3&offset=3 of the recording: items 4-6 of 9, with the same fields.
    let page = fixture_json("search_features__project_default__limit_3_offset_3.json");
    assert_eq!(page["total"], 9);
    assert_eq!(page["features"].as_array().unwrap().len(), 3);
    let replay = recorded_server();
    let all = fixture_json("search_features__project_default.json");
    let features = all["features"].as_array().unwrap();
    replay.respond(
        "GET",
        SEARCH,
        Reply::value(200, &json!({"features": &features[..3], "total": 9})),
    );
    replay.respond(
        "GET",
        "/api/admin/search/features?project=IS:default&limit=100&offset=3",
        Reply::value(200, &page),
    );
    replay.respond(
        "GET",
        "/api/admin/search/features?project=IS:default&limit=100&offset=6",
        Reply::value(200, &json!({"features": &features[6..], "total": 9})),
    );
    assert_eq!(fetch_ok(options(&replay)).flags.len(), 10);
}

#[test]
fn a_total_that_changes_between_pages_is_an_error() {
    let replay = recorded_server();
    let all = fixture_json("search_features__project_default.json");
    let features = all["features"].as_array().unwrap();
    replay.respond(
        "GET",
        SEARCH,
        Reply::value(200, &json!({"features": &features[..5], "total": 9})),
    );
    replay.respond(
        "GET",
        "/api/admin/search/features?project=IS:default&limit=100&offset=5",
        Reply::value(200, &json!({"features": &features[5..], "total": 10})),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::Inconsistent { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("run again"), "{error}");
}

#[test]
fn an_empty_page_before_the_total_is_an_error_not_a_short_list() {
    let replay = recorded_server();
    replay.respond(
        "GET",
        SEARCH,
        Reply::value(200, &json!({"features": [], "total": 9})),
    );
    let error = fetch_err(options(&replay));
    assert!(matches!(error, ProviderError::Pagination { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("GET /api/admin/search/features?project=IS%3Adefault"),
        "{error}"
    );
}

#[test]
fn bad_and_missing_tokens_name_the_variable_never_the_token() {
    let replay = recorded_server();
    let wrong = fetch_err(UnleashOptions {
        api_token: "*:*.not-the-right-one".to_owned(),
        ..options(&replay)
    });
    let text = wrong.to_string();
    assert!(
        matches!(wrong, ProviderError::Unauthorized { .. }),
        "{text}"
    );
    assert!(text.contains("GET /api/admin/projects"), "{text}");
    assert!(text.contains(TOKEN_VAR), "{text}");
    assert!(text.contains("You must log in to use Unleash."), "{text}");
    assert!(!text.contains("not-the-right-one"), "{text}");

    let backend = fetch_err(UnleashOptions {
        api_token: "default:production.backend-token".to_owned(),
        ..options(&replay)
    });
    assert!(
        matches!(backend, ProviderError::Forbidden { .. }),
        "{backend}"
    );
    assert!(
        backend
            .to_string()
            .contains("invalid token: expected a different token type"),
        "{backend}"
    );

    let missing = fetch_err(UnleashOptions {
        api_token: "  ".to_owned(),
        ..options(&replay)
    });
    assert!(
        matches!(missing, ProviderError::MissingCredential { credential } if credential == TOKEN_VAR),
        "{missing}"
    );
    assert!(
        replay.count("GET", PROJECTS) == 2,
        "a blank token is never sent"
    );
}

#[test]
fn a_token_echoed_by_the_server_is_scrubbed() {
    let replay = recorded_server();
    replay.respond(
        "GET",
        OVERVIEW,
        Reply::value(
            400,
            &json!({"name": "BadDataError", "message": format!("bad token {TOKEN} in request")}),
        ),
    );
    let error = fetch_err(options(&replay));
    assert!(
        error.to_string().contains("bad token *** in request"),
        "{error}"
    );
}

#[test]
fn no_url_is_a_config_error() {
    let error = Unleash::new(UnleashOptions {
        api_token: TOKEN.to_owned(),
        ..UnleashOptions::default()
    })
    .unwrap_err();
    assert!(
        error.to_string().contains("FLAGLINT_SERVICE_URL"),
        "{error}"
    );
    let insecure = Unleash::new(UnleashOptions {
        api_token: TOKEN.to_owned(),
        base_url: "http://unleash.internal:4242/api/".to_owned(),
        ..UnleashOptions::default()
    })
    .unwrap_err();
    assert!(
        matches!(insecure, ProviderError::InsecureUrl { .. }),
        "{insecure}"
    );
}

#[test]
fn the_sdk_style_url_with_api_suffix_works() {
    let replay = recorded_server();
    let set = fetch_ok(UnleashOptions {
        base_url: format!("{}/api/", replay.origin()),
        ..options(&replay)
    });
    assert_eq!(set.flags.len(), 10);
}

#[test]
fn rate_limited_search_waits_for_retry_after() {
    let replay = recorded_server();
    // The recorded 429 (text/html), with a short Retry-After so the test stays fast.
    replay.respond_times(
        "GET",
        ARCHIVED,
        1,
        Reply::raw(
            429,
            "text/html; charset=utf-8",
            fixture("error_429__search_features_rate_limit.txt").into_bytes(),
        )
        .header("Retry-After", "1")
        .header("RateLimit-Limit", "15"),
    );
    let started = Instant::now();
    let set = fetch_ok(options(&replay));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(replay.count("GET", ARCHIVED), 2);
    assert!(flag(&set, "old-search").archived);
}

#[test]
fn still_throttled_names_the_endpoint() {
    let replay = recorded_server();
    replay.respond(
        "GET",
        POTENTIALLY_STALE,
        Reply::raw(
            429,
            "text/html; charset=utf-8",
            fixture("error_429__search_features_rate_limit.txt").into_bytes(),
        )
        .header("Retry-After", "0"),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::RateLimited { attempts: 4, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("state=IS%3Apotentially-stale"),
        "{error}"
    );
}

#[test]
fn server_errors_are_retried_then_reported() {
    let replay = recorded_server();
    replay.respond_times("GET", OVERVIEW, 2, Reply::json(503, "{}"));
    assert_eq!(fetch_ok(options(&replay)).flags.len(), 10);
    assert_eq!(replay.count("GET", OVERVIEW), 3);

    let replay = recorded_server();
    replay.respond(
        "GET",
        "/api/admin/projects/default/features/dark-mode",
        Reply::json(500, r#"{"name":"InternalError","message":"db down"}"#),
    );
    let error = fetch_err(options(&replay));
    let text = error.to_string();
    assert!(
        matches!(
            error,
            ProviderError::Server {
                status: 500,
                attempts: 4,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains("GET /api/admin/projects/default/features/dark-mode"),
        "{text}"
    );
    assert!(text.contains("(db down)"), "{text}");
}

#[test]
fn a_flag_archived_during_the_read_is_reported_not_skipped() {
    let replay = recorded_server();
    replay.respond(
        "GET",
        "/api/admin/projects/default/features/dark-mode",
        Reply::json(404, fixture("error_404__archived_feature_detail.json")),
    );
    let error = fetch_err(options(&replay));
    assert!(
        matches!(error, ProviderError::Inconsistent { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("\"dark-mode\""), "{error}");
}

#[test]
fn unknown_project_and_environment_list_what_exists() {
    let replay = recorded_server();
    let error = fetch_err(UnleashOptions {
        project: "shop".to_owned(),
        ..options(&replay)
    });
    assert!(
        error
            .to_string()
            .contains("project \"shop\" not found; the key sees: Default (id default)"),
        "{error}"
    );

    let error = fetch_err(UnleashOptions {
        environments: vec!["staging".to_owned()],
        ..options(&replay)
    });
    assert!(
        error.to_string().contains("staging")
            && error.to_string().contains("development, production"),
        "{error}"
    );
}

#[test]
fn project_by_name_and_one_environment() {
    let replay = recorded_server();
    let set = fetch_ok(UnleashOptions {
        project: "Default".to_owned(),
        environments: vec!["production".to_owned()],
        ..options(&replay)
    });
    assert_eq!(set.environments, ["production"]);
    assert!(set.flags.iter().all(|f| f.environments.len() == 1));
}

#[test]
fn per_flag_event_reads_when_the_project_history_is_long() {
    // The project has (say) 20 000 config events: after the first page, fewer flags are
    // still open than pages remain, so each open flag is asked for by name. The answers
    // are the recorded events of that flag, so the result must equal the one-page read.
    let direct = fetch_ok(options(&recorded_server()));

    let replay = recorded_server();
    let all = fixture_json("derived/search_events__project_default__config_types.json");
    let events = all["events"].as_array().unwrap().clone();
    replay.respond(
        "GET",
        &events_target("project=IS%3Adefault", 0),
        Reply::value(200, &json!({"events": &events[..4], "total": 20_000})),
    );
    let mut open = HashSet::new();
    for flag in LIVE_FLAGS.iter().chain(&["old-search"]) {
        let mine: Vec<&Value> = events
            .iter()
            .filter(|e| e["featureName"] == *flag)
            .collect();
        replay.respond(
            "GET",
            &events_target(&format!("feature=IS%3A{flag}"), 0),
            Reply::value(200, &json!({"events": mine, "total": mine.len()})),
        );
        open.insert(*flag);
    }
    let paged = fetch_ok(options(&replay));
    assert_eq!(without_clock(paged), without_clock(direct));
    // new-onboarding was settled by the first page (its creation is among the 4 newest events).
    assert_eq!(
        replay.count("GET", &events_target("feature=IS%3Anew-onboarding", 0)),
        0
    );
    assert_eq!(
        replay.count("GET", &events_target("feature=IS%3Adark-mode", 0)),
        1
    );
    assert_eq!(
        replay.count("GET", &events_target("project=IS%3Adefault", 1000)),
        0
    );
}

#[test]
fn provider_debug_hides_the_token() {
    let unleash = Unleash::new(UnleashOptions {
        base_url: "https://unleash.example.com".to_owned(),
        api_token: TOKEN.to_owned(),
        ..UnleashOptions::default()
    })
    .unwrap();
    let text = format!("{unleash:?}");
    assert!(!text.contains("flaglint-ci-admin-token"), "{text}");
}

// ------------------------------------------------------------------------------------
// Against a real unleash-server.

/// Creates flags through the Admin API of the server in `UNLEASH_URL` and reads them back.
///
/// Fails (never skips) without `UNLEASH_URL` and `UNLEASH_API_TOKEN`: run it through
/// `.ci/unleash-e2e.sh`, which starts the server and exports both.
#[test]
#[ignore = "needs a real unleash-server: .ci/unleash-e2e.sh"]
fn e2e_real_unleash_server() {
    let url = std::env::var("UNLEASH_URL").expect(
        "UNLEASH_URL is not set: run .ci/unleash-e2e.sh (it starts unleash-server and exports it)",
    );
    let token =
        std::env::var(TOKEN_VAR).expect("UNLEASH_API_TOKEN is not set: run .ci/unleash-e2e.sh");
    let admin = Admin::new(&url, &token);
    let run = format!(
        "e2e-{}-{}",
        std::process::id(),
        Timestamp::now().as_millisecond() % 1_000_000_000
    );
    let name = |what: &str| format!("{run}-{what}");
    let envs = ["development", "production"];
    let started = Timestamp::now();
    // Whatever happens below, the flags this run creates leave the server again.
    let mut cleanup = Cleanup {
        admin: &admin,
        names: Vec::new(),
    };
    let mut create = |what: &str, kind: &str| {
        admin.feature(&name(what), kind);
        cleanup.names.push(name(what));
    };

    // A release flag on everywhere at 100 %.
    create("release", "release");
    for env in envs {
        admin.strategy(&name("release"), env, 100);
        admin.on(&name("release"), env);
    }
    // A kill switch, on everywhere.
    create("kill", "kill-switch");
    for env in envs {
        admin.strategy(&name("kill"), env, 100);
        admin.on(&name("kill"), env);
    }
    // A gradual rollout: 100 % in development, 50 % in production.
    create("gradual", "release");
    admin.strategy(&name("gradual"), "development", 100);
    admin.on(&name("gradual"), "development");
    admin.strategy(&name("gradual"), "production", 50);
    admin.on(&name("gradual"), "production");
    // An archived flag.
    create("archived", "release");
    admin.strategy(&name("archived"), "production", 100);
    admin.on(&name("archived"), "production");
    admin.call(
        "DELETE",
        &format!("/api/admin/projects/default/features/{}", name("archived")),
        None,
    );
    // A flag a person marked stale.
    create("stale", "release");
    admin.call(
        "POST",
        "/api/admin/projects/default/stale",
        Some(json!({"features": [name("stale")], "stale": true})),
    );
    let seeded = Timestamp::now();

    let fetch_started = Instant::now();
    let set = Unleash::new(UnleashOptions {
        base_url: url.clone(),
        api_token: token.clone(),
        ..UnleashOptions::default()
    })
    .and_then(|u| u.fetch())
    .unwrap_or_else(|e| panic!("fetch from {url} failed: {e}"));
    eprintln!(
        "e2e: read {} flags from {url} in {} ms",
        set.flags.len(),
        fetch_started.elapsed().as_millis()
    );

    assert_eq!(set.provider, "unleash");
    assert_eq!(set.project.as_deref(), Some("default"));
    assert_eq!(set.environments, envs);
    let in_window = |t: Option<Timestamp>| {
        t.is_some_and(|t| {
            t >= started
                .saturating_sub(jiff::SignedDuration::from_secs(5))
                .unwrap()
                && t <= seeded + jiff::SignedDuration::from_secs(5)
        })
    };

    let release = flag(&set, &name("release"));
    assert_eq!(release.kind.as_deref(), Some("release"));
    assert!(!release.permanent && !release.archived && !release.service_stale);
    assert!(in_window(release.created), "{:?}", release.created);
    for env in envs {
        let s = &release.environments[env];
        assert!(
            s.enabled && s.serves_one_result(),
            "release in {env}: {s:?}"
        );
        assert!(in_window(s.last_changed), "release in {env}: {s:?}");
        assert!(s.last_changed >= release.created);
    }

    let kill = flag(&set, &name("kill"));
    assert_eq!(kill.kind.as_deref(), Some("kill-switch"));
    assert!(kill.permanent);
    assert!(envs.iter().all(|e| kill.environments[*e].enabled));

    let gradual = flag(&set, &name("gradual"));
    assert!(gradual.environments["development"].serves_one_result());
    let half = &gradual.environments["production"];
    assert!(half.split && half.enabled, "{half:?}");

    let archived = flag(&set, &name("archived"));
    assert!(archived.archived);
    assert!(
        archived.environments["production"].last_changed
            >= archived.environments["development"].last_changed,
        "the archive event is the newest change"
    );

    let stale = flag(&set, &name("stale"));
    assert!(stale.service_stale);
    assert!(envs.iter().all(|e| !stale.environments[*e].enabled));

    // A wrong token against the real server: 401, named, never printed.
    let error = Unleash::new(UnleashOptions {
        base_url: url.clone(),
        api_token: format!("{token}-wrong"),
        ..UnleashOptions::default()
    })
    .and_then(|u| u.fetch())
    .unwrap_err();
    assert!(
        matches!(error, ProviderError::Unauthorized { .. }),
        "{error}"
    );
    assert!(error.to_string().contains(TOKEN_VAR), "{error}");
    flagset::assert_hides(&error, &secrets(&token));

    // The run's flags are gone: neither live nor in the archive.
    cleanup.run().unwrap_or_else(|e| panic!("cleanup: {e}"));
    let live = admin.call("GET", "/api/admin/projects/default/features", None);
    let archived = admin.call(
        "GET",
        &format!("/api/admin/search/features?query={run}&archived=IS:true"),
        None,
    );
    for list in [&live["features"], &archived["features"]] {
        let left: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["name"].as_str())
            .filter(|n| n.starts_with(&run))
            .collect();
        assert!(left.is_empty(), "left on the server: {left:?}");
    }
}

/// Takes a run's flags off the server: archives the live ones, waits until Unleash has
/// written each archive into the flag's lifecycle, then deletes them from the archive.
/// Deleting sooner races unleash 8.2's lifecycle handler, which runs after the archive
/// request has answered and logs a foreign-key error for a flag already gone. On drop
/// (a failed assertion) it cleans up as far as it can.
struct Cleanup<'a> {
    admin: &'a Admin,
    names: Vec<String>,
}

impl Cleanup<'_> {
    fn run(&mut self) -> Result<(), String> {
        let names = std::mem::take(&mut self.names);
        let feature = |name: &str| format!("/api/admin/projects/default/features/{name}");
        for name in &names {
            // One the test archived already answers 404, and that is fine.
            let _ = self.admin.try_call("DELETE", &feature(name), None);
        }
        let mut errors = Vec::new();
        for name in &names {
            let archived = || -> Result<bool, String> {
                let lifecycle =
                    self.admin
                        .try_call("GET", &format!("{}/lifecycle", feature(name)), None)?;
                Ok(lifecycle
                    .as_array()
                    .is_some_and(|stages| stages.iter().any(|s| s["stage"] == "archived")))
            };
            let deadline = Instant::now() + Duration::from_secs(30);
            let ready = loop {
                match archived() {
                    Ok(true) => break Ok(()),
                    Ok(false) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(100))
                    }
                    Ok(false) => break Err(format!("{name}: not archived after 30 s")),
                    Err(e) => break Err(e),
                }
            };
            let deleted = ready.and_then(|()| {
                self.admin
                    .try_call("DELETE", &format!("/api/admin/archive/{name}"), None)
                    .map(drop)
            });
            errors.extend(deleted.err());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if !self.names.is_empty() {
            if let Err(e) = self.run() {
                eprintln!("e2e: cleanup: {e}");
            }
        }
    }
}

/// The few Admin API writes the e2e test needs (as `shared/unleash/tools/seed.py` makes them).
struct Admin {
    client: reqwest::blocking::Client,
    base: String,
    token: String,
}

impl Admin {
    fn new(base: &str, token: &str) -> Admin {
        Admin {
            client: reqwest::blocking::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .header("Authorization", &self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .map_err(|e| format!("{method} {path}: {}", e.without_url()))?;
        let status = response.status();
        let text = response.text().unwrap_or_default();
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn feature(&self, name: &str, kind: &str) {
        self.call(
            "POST",
            "/api/admin/projects/default/features",
            Some(json!({"name": name, "type": kind, "description": "flaglint e2e"})),
        );
    }

    fn strategy(&self, name: &str, env: &str, rollout: u32) {
        self.call(
            "POST",
            &format!("/api/admin/projects/default/features/{name}/environments/{env}/strategies"),
            Some(json!({
                "name": "flexibleRollout",
                "constraints": [],
                "parameters": {"rollout": rollout.to_string(), "stickiness": "default", "groupId": name},
                "variants": [],
                "segments": [],
                "disabled": false,
            })),
        );
    }

    fn on(&self, name: &str, env: &str) {
        self.call(
            "POST",
            &format!("/api/admin/projects/default/features/{name}/environments/{env}/on"),
            None,
        );
    }
}
