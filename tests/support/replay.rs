//! A replay of the recorded Flagsmith Admin API for tests: the shared test server
//! (`server.rs`, `tiny_http` on 127.0.0.1) serving `fixtures/flagsmith-api/` (and the derived
//! responses in its `extra/`), so the provider is tested against real response shapes with no
//! network and no Flagsmith server.
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

#[path = "server.rs"]
pub mod server;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

// Not every test that includes the replay needs a server that hangs.
#[allow(unused_imports)]
pub use server::Hang;
pub use server::Reply;
use server::{split_target, Key, Server, Setup};

/// The organisation Admin API key of the recording (a fake, as redacted there).
pub const API_KEY: &str = "FaKe1234.fakeFAKEfakeFAKEfakeFAKEfakeFAKE";
/// The host the recordings were made against; bodies' links carry it.
pub const RECORDED_ORIGIN: &str = "http://127.0.0.1:8000";

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/flagsmith-api")
}

impl Reply {
    /// A recorded file (from the main or the extra index) with its recorded status.
    pub fn recorded(file: &str) -> Reply {
        let entry = load_index()
            .into_iter()
            .find(|e| e.file == file || e.file.trim_start_matches("../") == file)
            .unwrap_or_else(|| panic!("{file} is not in the fixture index"));
        entry.reply()
    }
}

/// A recorded body parsed as JSON, for tests that build a variant of it.
pub fn recorded_json(file: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The shared test server with the recordings behind the rules a test adds. Rules are
/// tried in the order added, then the recordings.
pub struct Replay {
    server: Server,
}

impl std::ops::Deref for Replay {
    type Target = Server;

    fn deref(&self) -> &Server {
        &self.server
    }
}

impl Replay {
    pub fn start() -> Replay {
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
        let recorded: HashMap<Key, Reply> =
            recorded.into_iter().map(|(k, (_, r))| (k, r)).collect();

        let server = Server::with(Setup {
            auth: check_api_key,
            first_added_wins: true,
            unrouted: Box::new(move |seen| {
                let key = (seen.method.clone(), seen.path.clone(), seen.query.clone());
                match recorded.get(&key) {
                    Some(reply) => reply.clone(),
                    None => {
                        eprintln!(
                            "replay: no recording for {} {} {:?}",
                            seen.method, seen.path, seen.query
                        );
                        Reply::json(404, r#"{"detail":"Not found."}"#)
                    }
                }
            }),
            origin_in_bodies: Some(RECORDED_ORIGIN),
        });
        Replay { server }
    }

    /// `http://127.0.0.1:PORT/api/v1/`, the provider's base URL.
    pub fn base_url(&self) -> String {
        format!("{}/api/v1/", self.origin())
    }
}

/// Flagsmith's recorded 401s for a missing or wrong `Authorization`.
fn check_api_key(authorization: Option<&str>) -> Option<Reply> {
    let unauthorized =
        |file: &str| Some(Reply::recorded(file).header("WWW-Authenticate", "Cookie realm=\"api\""));
    match authorization {
        None => unauthorized("error_401__no_auth.json"),
        Some(value) => match value.split_once(' ') {
            Some(("Api-Key", key)) if key == API_KEY => None,
            Some(("Api-Key", _)) => unauthorized("error_401__invalid_api_key.json"),
            Some(("Token", _)) => unauthorized("error_401__invalid_token.json"),
            _ => unauthorized("error_401__no_auth.json"),
        },
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
