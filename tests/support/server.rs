//! A local HTTP server for provider tests: `tiny_http` on 127.0.0.1 that answers from the
//! routes a test gives it and keeps every request for assertions.
//!
//! Routes match on method, path and query (parameter order ignored, percent-decoded). A
//! route can serve a status, headers such as `Retry-After`, a raw body and a delay (for
//! timeouts), for every request or only the first N ("fail twice, then succeed"). An
//! authorization check runs before the routes, so a wrong credential gets the service's
//! refusal whatever was asked. [`Server::start`] is the plain server (routes added later
//! win, 404 for the rest); [`Server::with`] lets a replay such as `replay.rs` (Flagsmith's
//! recordings) change what happens to requests no route answers, and to reply bodies.
//!
//! Included with `#[path = "support/server.rs"] mod server;`.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

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

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Decoded.
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

/// Method, path and sorted decoded query.
pub type Key = (String, String, Vec<(String, String)>);
/// The service's refusal for an `Authorization` header, or `None` to let the request through.
pub type AuthCheck = fn(Option<&str>) -> Option<Reply>;
/// The reply to a request that no route answers.
pub type Unrouted = Box<dyn Fn(&Seen) -> Reply + Send>;

/// How a server answers beyond its routes.
pub struct Setup {
    pub auth: AuthCheck,
    /// Of two routes for the same request, the one added first wins (instead of the last,
    /// which lets a test override a server's usual routes).
    pub first_added_wins: bool,
    pub unrouted: Unrouted,
    /// Text in reply bodies to replace with this server's origin (a recorded host in links).
    pub origin_in_bodies: Option<&'static str>,
}

struct Route {
    method: String,
    path: String,
    /// `None` matches any query.
    query: Option<Vec<(String, String)>>,
    reply: Reply,
    remaining: Option<usize>,
}

impl Route {
    fn answers(&self, seen: &Seen) -> bool {
        self.method == seen.method
            && self.path == seen.path
            && self.query.as_ref().is_none_or(|q| *q == seen.query)
            && self.remaining != Some(0)
    }
}

struct State {
    setup: Setup,
    routes: Vec<Route>,
    seen: Vec<Seen>,
}

pub struct Server {
    origin: String,
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Routes added later win; a request no route answers gets a 404.
    pub fn start(auth: AuthCheck) -> Server {
        Server::with(Setup {
            auth,
            first_added_wins: false,
            unrouted: Box::new(no_route),
            origin_in_bodies: None,
        })
    }

    pub fn with(setup: Setup) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let addr = server.server_addr().to_ip().expect("an IP listener");
        let origin = format!("http://{addr}");
        let state = Arc::new(Mutex::new(State {
            setup,
            routes: Vec::new(),
            seen: Vec::new(),
        }));
        let thread = {
            let (server, state, origin) = (Arc::clone(&server), Arc::clone(&state), origin.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(&state, &origin, request);
                }
            })
        };
        Server {
            origin,
            state,
            server,
            thread: Some(thread),
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Serve `reply` for every request to exactly this method, path and query.
    pub fn respond(&self, method: &str, target: &str, reply: Reply) {
        self.add(method, target, true, reply, None);
    }

    /// As `respond`, for the first `times` requests only; then what follows answers.
    pub fn respond_times(&self, method: &str, target: &str, times: usize, reply: Reply) {
        self.add(method, target, true, reply, Some(times));
    }

    /// Serve `reply` for this path whatever the query.
    pub fn respond_any_query(&self, method: &str, path: &str, reply: Reply) {
        self.add(method, path, false, reply, None);
    }

    fn add(&self, method: &str, target: &str, exact: bool, reply: Reply, remaining: Option<usize>) {
        let (method, path, query) = split_target(method, target);
        let route = Route {
            method,
            path,
            query: exact.then_some(query),
            reply,
            remaining,
        };
        let mut state = self.lock();
        // Routes are tried from the front.
        if state.setup.first_added_wins {
            state.routes.push(route);
        } else {
            state.routes.insert(0, route);
        }
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

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn no_route(seen: &Seen) -> Reply {
    eprintln!("replay: no route for {} {}", seen.method, seen.url);
    Reply::json(404, r#"{"message":"no route in the replay"}"#)
}

fn handle(state: &Mutex<State>, origin: &str, mut request: tiny_http::Request) {
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
    let seen = Seen {
        method,
        path,
        query,
        url,
        authorization,
        body,
    };

    let (reply, origin_in_bodies) = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let reply = choose(&mut state, &seen);
        state.seen.push(seen);
        (reply, state.setup.origin_in_bodies)
    };

    let body = match (origin_in_bodies, String::from_utf8(reply.body.clone())) {
        (Some(recorded), Ok(text)) => text.replace(recorded, origin).into_bytes(),
        _ => reply.body.clone(),
    };
    let response = raw_response(&reply, &body);
    if reply.delay.is_zero() {
        send(request, &response);
    } else {
        // Off the accept loop, so a slow reply does not hold up the requests behind it.
        std::thread::spawn(move || {
            std::thread::sleep(reply.delay);
            send(request, &response);
        });
    }
}

/// Status line, headers and body in one buffer. tiny_http's own `respond` writes the
/// headers and then the body, and on loopback the body then waits out the client's delayed
/// ACK (Nagle): 40 ms for every response of a few kilobytes, minutes over a large project.
fn raw_response(reply: &Reply, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        reply.status,
        tiny_http::StatusCode(reply.status).default_reason_phrase()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    // Every answer closes its connection, and says so: a client that pooled it would
    // otherwise race the close on its next request and retry it, which shows up as a
    // request made twice (seen under load in CI).
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut response = head.into_bytes();
    response.extend_from_slice(body);
    response
}

fn send(request: tiny_http::Request, response: &[u8]) {
    use std::io::Write;
    let mut writer = request.into_writer();
    let _ = writer.write_all(response);
    let _ = writer.flush();
}

fn choose(state: &mut State, seen: &Seen) -> Reply {
    if let Some(denied) = (state.setup.auth)(seen.authorization.as_deref()) {
        return denied;
    }
    match state.routes.iter_mut().find(|r| r.answers(seen)) {
        Some(route) => {
            if let Some(n) = route.remaining.as_mut() {
                *n -= 1;
            }
            route.reply.clone()
        }
        None => (state.setup.unrouted)(seen),
    }
}

/// A server that accepts connections, takes what is sent and never answers: a service hung
/// behind its load balancer. It holds every connection until dropped.
pub struct Hang {
    origin: String,
    accepted: Arc<Mutex<Vec<std::net::TcpStream>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Hang {
    pub fn start() -> Hang {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let origin = format!("http://{}", listener.local_addr().expect("an address"));
        // Polled, so that dropping the server ends the thread.
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = {
            let (accepted, stop) = (Arc::clone(&accepted), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => accepted
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(stream),
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Hang {
            origin,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Connections accepted so far (each one a request left unanswered).
    pub fn connections(&self) -> usize {
        self.accepted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

impl Drop for Hang {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `GET /a?x=1&y=2` with the query decoded and sorted, for comparing request lines.
pub fn normalize_line(line: &str) -> String {
    let (method, target) = line.split_once(' ').unwrap_or(("", line));
    let (m, path, query) = split_target(method, target);
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{m} {path}?{}", query.join("&"))
}

/// Method, path and sorted decoded query of `/path?query`.
pub fn split_target(method: &str, target: &str) -> Key {
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
