//! A small blocking JSON client for flag-service admin APIs.
//!
//! It owns the rules every provider needs and none should re-implement: https only (plain
//! http to loopback hosts alone, for local services and the test replay server), a timeout
//! per request and a deadline for the whole read, retries with exponential backoff on 429,
//! 408, 5xx and timeouts that honour `Retry-After`, every page of a `{count, next, previous,
//! results}` list with a hard cap that fails instead of truncating, and errors that name the
//! endpoint, never the key. Requests go out one at a time: a CI linter gains little from
//! parallel requests against an API rate-limited per key, and loses predictability.

use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{Detail, ProviderError};

/// A credential that must never be printed: its `Debug` is redacted and it has no `Display`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// `[service] timeout`: a page of 999 features takes SaaS a few seconds to build, so this
/// leaves room for a slow answer while still catching one that never comes.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// `[service] deadline`: a healthy read is a handful of requests, seconds in all; a minute
/// keeps a hanging or throttled service from holding a CI job for longer than that.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// How hard the client tries before it reports a failure.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// The whole of one attempt: connecting, sending and reading the body.
    pub timeout: Duration,
    /// Every request, retry and wait together, counted from the first request; `None` for
    /// no limit. An attempt never runs past it.
    pub deadline: Option<Duration>,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The first backoff; each further retry doubles it.
    pub retry_base: Duration,
    /// The longest single wait, for backoff and `Retry-After` alike. A service that asks
    /// for longer gets an error now rather than a CI job that hangs.
    pub max_wait: Duration,
    /// Pages of one list before it is treated as runaway pagination.
    pub max_pages: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: DEFAULT_TIMEOUT,
            deadline: Some(DEFAULT_DEADLINE),
            attempts: 4,
            retry_base: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            max_pages: 5_000,
        }
    }
}

/// How the client authenticates: `Authorization: <scheme> <secret>`.
#[derive(Debug, Clone)]
pub struct Auth {
    pub scheme: &'static str,
    pub secret: Secret,
    /// The environment variable the secret came from, named in 401/403 messages.
    pub credential: &'static str,
}

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Status(StatusCode),
    Timeout,
    /// No connection was made (refused, DNS, TLS handshake).
    Connect,
    /// The connection broke while the request or the response was under way.
    Interrupted,
    Other,
}

/// The one place that decides whether an attempt is worth repeating.
///
/// Throttling, server errors, timeouts and connections dropped mid-exchange (a proxy or
/// load balancer recycling them) are usually transient. A connection that cannot be made
/// is not retried: it almost always means a wrong URL, a bad certificate or a stopped
/// service, and waiting would only delay the message that says so. Other 4xx answers
/// will not change.
pub fn should_retry(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Status(status) => {
            status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::REQUEST_TIMEOUT
                || status.is_server_error()
        }
        Outcome::Timeout | Outcome::Interrupted => true,
        Outcome::Connect | Outcome::Other => false,
    }
}

/// One page of a paginated list, as the caller sees it.
#[derive(Debug)]
pub struct Page<T> {
    /// The service's total across all pages, when it says.
    pub count: Option<u64>,
    pub results: Vec<T>,
    pub has_next: bool,
}

/// A blocking JSON client bound to one service base URL and one credential.
pub struct JsonClient {
    client: Client,
    base: Url,
    auth_header: HeaderValue,
    auth: Auth,
    options: HttpOptions,
    /// When the first request went out: the deadline counts from there.
    started: OnceLock<Instant>,
    /// Attempts sent, retries included, since that is what a rate limit counts.
    sent: AtomicU64,
}

impl fmt::Debug for JsonClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonClient")
            .field("base", &redacted_url(&self.base))
            .field("auth", &self.auth)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl JsonClient {
    /// Checks the URL and the credential before anything is sent.
    pub fn new(base_url: &str, auth: Auth, options: HttpOptions) -> Result<Self, ProviderError> {
        if auth.secret.is_empty() {
            return Err(ProviderError::MissingCredential {
                credential: auth.credential,
            });
        }
        let base = parse_base_url(base_url)?;
        let mut auth_header =
            HeaderValue::from_str(&format!("{} {}", auth.scheme, auth.secret.expose())).map_err(
                |_| ProviderError::InvalidCredential {
                    credential: auth.credential,
                },
            )?;
        auth_header.set_sensitive(true);

        let mut builder = Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            // A redirect could carry the key to another origin or downgrade to http, and a
            // correctly configured URL never needs one: report it instead of following.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("flaglint/", env!("CARGO_PKG_VERSION")));
        if is_loopback(&base) {
            // A proxy from the environment must not see a local service's traffic.
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| ProviderError::InvalidUrl {
            url: redacted_url(&base),
            reason: format!("cannot build an HTTP client: {}", e.without_url()),
        })?;
        Ok(JsonClient {
            client,
            base,
            auth_header,
            auth,
            options,
            started: OnceLock::new(),
            sent: AtomicU64::new(0),
        })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// HTTP requests sent so far, each retry counted.
    pub fn requests(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Time since the first request went out (zero before it).
    pub fn elapsed(&self) -> Duration {
        self.started.get().map_or(Duration::ZERO, Instant::elapsed)
    }

    /// `path` is relative to the base URL (`projects/1/tags/`); query pairs are encoded here.
    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, ProviderError> {
        let mut url = self
            .base
            .join(path)
            .map_err(|e| ProviderError::InvalidUrl {
                url: format!("{}{path}", redacted_url(&self.base)),
                reason: e.to_string(),
            })?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }

    /// `GET /path?query`: how messages name a GET of `path` with `query`.
    pub fn get_endpoint(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<String, ProviderError> {
        Ok(endpoint(&Method::GET, &self.url(path, query)?))
    }

    /// GET one JSON document.
    pub fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ProviderError> {
        let url = self.url(path, query)?;
        let body = self.send(Method::GET, &url, None)?;
        self.decode(&endpoint(&Method::GET, &url), &body)
    }

    /// POST a JSON body, decode the JSON answer.
    pub fn post<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ProviderError> {
        let url = self.url(path, &[])?;
        let endpoint = endpoint(&Method::POST, &url);
        let bytes = serde_json::to_vec(body).map_err(|e| ProviderError::Transport {
            endpoint: endpoint.clone(),
            reason: format!("cannot encode the request body: {e}"),
        })?;
        let answer = self.send(Method::POST, &url, Some(bytes))?;
        self.decode(&endpoint, &answer)
    }

    /// GET every page of a list and concatenate the results. A bare JSON array is accepted
    /// as a list of one page, since some endpoints (Flagsmith's projects) are not paginated.
    pub fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, ProviderError> {
        let mut pager = self.pages(path, query)?;
        let mut all = Vec::new();
        while let Some(page) = pager.next_page()? {
            all.extend(page.results);
        }
        Ok(all)
    }

    /// Page by page, for callers that can stop early (an audit log read newest first).
    pub fn pages<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Pager<'_, T>, ProviderError> {
        let first = self.url(path, query)?;
        Ok(Pager {
            client: self,
            first_endpoint: endpoint(&Method::GET, &first),
            next: Some(first),
            seen: HashSet::new(),
            pages: 0,
            _marker: std::marker::PhantomData,
        })
    }

    fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ProviderError> {
        let endpoint = endpoint(&method, url);
        let attempts = self.options.attempts.max(1);
        let started = *self.started.get_or_init(Instant::now);
        let remaining = || {
            self.options
                .deadline
                .map(|deadline| deadline.saturating_sub(started.elapsed()))
        };
        let mut attempt = 0;
        let mut last: Option<String> = None;
        loop {
            attempt += 1;
            let left = remaining();
            if left.is_some_and(|left| left.is_zero()) {
                return Err(self.deadline_error(&endpoint, last));
            }
            // The last attempt before the deadline gets only what is left of it.
            let timeout = left.map_or(self.options.timeout, |left| left.min(self.options.timeout));
            let mut request = self
                .client
                .request(method.clone(), url.clone())
                .timeout(timeout)
                .header(AUTHORIZATION, self.auth_header.clone())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }

            self.sent.fetch_add(1, Ordering::Relaxed);
            let (outcome, retry_after, failure) = match request.send() {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes() {
                        Ok(bytes) if status.is_success() => return Ok(bytes.to_vec()),
                        Ok(bytes) => {
                            let failure =
                                self.status_error(&endpoint, status, &headers, &bytes, attempt);
                            (Outcome::Status(status), retry_after(&headers), failure)
                        }
                        Err(e) => {
                            let outcome = classify(&e);
                            (
                                outcome,
                                None,
                                self.transport_error(&endpoint, url, e, attempt),
                            )
                        }
                    }
                }
                Err(e) => {
                    let outcome = classify(&e);
                    (
                        outcome,
                        None,
                        self.transport_error(&endpoint, url, e, attempt),
                    )
                }
            };

            last = Some(last_attempt(outcome, timeout, retry_after));
            if outcome == Outcome::Timeout && timeout < self.options.timeout {
                // Cut short by the deadline, not by `timeout`: say which limit was hit.
                return Err(self.deadline_error(&endpoint, last));
            }
            if attempt >= attempts || !should_retry(outcome) {
                return Err(failure);
            }
            let wait = match retry_after {
                Some(asked) if asked > self.options.max_wait => {
                    // Waiting that long would stall a CI job; say so now instead.
                    return Err(match failure {
                        ProviderError::RateLimited {
                            endpoint, attempts, ..
                        } => ProviderError::RateLimited {
                            endpoint,
                            attempts,
                            retry_after_secs: Some(asked.as_secs()),
                        },
                        other => other,
                    });
                }
                Some(asked) => asked,
                None => backoff(self.options.retry_base, attempt, self.options.max_wait),
            };
            if remaining().is_some_and(|left| wait >= left) {
                // The retry could not start before the deadline: no point in waiting for it.
                return Err(self.deadline_error(&endpoint, last));
            }
            std::thread::sleep(wait);
        }
    }

    fn deadline_error(&self, endpoint: &str, last: Option<String>) -> ProviderError {
        ProviderError::Deadline {
            endpoint: endpoint.to_owned(),
            deadline: human_duration(self.options.deadline.unwrap_or_default()),
            requests: self.requests(),
            last: last.map_or_else(
                || "; the deadline passed before this request went out".to_owned(),
                |last| format!("; its last attempt got {last}"),
            ),
        }
    }

    fn status_error(
        &self,
        endpoint: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        attempts: u32,
    ) -> ProviderError {
        let endpoint = endpoint.to_owned();
        let detail = Detail(detail_of(body).map(|d| self.scrub(&d)));
        let credential = self.auth.credential;
        match status.as_u16() {
            401 => ProviderError::Unauthorized {
                endpoint,
                credential,
                detail,
            },
            403 => ProviderError::Forbidden {
                endpoint,
                credential,
                detail,
            },
            404 => ProviderError::NotFound {
                endpoint,
                credential,
                detail,
            },
            429 => ProviderError::RateLimited {
                endpoint,
                attempts,
                retry_after_secs: None,
            },
            300..=399 => ProviderError::Redirect {
                endpoint,
                location: headers
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(|l| self.scrub(l))
                    .unwrap_or_default(),
            },
            code if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT => {
                ProviderError::Server {
                    endpoint,
                    status: code,
                    attempts,
                    detail,
                }
            }
            code => ProviderError::Status {
                endpoint,
                status: code,
                detail,
            },
        }
    }

    fn transport_error(
        &self,
        endpoint: &str,
        url: &Url,
        error: reqwest::Error,
        attempts: u32,
    ) -> ProviderError {
        let endpoint = endpoint.to_owned();
        if error.is_timeout() {
            return ProviderError::Timeout {
                endpoint,
                timeout_ms: self.options.timeout.as_millis(),
                attempts,
            };
        }
        let connect = error.is_connect();
        // reqwest's own Display repeats the URL; the innermost cause is what a person needs
        // ("Connection refused"), and it carries no URL.
        let reason = self.scrub(&root_cause(&error.without_url()));
        if connect {
            ProviderError::Connect {
                endpoint,
                host: host_port(url),
                reason,
            }
        } else {
            ProviderError::Transport { endpoint, reason }
        }
    }

    fn decode<T: DeserializeOwned>(&self, endpoint: &str, body: &[u8]) -> Result<T, ProviderError> {
        decode(endpoint, body).map_err(|e| self.scrub_error(e))
    }

    /// Removes the secret from text that came from the service, in case it echoes it.
    fn scrub(&self, text: &str) -> String {
        let secret = self.auth.secret.expose();
        if secret.is_empty() {
            text.to_owned()
        } else {
            text.replace(secret, "***")
        }
    }

    fn scrub_error(&self, error: ProviderError) -> ProviderError {
        match error {
            ProviderError::MalformedJson { endpoint, reason } => ProviderError::MalformedJson {
                endpoint,
                reason: self.scrub(&reason),
            },
            ProviderError::Shape {
                endpoint,
                path,
                reason,
            } => ProviderError::Shape {
                endpoint,
                path: self.scrub(&path),
                reason: self.scrub(&reason),
            },
            other => other,
        }
    }

    /// A `next` link is trusted for its path and query only: the origin stays the
    /// configured one, so a link built for an internal host (or with `http` behind a TLS
    /// proxy) can neither send the key elsewhere nor downgrade the scheme.
    fn follow(&self, current: &str, next: &str) -> Result<Url, ProviderError> {
        let pagination = |reason: String| ProviderError::Pagination {
            endpoint: current.to_owned(),
            reason,
        };
        let parsed = Url::parse(next)
            .or_else(|_| self.base.join(next))
            .map_err(|e| pagination(format!("the `next` link is not a URL ({e})")))?;
        if !parsed.path().starts_with(self.base.path()) {
            return Err(pagination(format!(
                "the `next` link leads to {} outside the service URL {}",
                parsed.path(),
                self.base.path()
            )));
        }
        let mut url = self.base.clone();
        url.set_path(parsed.path());
        url.set_query(parsed.query());
        Ok(url)
    }
}

/// Walks a paginated list one page at a time; see [`JsonClient::pages`].
pub struct Pager<'a, T> {
    client: &'a JsonClient,
    first_endpoint: String,
    next: Option<Url>,
    seen: HashSet<String>,
    pages: usize,
    _marker: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> Pager<'_, T> {
    pub fn next_page(&mut self) -> Result<Option<Page<T>>, ProviderError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        if self.pages >= self.client.options.max_pages {
            return Err(ProviderError::Pagination {
                endpoint: self.first_endpoint.clone(),
                reason: format!("more than {} pages", self.client.options.max_pages),
            });
        }
        if !self.seen.insert(url.as_str().to_owned()) {
            return Err(ProviderError::Pagination {
                endpoint: self.first_endpoint.clone(),
                reason: format!(
                    "the `next` links loop back to {}",
                    endpoint(&Method::GET, &url)
                ),
            });
        }
        self.pages += 1;
        let endpoint = endpoint(&Method::GET, &url);
        let body = self.client.send(Method::GET, &url, None)?;
        let listing: Listing<T> = if first_non_space(&body) == Some(b'[') {
            Listing::Bare(self.client.decode(&endpoint, &body)?)
        } else {
            Listing::Paged(self.client.decode(&endpoint, &body)?)
        };
        match listing {
            Listing::Bare(results) => Ok(Some(Page {
                count: Some(results.len() as u64),
                results,
                has_next: false,
            })),
            Listing::Paged(page) => {
                if let Some(next) = page.next.as_deref() {
                    self.next = Some(self.client.follow(&endpoint, next)?);
                }
                Ok(Some(Page {
                    count: page.count,
                    results: page.results,
                    has_next: self.next.is_some(),
                }))
            }
        }
    }
}

enum Listing<T> {
    Bare(Vec<T>),
    Paged(WirePage<T>),
}

#[derive(Deserialize)]
struct WirePage<T> {
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    next: Option<String>,
    results: Vec<T>,
}

/// `METHOD /path?query`: what messages show of a request, without scheme, host or user info.
pub fn endpoint(method: &Method, url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{method} {}?{query}", url.path()),
        None => format!("{method} {}", url.path()),
    }
}

/// Decodes JSON, telling a body that is not JSON at all from one of the wrong shape, and
/// naming where in the document the shape is wrong (`results[2].environment_feature_state.enabled`).
pub fn decode<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| {
        let reason = strip_position(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => ProviderError::Shape {
                endpoint: endpoint.to_owned(),
                path: json_path_at(body, e.line(), e.column()),
                reason,
            },
            _ => ProviderError::MalformedJson {
                endpoint: endpoint.to_owned(),
                reason: format!("{reason} at line {} column {}", e.line(), e.column()),
            },
        }
    })
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The JSON path of the value being read at a serde_json error position.
///
/// serde_json reports a line and column but not the path, and the crate that tracks paths
/// is not a dependency; a position is enough, because the document is right there: scan it
/// up to that point, keeping the stack of open objects (with their last key) and arrays
/// (with their current index).
pub fn json_path_at(text: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object { key: Option<String>, want_key: bool },
        Array { index: usize },
    }

    let mut offset = text.len();
    let mut current_line = 1;
    for (i, byte) in text.iter().enumerate() {
        if current_line == line {
            offset = (i + column).min(text.len());
            break;
        }
        if *byte == b'\n' {
            current_line += 1;
        }
    }

    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset {
        match text[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                want_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { want_key, .. }) => *want_key = true,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { want_key, .. }) = stack.last_mut() {
                    *want_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < text.len() && text[end] != b'"' {
                    end += if text[end] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object {
                    key,
                    want_key: true,
                }) = stack.last_mut()
                {
                    *key = Some(
                        String::from_utf8_lossy(&text[start..end.min(text.len())]).into_owned(),
                    );
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }

    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        "(top level)".to_owned()
    } else {
        path
    }
}

fn parse_base_url(raw: &str) -> Result<Url, ProviderError> {
    let invalid = |reason: String| ProviderError::InvalidUrl {
        url: raw.split('@').next_back().unwrap_or(raw).to_owned(),
        reason,
    };
    let mut url = Url::parse(raw.trim()).map_err(|e| invalid(e.to_string()))?;
    if url.host().is_none() {
        return Err(invalid("it has no host".to_owned()));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ProviderError::InsecureUrl {
                host: url.host_str().unwrap_or_default().to_owned(),
            })
        }
        other => {
            return Err(invalid(format!(
                "unsupported scheme {other:?}, use https://"
            )))
        }
    }
    // Relative joins drop the last segment of a base without a trailing slash
    // (`.../api/v1` + `projects/` would become `.../api/projects/`).
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn redacted_url(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

fn host_port(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

fn classify(error: &reqwest::Error) -> Outcome {
    if error.is_timeout() {
        Outcome::Timeout
    } else if error.is_connect() {
        Outcome::Connect
    } else if error.is_request() || error.is_body() {
        Outcome::Interrupted
    } else {
        Outcome::Other
    }
}

/// What an attempt got, for the deadline message.
fn last_attempt(outcome: Outcome, timeout: Duration, retry_after: Option<Duration>) -> String {
    match outcome {
        Outcome::Timeout => format!("no response within {}", human_duration(timeout)),
        Outcome::Status(status) => match retry_after {
            Some(asked) => format!(
                "HTTP {} asking to wait {}",
                status.as_u16(),
                human_duration(asked)
            ),
            None => format!("HTTP {}", status.as_u16()),
        },
        Outcome::Interrupted => "a connection that broke mid-answer".to_owned(),
        Outcome::Connect => "no connection".to_owned(),
        Outcome::Other => "an error".to_owned(),
    }
}

/// `15 s`, `1.5 s`, `200 ms`: durations as the config writes them, roughly.
pub fn human_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// `Retry-After` in seconds. The HTTP-date form is ignored (plain backoff then), since the
/// services flaglint talks to send seconds and a clock-skewed date would be worse than a guess.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn backoff(base: Duration, attempt: u32, cap: Duration) -> Duration {
    let factor = 1u32
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(cap)
}

/// What the service said about an error, short: DRF's `{"detail": ...}`, or the compact
/// JSON of a field-error map; nothing for a non-JSON body such as an HTML error page.
fn detail_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = match &value {
        serde_json::Value::Object(map) => match map.get("detail") {
            Some(serde_json::Value::String(detail)) => detail.clone(),
            _ => value.to_string(),
        },
        serde_json::Value::Null => return None,
        other => other.to_string(),
    };
    const LIMIT: usize = 200;
    if text.chars().count() > LIMIT {
        Some(format!(
            "{}...",
            text.chars().take(LIMIT).collect::<String>()
        ))
    } else {
        Some(text)
    }
}

fn first_non_space(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct State {
        enabled: bool,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Feature {
        name: String,
        environment_feature_state: State,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct List {
        results: Vec<Feature>,
    }

    fn shape_path(body: &str) -> String {
        match decode::<List>("GET /x", body.as_bytes()) {
            Err(ProviderError::Shape { path, .. }) => path,
            other => panic!("expected a shape error, got {other:?}"),
        }
    }

    #[test]
    fn path_of_a_wrong_type_in_compact_json() {
        let body = r#"{"results":[{"name":"a","environment_feature_state":{"enabled":true}},{"name":"b","environment_feature_state":{"enabled":"yes"}}]}"#;
        assert_eq!(
            shape_path(body),
            "results[1].environment_feature_state.enabled"
        );
    }

    #[test]
    fn path_of_a_wrong_type_in_pretty_json() {
        let body = "{\n  \"results\": [\n    {\"name\": \"a\", \"environment_feature_state\": {\"enabled\": true}},\n    {\n      \"name\": \"b\",\n      \"environment_feature_state\": {\n        \"enabled\": 1\n      }\n    }\n  ]\n}";
        assert_eq!(
            shape_path(body),
            "results[1].environment_feature_state.enabled"
        );
    }

    #[test]
    fn path_of_a_missing_field_is_its_object() {
        let body = r#"{"results":[{"name":"a","environment_feature_state":{}}]}"#;
        assert_eq!(shape_path(body), "results[0].environment_feature_state");
    }

    #[test]
    fn keys_with_escaped_quotes_do_not_derail_the_scan() {
        let body =
            r#"{"results":[{"n\"x":1,"name":"a","environment_feature_state":{"enabled":null}}]}"#;
        assert_eq!(
            shape_path(body),
            "results[0].environment_feature_state.enabled"
        );
    }

    #[test]
    fn not_json_is_malformed_not_shape() {
        assert!(matches!(
            decode::<List>("GET /x", b"<html>"),
            Err(ProviderError::MalformedJson { .. })
        ));
    }

    #[test]
    fn retry_decision() {
        assert!(should_retry(Outcome::Status(StatusCode::TOO_MANY_REQUESTS)));
        assert!(should_retry(Outcome::Status(StatusCode::BAD_GATEWAY)));
        assert!(should_retry(Outcome::Timeout));
        assert!(!should_retry(Outcome::Status(StatusCode::UNAUTHORIZED)));
        assert!(!should_retry(Outcome::Status(StatusCode::NOT_FOUND)));
        assert!(should_retry(Outcome::Interrupted));
        assert!(!should_retry(Outcome::Connect));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_millis(350);
        assert_eq!(backoff(base, 1, cap), Duration::from_millis(100));
        assert_eq!(backoff(base, 2, cap), Duration::from_millis(200));
        assert_eq!(backoff(base, 3, cap), cap);
        assert_eq!(backoff(base, 40, cap), cap);
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(parse_base_url("https://api.flagsmith.com/api/v1/").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8000/api/v1/").is_ok());
        assert!(parse_base_url("http://127.1.2.3/api/v1/").is_ok());
        assert!(parse_base_url("http://localhost:8000/api/v1").is_ok());
        assert!(parse_base_url("http://[::1]:8000/api/v1/").is_ok());
        assert!(matches!(
            parse_base_url("http://flagsmith.internal/api/v1/"),
            Err(ProviderError::InsecureUrl { .. })
        ));
        assert!(matches!(
            parse_base_url("http://10.0.0.1/api/v1/"),
            Err(ProviderError::InsecureUrl { .. })
        ));
        assert!(parse_base_url("ftp://example.com/").is_err());
    }

    #[test]
    fn base_without_trailing_slash_keeps_its_last_segment() {
        let url = parse_base_url("https://flags.example.com/api/v1").unwrap();
        assert_eq!(url.join("projects/").unwrap().path(), "/api/v1/projects/");
    }

    #[test]
    fn detail_is_short_and_absent_for_html() {
        assert_eq!(
            detail_of(br#"{"detail":"Invalid page."}"#).as_deref(),
            Some("Invalid page.")
        );
        assert_eq!(
            detail_of(br#"{"environment":["Select a valid choice."]}"#).as_deref(),
            Some(r#"{"environment":["Select a valid choice."]}"#)
        );
        assert_eq!(
            detail_of(b"<!doctype html><h1>Server Error (500)</h1>"),
            None
        );
    }

    #[test]
    fn durations_read_as_written() {
        assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
        assert_eq!(human_duration(Duration::from_secs(60)), "60 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new("FaKe1234.secret");
        assert!(!format!("{secret:?}").contains("FaKe1234"));
    }
}
