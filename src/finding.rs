//! `Finding`: one problem the rules found, the boundary type between the rules and the
//! reporters, with the small types it is made of (`Severity`, `Location`) and the facts
//! every report states about the run (`FlagOrigin`, `Suppressed`).

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize, Serializer};

use crate::reference::Reference;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Some(match text {
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in the code, relative to the scan root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn of(reference: &Reference) -> Location {
        Location {
            file: reference.file.clone(),
            line: reference.line,
            column: reference.column,
        }
    }
}

/// One problem: what is wrong in one line, and what to do in another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub flag: Option<String>,
    /// None for a finding about the service alone (an unused flag).
    pub location: Option<Location>,
    /// The key's text in the code, for underlining in a code frame.
    #[serde(skip)]
    pub span_len: usize,
    pub message: String,
    pub help: String,
}

impl Finding {
    /// The order every reporter prints: rule, flag, path, line (ruff's ordering, stable
    /// at any thread count).
    pub fn sort_key(&self) -> (&str, Option<&str>, Option<&Location>) {
        (self.rule, self.flag.as_deref(), self.location.as_ref())
    }
}

/// Where the flags of a run came from. Paths are as the user would write them (relative
/// to the working directory when inside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagOrigin {
    /// The flag service, asked during this run.
    Live,
    /// A hand-written flags file (`provider = "file"`).
    File(PathBuf),
    /// The snapshot `flaglint pull` wrote; `age` says how old it is, or "offline".
    Snapshot { path: PathBuf, age: String },
}

impl FlagOrigin {
    /// The flags file, when the flags come from one: findings with no place in the code
    /// can point at a flag's definition there.
    pub fn flags_file(&self) -> Option<&PathBuf> {
        match self {
            FlagOrigin::File(path) => Some(path),
            _ => None,
        }
    }

    /// The short form `check` prints in its summary and JSON: "live", "file flags.toml",
    /// "snapshot .flaglint/snapshot.json, 3 min old".
    pub fn summary(&self) -> String {
        match self {
            FlagOrigin::Live => "live".to_string(),
            FlagOrigin::File(path) => format!("file {}", path.display()),
            FlagOrigin::Snapshot { path, age } => format!("snapshot {}, {age}", path.display()),
        }
    }
}

/// For people, as the cleanup report's header says it: "the live service",
/// "file flags.toml", "snapshot .flaglint/snapshot.json (3 min old)".
impl fmt::Display for FlagOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagOrigin::Live => f.write_str("the live service"),
            FlagOrigin::File(path) => write!(f, "file {}", path.display()),
            FlagOrigin::Snapshot { path, age } => {
                write!(f, "snapshot {} ({age})", path.display())
            }
        }
    }
}

/// JSON keeps the short form (README documents `"source": "file demo/flags.toml"`).
impl Serialize for FlagOrigin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.summary())
    }
}

/// How many findings each exemption removed, for the summary.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Suppressed {
    pub ignored_flags: usize,
    pub inline: usize,
    pub baseline: usize,
    pub disabled_rules: usize,
}
