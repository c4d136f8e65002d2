//! What the providers share beyond the HTTP client: their options' defaults and redacted
//! `Debug`, the client built from those options, finding the configured project and
//! environments, paging guards, and small URL and error-message helpers.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use super::{Detail, ProviderError};

/// Pages of one list before it is treated as runaway pagination.
pub(super) const MAX_PAGES: usize = 5_000;

/// For a provider's options struct, whose fields are `base_url`, a secret (named by
/// `secret`), `project`, `environments`, `retry_base`, `timeout` and `deadline`: `Default` (with the
/// given base URL and project), a `Debug` that shows the secret as `***`, and `client`, which
/// builds the HTTP client and moves the secret into it.
macro_rules! provider_options {
    (
        $options:ident {
            secret: $secret:ident,
            base_url: $base_url:expr,
            project: $project:expr $(,)?
        }
    ) => {
        impl Default for $options {
            fn default() -> Self {
                $options {
                    base_url: ($base_url).to_owned(),
                    $secret: String::new(),
                    project: ($project).to_owned(),
                    environments: Vec::new(),
                    retry_base: std::time::Duration::from_millis(500),
                    timeout: $crate::provider::http::DEFAULT_TIMEOUT,
                    deadline: $crate::provider::http::DEFAULT_DEADLINE,
                }
            }
        }

        impl std::fmt::Debug for $options {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($options))
                    .field("base_url", &self.base_url)
                    .field(stringify!($secret), &"***")
                    .field("project", &self.project)
                    .field("environments", &self.environments)
                    .field("retry_base", &self.retry_base)
                    .field("timeout", &self.timeout)
                    .field("deadline", &self.deadline)
                    .finish()
            }
        }

        impl $options {
            /// Checks `base_url` (https, or http to loopback) and the secret, which moves
            /// out of these options into the client: `Authorization: <scheme> <secret>`.
            fn client(
                &mut self,
                base_url: &str,
                scheme: &'static str,
                credential: &'static str,
            ) -> Result<$crate::provider::http::JsonClient, $crate::provider::ProviderError> {
                $crate::provider::http::JsonClient::new(
                    base_url,
                    $crate::provider::http::Auth {
                        scheme,
                        secret: $crate::provider::http::Secret::new(std::mem::take(
                            &mut self.$secret,
                        )),
                        credential,
                    },
                    $crate::provider::http::HttpOptions {
                        timeout: self.timeout,
                        deadline: Some(self.deadline),
                        retry_base: self.retry_base,
                        ..$crate::provider::http::HttpOptions::default()
                    },
                )
            }
        }
    };
}
pub(super) use provider_options;

/// A project as GrowthBook and Unleash list it.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct ApiProject {
    pub id: String,
    pub name: String,
}

/// What [`find_project`] needs to know of a service's project.
pub(super) trait Project {
    /// Whether `wanted` is this project's id.
    fn has_id(&self, wanted: &str) -> bool;
    fn name(&self) -> &str;
    /// How an error lists it: `Web App (id prj_web)`.
    fn label(&self) -> String;
}

impl Project for ApiProject {
    fn has_id(&self, wanted: &str) -> bool {
        self.id == wanted
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn label(&self) -> String {
        format!("{} (id {})", self.name, self.id)
    }
}

/// The project `wanted` names: the one with that id, else the one with that exact name,
/// else the only one with that name ignoring case; otherwise an error listing the projects.
pub(super) fn find_project<'a, P: Project>(
    projects: &'a [P],
    wanted: &str,
) -> Result<&'a P, ProviderError> {
    projects
        .iter()
        .find(|p| p.has_id(wanted))
        .or_else(|| projects.iter().find(|p| p.name() == wanted))
        .or_else(|| {
            let mut same = projects
                .iter()
                .filter(|p| p.name().eq_ignore_ascii_case(wanted));
            match (same.next(), same.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })
        .ok_or_else(|| ProviderError::UnknownProject {
            wanted: wanted.to_owned(),
            available: projects.iter().map(Project::label).collect(),
        })
}

/// The environments to read, in the service's order (not the config's, so output does not
/// depend on how the list is written): every one in `all` when none are `wanted`, else the
/// wanted ones. An error when there are none, when a wanted one is missing (listing
/// `available()`) or when two share a name. `project` names the project in those errors.
pub(super) fn select_environments(
    project: &str,
    all: Vec<String>,
    available: impl FnOnce(Vec<String>) -> Vec<String>,
    wanted: &[String],
    credential: &'static str,
) -> Result<Vec<String>, ProviderError> {
    if all.is_empty() {
        return Err(ProviderError::NoEnvironments {
            project: project.to_owned(),
            credential,
        });
    }
    let missing: Vec<String> = wanted
        .iter()
        .filter(|w| !all.contains(w))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(ProviderError::UnknownEnvironment {
            project: project.to_owned(),
            missing,
            available: available(all),
        });
    }
    let mut seen = HashSet::new();
    if let Some(dup) = all.iter().find(|e| !seen.insert(e.as_str())) {
        return Err(ProviderError::DuplicateEnvironment {
            project: project.to_owned(),
            name: dup.clone(),
        });
    }
    Ok(all
        .into_iter()
        .filter(|e| wanted.is_empty() || wanted.contains(e))
        .collect())
}

/// Keeps the total that a list's first page gave, and fails when a later page gives
/// another one.
pub(super) fn same_total(
    total: &mut Option<u64>,
    now: Option<u64>,
    endpoint: &str,
) -> Result<(), ProviderError> {
    if let (Some(before), Some(now)) = (*total, now) {
        if before != now {
            return Err(ProviderError::Inconsistent {
                what: format!("{endpoint}: the total went from {before} to {now} between pages"),
            });
        }
    }
    *total = total.or(now);
    Ok(())
}

/// The error for a list that is still going after [`MAX_PAGES`] pages.
pub(super) fn too_many_pages(endpoint: String) -> ProviderError {
    ProviderError::Pagination {
        endpoint,
        reason: format!("more than {MAX_PAGES} pages"),
    }
}

/// The service's root from a configured URL, a trailing API suffix (the first of `suffixes`
/// that matches) removed.
pub(super) fn server_root(url: &str, suffixes: &[&str]) -> String {
    let mut root = url.trim().trim_end_matches('/').to_owned();
    for suffix in suffixes {
        if let Some(stripped) = root.strip_suffix(&format!("/{suffix}")) {
            root = stripped.to_owned();
            break;
        }
    }
    format!("{root}/")
}

/// One path segment, percent-encoded so a key or name cannot change the path.
pub(super) fn seg(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// How a person is shown as an owner: first and last name, else the email; `None` when
/// the service gave neither.
pub(super) fn person_name(
    first: Option<&str>,
    last: Option<&str>,
    email: Option<&str>,
) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        Some(name)
    } else {
        email.filter(|e| !e.is_empty()).map(str::to_owned)
    }
}

/// The error with what the service said (its `detail`) rewritten by `tidy_text`.
pub(super) fn tidy_detail(
    error: ProviderError,
    tidy_text: impl Fn(String) -> String,
) -> ProviderError {
    let tidy = |detail: Detail| Detail(detail.0.map(&tidy_text));
    match error {
        ProviderError::Unauthorized {
            endpoint,
            credential,
            detail,
        } => ProviderError::Unauthorized {
            endpoint,
            credential,
            detail: tidy(detail),
        },
        ProviderError::Forbidden {
            endpoint,
            credential,
            detail,
        } => ProviderError::Forbidden {
            endpoint,
            credential,
            detail: tidy(detail),
        },
        ProviderError::NotFound {
            endpoint,
            credential,
            detail,
        } => ProviderError::NotFound {
            endpoint,
            credential,
            detail: tidy(detail),
        },
        ProviderError::Server {
            endpoint,
            status,
            attempts,
            detail,
        } => ProviderError::Server {
            endpoint,
            status,
            attempts,
            detail: tidy(detail),
        },
        ProviderError::Status {
            endpoint,
            status,
            detail,
        } => ProviderError::Status {
            endpoint,
            status,
            detail: tidy(detail),
        },
        other => other,
    }
}

/// For services whose error bodies are `{"message", ...}` (GrowthBook, LaunchDarkly): the
/// error with the message as its detail instead of the whole object.
pub(super) fn keep_message(error: ProviderError) -> ProviderError {
    tidy_detail(error, |text| match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => match map.get("message") {
            Some(Value::String(message)) => message.clone(),
            _ => text,
        },
        _ => text,
    })
}
