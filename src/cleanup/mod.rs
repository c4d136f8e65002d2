//! The periodic cleanup report (`flaglint report`): its model and its two renderers,
//! Markdown and self-contained HTML.
//!
//! Every flag of the service with owner, created, last change, age, state per environment,
//! references and places, a status and a suggested action, sorted so that the cheapest
//! wins come first; then the keys the code reads that the service does not know.
//!
//! ```text
//! references: a scan of PATH...            flags: the configured source (as `check`)
//!         or: --refs a.json --refs b.json
//!                     \                          /
//!                      rules (the same findings as `check`)
//!                                  |
//!          model::Report (verdict -> status and action, sorted)
//!                                  |
//!             git: blame per place, first-seen date per key (optional)
//!                                  |
//!                      markdown | html (one file, inline SVG charts)
//! ```
//!
//! `--refs` merges `flaglint refs --format json` documents from several repositories that
//! share one flag project, so "unused" means unused by all of them. Paths are prefixed
//! with each document's root (or, when the root is `.`, its file name) to keep them apart.
//! Statuses are Flagsmith's lifecycle names; [`model::Status`] documents the mapping.

pub mod history;
pub mod html;
pub mod markdown;
pub mod model;

pub use model::{Action, Report, Status, Verdict};

/// The line under the title: when, which service and project, where flags and code came from.
pub fn header_line(report: &Report) -> String {
    let mut parts = vec![format!("Generated {}", crate::rules::date(report.now))];
    let project = report
        .project
        .as_deref()
        .map(|p| format!(" project {p:?}"))
        .unwrap_or_default();
    parts.push(format!("{}{project}", report.service));
    if !report.environments.is_empty() {
        parts.push(format!(
            "{}: {}",
            if report.environments.len() == 1 {
                "environment"
            } else {
                "environments"
            },
            report.environments.join(", ")
        ));
    }
    parts.push(format!("flags from {}", report.flag_source));
    parts.push(format!("code: {}", report.code_source));
    parts.push(format!("stale after {} days", report.stale_after_days));
    parts.join(" · ")
}
