//! The GrowthBook provider against a replay of REST API v1 responses written in the shapes
//! of GrowthBook's OpenAPI description and back-end code (`fixtures/growthbook-api/`, README
//! there): the features must map to the expected `FlagSet`, every page must be read
//! (`hasMore`, `nextOffset`), and every failure must end as an error that names the endpoint
//! and `GROWTHBOOK_API_KEY`, and never the key.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flaglint::flag::{EnvState, Flag, FlagSet};
use flaglint::provider::growthbook::{GrowthBook, GrowthBookOptions, TOKEN_VAR};
use flaglint::provider::{FlagSource, ProviderError};
use jiff::Timestamp;
use serde_json::{json, Value};

use replay::{Replay, Reply};

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

fn server() -> Replay {
    let replay = Replay::start(check_key);
    replay.respond("GET", PROJECTS, ok("projects.json"));
    replay.respond("GET", ENVIRONMENTS, ok("environments.json"));
    replay.respond("GET", PAGE_1, ok("features__page_1.json"));
    replay.respond("GET", PAGE_2, ok("features__page_2.json"));
    replay.respond("GET", PAGE_3, ok("features__page_3.json"));
    replay.respond("GET", &stale_target(), ok("stale_features.json"));
    replay
}

fn options(replay: &Replay) -> GrowthBookOptions {
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
    match fetch(options) {
        Ok(set) => panic!("expected an error, got {} flags", set.flags.len()),
        Err(e) => {
            for text in [e.to_string(), format!("{e:?}")] {
                for secret in [key.as_str(), KEY, "FAKEfakeFAKE"] {
                    if !secret.trim().is_empty() {
                        assert!(!text.contains(secret), "a key leaked into {text:?}");
                    }
                }
            }
            e
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
        .map(|l| replay::normalize_line(l))
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
    .map(|t| replay::normalize_line(&format!("GET {t}")))
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
