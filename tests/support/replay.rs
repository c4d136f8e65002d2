//! A replay of the recorded Flagsmith Admin API for tests: `tiny_http` on 127.0.0.1 serving
//! `fixtures/flagsmith-api/` (and the derived responses in its `extra/`), so the provider is
//! tested against real response shapes with no network and no Flagsmith server.
//!
//! Requests match on method, path and query (parameter order ignored). Recorded bodies get
//! the recording host `http://127.0.0.1:8000` rewritten to this server, so `next` links point
//! here. `Authorization: Api-Key` must carry [`API_KEY`]; anything else gets the recorded 401.
//! Every request is kept for assertions, and a test can put its own replies in front of the
//! recordings: a status, headers such as `Retry-After`, a raw body, a delay (for timeouts),
//! for every request or only the first N ("fail twice, then succeed").
//!
//! Which recording answers: those made as the org admin (`apikey` or `token` auth; the README
//! shows their bodies are identical) under the default server setup, so the throttled 429s
//! and the `feature_lifecycle`-on lists are left out; when both auths recorded a path, the
//! `apikey` one wins.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// The organisation Admin API key of the recording (a fake, as redacted there).
pub const API_KEY: &str = "FaKe1234.fakeFAKEfakeFAKEfakeFAKEfakeFAKE";
/// The host the recordings were made against; bodies' links carry it.
pub const RECORDED_ORIGIN: &str = "http://127.0.0.1:8000";

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/flagsmith-api")
}

/// A response to serve.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::raw(status, "application/json", body.into().into_bytes())
    }

    pub fn value(status: u16, body: &Value) -> Reply {
        Reply::json(
            status,
            serde_json::to_string_pretty(body).expect("serializable"),
        )
    }

    pub fn raw(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body,
            delay: Duration::ZERO,
        }
    }

    /// A recorded file (from the main or the extra index) with its recorded status.
    pub fn recorded(file: &str) -> Reply {
        let entry = load_index()
            .into_iter()
            .find(|e| e.file == file || e.file.trim_start_matches("../") == file)
            .unwrap_or_else(|| panic!("{file} is not in the fixture index"));
        entry.reply()
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A recorded body parsed as JSON, for tests that build a variant of it.
pub fn recorded_json(file: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Decoded and sorted.
    pub query: Vec<(String, String)>,
    /// Path and query as sent.
    pub url: String,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

impl Seen {
    /// `GET /api/v1/...?...` as sent, for readable assertions.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.url)
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

struct Rule {
    method: String,
    path: String,
    /// `None` matches any query.
    query: Option<Vec<(String, String)>>,
    reply: Reply,
    remaining: Option<usize>,
}

type Key = (String, String, Vec<(String, String)>);

struct State {
    recorded: HashMap<Key, Reply>,
    rules: Vec<Rule>,
    seen: Vec<Seen>,
    origin: String,
}

pub struct Replay {
    origin: String,
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Replay {
    pub fn start() -> Replay {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let addr = server.server_addr().to_ip().expect("an IP listener");
        let origin = format!("http://{addr}");

        let mut recorded: HashMap<Key, (String, Reply)> = HashMap::new();
        for entry in load_index() {
            if !entry.served_by_default() {
                continue;
            }
            let key = split_target(&entry.method, &entry.path);
            let keep_existing = recorded.get(&key).is_some_and(|(auth, _)| auth == "apikey");
            if !keep_existing {
                recorded.insert(key, (entry.auth.clone(), entry.reply()));
            }
        }

        let state = Arc::new(Mutex::new(State {
            recorded: recorded.into_iter().map(|(k, (_, r))| (k, r)).collect(),
            rules: Vec::new(),
            seen: Vec::new(),
            origin: origin.clone(),
        }));
        let thread = {
            let server = Arc::clone(&server);
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(&state, request);
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

    /// `http://127.0.0.1:PORT/api/v1/`, the provider's base URL.
    pub fn base_url(&self) -> String {
        format!("{}/api/v1/", self.origin)
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Serve `reply` for every request to exactly this path and query.
    pub fn respond(&self, method: &str, target: &str, reply: Reply) {
        self.add_rule(method, target, true, reply, None);
    }

    /// Serve `reply` for the first `times` requests, then fall through to what follows.
    pub fn respond_times(&self, method: &str, target: &str, times: usize, reply: Reply) {
        self.add_rule(method, target, true, reply, Some(times));
    }

    /// Serve `reply` for this path whatever the query. Rules are tried in the order added.
    pub fn respond_any_query(&self, method: &str, path: &str, reply: Reply) {
        self.add_rule(method, path, false, reply, None);
    }

    fn add_rule(
        &self,
        method: &str,
        target: &str,
        exact: bool,
        reply: Reply,
        remaining: Option<usize>,
    ) {
        let (method, path, query) = split_target(method, target);
        self.lock().rules.push(Rule {
            method,
            path,
            query: exact.then_some(query),
            reply,
            remaining,
        });
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    pub fn request_lines(&self) -> Vec<String> {
        self.lock().seen.iter().map(Seen::line).collect()
    }

    /// How many requests matched this method, path and query (order-insensitive).
    pub fn count(&self, method: &str, target: &str) -> usize {
        let (method, path, query) = split_target(method, target);
        self.lock()
            .seen
            .iter()
            .filter(|s| s.method == method && s.path == path && s.query == query)
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

fn handle(state: &Mutex<State>, mut request: tiny_http::Request) {
    let mut body = Vec::new();
    let _ = request.as_reader().read_to_end(&mut body);
    let method = request.method().as_str().to_uppercase();
    let url = request.url().to_owned();
    let (_, path, query) = split_target(&method, &url);
    let authorization = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_owned());

    let (reply, origin) = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.seen.push(Seen {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            url: url.clone(),
            authorization: authorization.clone(),
            body,
        });
        let reply = choose(&mut state, &method, &path, &query, authorization.as_deref());
        (reply, state.origin.clone())
    };

    let body = match String::from_utf8(reply.body.clone()) {
        Ok(text) => text.replace(RECORDED_ORIGIN, &origin).into_bytes(),
        Err(_) => reply.body.clone(),
    };
    let mut response = tiny_http::Response::from_data(body).with_status_code(reply.status);
    for (name, value) in &reply.headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    if reply.delay.is_zero() {
        let _ = request.respond(response);
    } else {
        // Off the accept loop, so a slow reply does not hold up the requests behind it.
        std::thread::spawn(move || {
            std::thread::sleep(reply.delay);
            let _ = request.respond(response);
        });
    }
}

fn choose(
    state: &mut State,
    method: &str,
    path: &str,
    query: &[(String, String)],
    authorization: Option<&str>,
) -> Reply {
    let unauthorized =
        |file: &str| Reply::recorded(file).header("WWW-Authenticate", "Cookie realm=\"api\"");
    match authorization {
        None => return unauthorized("error_401__no_auth.json"),
        Some(value) => match value.split_once(' ') {
            Some(("Api-Key", key)) if key == API_KEY => {}
            Some(("Api-Key", _)) => return unauthorized("error_401__invalid_api_key.json"),
            Some(("Token", _)) => return unauthorized("error_401__invalid_token.json"),
            _ => return unauthorized("error_401__no_auth.json"),
        },
    }

    for rule in state.rules.iter_mut() {
        let matches = rule.method == method
            && rule.path == path
            && rule.query.as_ref().is_none_or(|q| q.as_slice() == query)
            && rule.remaining != Some(0);
        if matches {
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
            return rule.reply.clone();
        }
    }

    let key = (method.to_owned(), path.to_owned(), query.to_vec());
    match state.recorded.get(&key) {
        Some(reply) => reply.clone(),
        None => {
            eprintln!("replay: no recording for {method} {path} {query:?}");
            Reply::json(404, r#"{"detail":"Not found."}"#)
        }
    }
}

#[derive(Debug, Clone)]
struct IndexEntry {
    file: String,
    method: String,
    path: String,
    auth: String,
    status: u16,
    content_type: String,
    dir: PathBuf,
}

impl IndexEntry {
    fn served_by_default(&self) -> bool {
        (self.auth == "apikey" || self.auth == "token")
            && !self.file.starts_with("error_429__")
            && !self.file.contains("lifecycle_on")
    }

    fn reply(&self) -> Reply {
        let path = self.dir.join(&self.file);
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Reply::raw(self.status, &self.content_type, body)
    }
}

fn load_index() -> Vec<IndexEntry> {
    let root = fixtures_dir();
    let mut entries = Vec::new();
    for dir in [root.clone(), root.join("extra")] {
        let index = recorded_json_at(&dir.join("_index.json"));
        for entry in index.as_array().expect("_index.json is an array") {
            let text = |key: &str| entry[key].as_str().unwrap_or_default().to_owned();
            entries.push(IndexEntry {
                file: text("file"),
                method: text("method"),
                path: text("path"),
                auth: text("auth"),
                status: entry["status"].as_u64().expect("status") as u16,
                content_type: text("content_type"),
                dir: dir.clone(),
            });
        }
    }
    entries
}

fn recorded_json_at(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Method, path and sorted decoded query of `/path?query`.
fn split_target(method: &str, target: &str) -> Key {
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
