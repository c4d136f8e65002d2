//! The LaunchDarkly provider against a replay of REST API v2 responses written in the shapes
//! of LaunchDarkly's OpenAPI description (`fixtures/launchdarkly-api/`, README there): the
//! project must map to the expected `FlagSet`, every page must be followed through
//! `_links.next`, and every failure must end as an error that names the endpoint and
//! `LAUNCHDARKLY_API_TOKEN`, and never the token (nor the SDK keys the environments list).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flaglint::flag::{EnvState, Flag, FlagSet};
use flaglint::provider::launchdarkly::{LaunchDarkly, LaunchDarklyOptions, TOKEN_VAR};
use flaglint::provider::{FlagSource, ProviderError};
use jiff::Timestamp;
use serde_json::{json, Value};

use replay::{Replay, Reply};

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

fn server() -> Replay {
    let replay = Replay::start(check_token);
    replay.respond("GET", PROJECT, ok("project__default.json"));
    replay.respond("GET", ENVIRONMENTS, ok("environments__default.json"));
    replay.respond("GET", FLAGS, ok("flags__default__page_1.json"));
    replay.respond("GET", FLAGS_PAGE_2, ok("flags__default__page_2.json"));
    replay.respond("GET", ARCHIVED, ok("flags__default__archived.json"));
    replay
}

fn options(replay: &Replay) -> LaunchDarklyOptions {
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
    match fetch(options) {
        Ok(set) => panic!("expected an error, got {} flags", set.flags.len()),
        Err(e) => {
            assert_hides(&e, &token);
            e
        }
    }
}

fn assert_hides(error: &ProviderError, token: &str) {
    for text in [error.to_string(), format!("{error:?}")] {
        for secret in [token, TOKEN, "sdk-FAKE", "mob-FAKE"] {
            if !secret.trim().is_empty() {
                assert!(!text.contains(secret), "a secret leaked into {text:?}");
            }
        }
    }
}

fn flag<'a>(set: &'a FlagSet, key: &str) -> &'a Flag {
    set.flags
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no flag {key}"))
}

fn state<'a>(set: &'a FlagSet, key: &str, env: &str) -> &'a EnvState {
    flag(set, key)
        .environments
        .get(env)
        .unwrap_or_else(|| panic!("{key} has no state in {env}"))
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
        .map(|l| replay::normalize_line(l))
        .collect();
    let expected: Vec<String> = [PROJECT, ENVIRONMENTS, FLAGS, FLAGS_PAGE_2, ARCHIVED]
        .iter()
        .map(|t| replay::normalize_line(&format!("GET {t}")))
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

/// A replay server on 127.0.0.1 for provider tests: routes by method, path and query
/// (parameter order ignored, percent-decoded), later routes first, each request recorded.
mod replay {
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;
    use std::time::Duration;

    use serde_json::Value;

    #[derive(Debug, Clone)]
    pub struct Reply {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
        pub delay: Duration,
    }

    impl Reply {
        pub fn json(status: u16, body: impl Into<String>) -> Reply {
            Reply::raw(
                status,
                "application/json; charset=utf-8",
                body.into().into_bytes(),
            )
        }

        pub fn value(status: u16, body: &Value) -> Reply {
            Reply::json(status, body.to_string())
        }

        pub fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
            Reply {
                status,
                headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
                body,
                delay: Duration::ZERO,
            }
        }

        pub fn header(mut self, name: &str, value: &str) -> Reply {
            self.headers.push((name.to_owned(), value.to_owned()));
            self
        }
    }

    #[derive(Debug, Clone)]
    pub struct Seen {
        pub method: String,
        pub url: String,
        pub authorization: Option<String>,
    }

    type Key = (String, String, Vec<(String, String)>);
    type AuthCheck = fn(Option<&str>) -> Option<Reply>;

    struct Route {
        key: Key,
        reply: Reply,
        remaining: Option<usize>,
    }

    struct State {
        routes: Vec<Route>,
        seen: Vec<Seen>,
    }

    pub struct Replay {
        origin: String,
        state: Arc<Mutex<State>>,
        server: Arc<tiny_http::Server>,
        thread: Option<JoinHandle<()>>,
    }

    impl Replay {
        pub fn start(auth: AuthCheck) -> Replay {
            let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
            let origin = format!("http://{}", server.server_addr().to_ip().expect("ip"));
            let state = Arc::new(Mutex::new(State {
                routes: Vec::new(),
                seen: Vec::new(),
            }));
            let thread = {
                let (server, state) = (Arc::clone(&server), Arc::clone(&state));
                std::thread::spawn(move || {
                    while let Ok(request) = server.recv() {
                        handle(&state, auth, request);
                    }
                })
            };
            Replay {
                origin,
                state,
                server,
                thread: Some(thread),
            }
        }

        pub fn origin(&self) -> &str {
            &self.origin
        }

        /// Serve `reply` for this method, path and query (routes added later win).
        pub fn respond(&self, method: &str, target: &str, reply: Reply) {
            self.add(method, target, reply, None);
        }

        /// As `respond`, for the first `times` requests only.
        pub fn respond_times(&self, method: &str, target: &str, times: usize, reply: Reply) {
            self.add(method, target, reply, Some(times));
        }

        fn add(&self, method: &str, target: &str, reply: Reply, remaining: Option<usize>) {
            self.lock().routes.push(Route {
                key: key(method, target),
                reply,
                remaining,
            });
        }

        pub fn requests(&self) -> Vec<Seen> {
            self.lock().seen.clone()
        }

        pub fn request_lines(&self) -> Vec<String> {
            self.lock()
                .seen
                .iter()
                .map(|s| format!("{} {}", s.method, s.url))
                .collect()
        }

        pub fn count(&self, method: &str, target: &str) -> usize {
            let wanted = key(method, target);
            self.lock()
                .seen
                .iter()
                .filter(|s| key(&s.method, &s.url) == wanted)
                .count()
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, State> {
            self.state.lock().unwrap_or_else(|e| e.into_inner())
        }
    }

    impl Drop for Replay {
        fn drop(&mut self) {
            self.server.unblock();
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn handle(state: &Mutex<State>, auth: AuthCheck, mut request: tiny_http::Request) {
        let mut body = Vec::new();
        let _ = request.as_reader().read_to_end(&mut body);
        let method = request.method().as_str().to_uppercase();
        let url = request.url().to_owned();
        let authorization = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Authorization"))
            .map(|h| h.value.as_str().to_owned());
        let reply = {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            state.seen.push(Seen {
                method: method.clone(),
                url: url.clone(),
                authorization: authorization.clone(),
            });
            match auth(authorization.as_deref()) {
                Some(denied) => denied,
                None => {
                    let wanted = key(&method, &url);
                    let found = state
                        .routes
                        .iter_mut()
                        .rev()
                        .find(|r| r.key == wanted && r.remaining != Some(0));
                    match found {
                        Some(route) => {
                            if let Some(n) = route.remaining.as_mut() {
                                *n -= 1;
                            }
                            route.reply.clone()
                        }
                        None => {
                            eprintln!("replay: no route for {method} {url}");
                            Reply::json(404, r#"{"message":"no route in the replay"}"#)
                        }
                    }
                }
            }
        };
        let mut response =
            tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
        for (name, value) in &reply.headers {
            if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(header);
            }
        }
        if reply.delay.is_zero() {
            let _ = request.respond(response);
        } else {
            std::thread::spawn(move || {
                std::thread::sleep(reply.delay);
                let _ = request.respond(response);
            });
        }
    }

    /// `GET /a?x=1&y=2` with the query decoded and sorted, for comparing request lines.
    pub fn normalize_line(line: &str) -> String {
        let (method, target) = line.split_once(' ').unwrap_or(("", line));
        let (m, path, query) = key(method, target);
        let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{m} {path}?{}", query.join("&"))
    }

    fn key(method: &str, target: &str) -> Key {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        pairs.sort();
        (method.to_uppercase(), decode(path), pairs)
    }

    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high * 16 + low);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn hex(digit: u8) -> Option<u8> {
        (digit as char).to_digit(16).map(|d| d as u8)
    }
}
