//! Flag sources: everything that reads a flag service into a [`FlagSet`].
//!
//! Each provider implements [`FlagSource`]; the rules only ever see the `FlagSet` it
//! returns. Every way a read can fail is a [`ProviderError`] whose message names the
//! endpoint, what the service answered and what to do about it, because the CLI prints it
//! as the whole explanation of exit code 2. No variant carries a credential: messages built
//! from response bodies are scrubbed of the key before they get here.

mod common;
pub mod flagsmith;
pub mod growthbook;
pub mod http;
pub mod launchdarkly;
pub mod unleash;

use std::time::Duration;

use crate::flag::FlagSet;

/// A flag service (or a file standing in for one) that can be read into a [`FlagSet`].
pub trait FlagSource {
    /// The provider's name as it appears in `FlagSet::provider` and in messages.
    fn name(&self) -> &'static str;
    /// Reads the whole project: every page of every list, or an error, never a partial set.
    fn fetch(&self) -> Result<FlagSet, ProviderError>;
    /// What the last successful `fetch` cost and which way it went, for `--stats`.
    fn stats(&self) -> Option<ReadStats> {
        None
    }
}

/// What one read of a flag service cost, and the choices behind it, for `--stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub provider: &'static str,
    /// HTTP requests sent, each retry counted (what a rate limit counts).
    pub requests: u64,
    pub elapsed: Duration,
    /// One line each: which way the read went where the service left a choice, and why.
    pub notes: Vec<String>,
}

impl std::fmt::Display for ReadStats {
    /// `stats: ` lines, as the scan's `--stats` prints them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "stats: {}: {} in {:.3} s, one at a time",
            self.provider,
            plural(self.requests, "request"),
            self.elapsed.as_secs_f64()
        )?;
        for note in &self.notes {
            writeln!(f, "stats: {}: {note}", self.provider)?;
        }
        Ok(())
    }
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Why a flag service could not be read.
///
/// `endpoint` is always `METHOD /path?query` without scheme, host or user info, so a URL
/// with credentials in it cannot leak through a message.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error(
        "{credential} is not set; export it with {}",
        credential_hint(credential)
    )]
    MissingCredential { credential: &'static str },

    #[error("{credential} contains characters that cannot be sent in an HTTP header; check for a stray newline or quote")]
    InvalidCredential { credential: &'static str },

    #[error("invalid service URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("refusing to send credentials over plain http to {host}; use an https:// service URL (plain http is only allowed to 127.0.0.1, localhost and [::1])")]
    InsecureUrl { host: String },

    #[error(
        "{endpoint}: 401 Unauthorized{detail}; check {credential}: it must be {}",
        credential_hint(credential)
    )]
    Unauthorized {
        endpoint: String,
        credential: &'static str,
        detail: Detail,
    },

    #[error("{endpoint}: 403 Forbidden{detail}; the key may not see this project or environment, or (Flagsmith) an environment key in the path is wrong; check {credential} and the configured environments")]
    Forbidden {
        endpoint: String,
        credential: &'static str,
        detail: Detail,
    },

    #[error("{endpoint}: 404 Not Found{detail}; the project or environment does not exist or this key cannot see it; check `project` in flaglint.toml and {credential}")]
    NotFound {
        endpoint: String,
        credential: &'static str,
        detail: Detail,
    },

    #[error("project {wanted:?} not found; the key sees: {}", list_or_none(.available))]
    UnknownProject {
        wanted: String,
        available: Vec<String>,
    },

    #[error("environment(s) {} not found in project {project:?}; it has: {}", .missing.join(", "), list_or_none(.available))]
    UnknownEnvironment {
        project: String,
        missing: Vec<String>,
        available: Vec<String>,
    },

    #[error("project {project:?} has two environments named {name:?}; flaglint keys states by environment name, so rename one of them")]
    DuplicateEnvironment { project: String, name: String },

    #[error("project {project:?} has no environments this key can see; the service answers an empty list when the key lacks permission, check {credential}")]
    NoEnvironments {
        project: String,
        credential: &'static str,
    },

    #[error("{endpoint}: 429 Too Many Requests, still throttled after {attempts} attempt(s){}; wait a minute and run again, or raise the service's rate limit", retry_after_note(*.retry_after_secs))]
    RateLimited {
        endpoint: String,
        attempts: u32,
        /// The last `Retry-After` the service sent, when it asked for more than flaglint waits.
        retry_after_secs: Option<u64>,
    },

    #[error("{endpoint}: HTTP {status} from the service after {attempts} attempt(s){detail}; the service is failing, run again later or check its logs")]
    Server {
        endpoint: String,
        status: u16,
        attempts: u32,
        detail: Detail,
    },

    #[error("{endpoint}: HTTP {status}{detail}; flaglint sent a request this service version does not accept, please report it")]
    Status {
        endpoint: String,
        status: u16,
        detail: Detail,
    },

    #[error("{endpoint}: redirected to {location:?}; set the service URL to the address it redirects to")]
    Redirect { endpoint: String, location: String },

    #[error("{endpoint}: no response within {timeout_ms} ms after {attempts} attempt(s); check the service URL and the network, raise `timeout` in [service], or use the last snapshot with --offline")]
    Timeout {
        endpoint: String,
        timeout_ms: u128,
        attempts: u32,
    },

    #[error("{endpoint}: the read did not finish within its {deadline} deadline after {requests} request(s){last}; the service is slow or not answering: check it, raise `deadline` in [service], or use the last snapshot with --offline")]
    Deadline {
        endpoint: String,
        /// As configured, `60 s`.
        deadline: String,
        /// Sent in the whole read, retries included.
        requests: u64,
        /// `; its last attempt got ...`, or why none was made.
        last: String,
    },

    #[error("{endpoint}: cannot connect to {host}: {reason}; check the service URL and that the service is running")]
    Connect {
        endpoint: String,
        host: String,
        reason: String,
    },

    #[error("{endpoint}: request failed: {reason}")]
    Transport { endpoint: String, reason: String },

    #[error("{endpoint}: the response is not valid JSON ({reason}); check that the service URL points at the API (for Flagsmith it ends in /api/v1/)")]
    MalformedJson { endpoint: String, reason: String },

    #[error("{endpoint}: unexpected response shape at `{path}`: {reason}; this service version may not be supported, please report it")]
    Shape {
        endpoint: String,
        path: String,
        reason: String,
    },

    #[error("{endpoint}: {reason}; refusing to return a partial list")]
    Pagination { endpoint: String, reason: String },

    #[error("{what}; the project changed while flaglint read it, run again")]
    Inconsistent { what: String },
}

impl ProviderError {
    /// The service could not be reached or did not answer in time, so a snapshot read with
    /// `--offline` is the way to go on.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            ProviderError::Timeout { .. }
                | ProviderError::Deadline { .. }
                | ProviderError::Connect { .. }
                | ProviderError::Transport { .. }
                | ProviderError::Server { .. }
                | ProviderError::RateLimited { .. }
        )
    }
}

/// A short excerpt of what the service said, shown after the status (empty when it said
/// nothing useful, e.g. an HTML error page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail(pub Option<String>);

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(text) => write!(f, " ({text})"),
            None => Ok(()),
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn retry_after_note(secs: Option<u64>) -> String {
    match secs {
        Some(secs) => format!(" (the service asks to wait {secs} s, longer than flaglint waits)"),
        None => String::new(),
    }
}

/// Where a user gets the credential each provider reads.
pub fn credential_hint(variable: &str) -> &'static str {
    match variable {
        "FLAGSMITH_API_KEY" => "an organisation Admin API key (Organisation settings > API Access)",
        "UNLEASH_API_TOKEN" => "an Admin API token (Admin settings > API access)",
        "LAUNCHDARKLY_API_TOKEN" => {
            "an API access token with the Reader role (Account settings > Authorization)"
        }
        "GROWTHBOOK_API_KEY" => "a secret API key with read access (Settings > API Keys)",
        _ => "the service's API credential",
    }
}

#[cfg(test)]
mod credential_tests {
    use super::*;

    #[test]
    fn missing_credential_says_where_to_get_it_for_each_service() {
        let message = |credential| ProviderError::MissingCredential { credential }.to_string();
        assert!(message("UNLEASH_API_TOKEN").contains("Admin API token"));
        assert!(message("FLAGSMITH_API_KEY").contains("organisation Admin API key"));
        assert!(!message("GROWTHBOOK_API_KEY").contains("Organisation settings"));
    }

    #[test]
    fn unauthorized_names_the_credential_of_each_service() {
        let message = |credential| {
            ProviderError::Unauthorized {
                endpoint: "GET /x".into(),
                credential,
                detail: Detail(None),
            }
            .to_string()
        };
        let unleash = message("UNLEASH_API_TOKEN");
        assert!(
            unleash.ends_with("check UNLEASH_API_TOKEN: it must be an Admin API token (Admin settings > API access)"),
            "{unleash}"
        );
        assert!(!unleash.contains("organisation"), "{unleash}");
        assert!(message("FLAGSMITH_API_KEY").contains("organisation Admin API key"));
    }
}
