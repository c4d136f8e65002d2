//! `Reference`: one place in the code that reads a feature flag, the scanner's output.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A flag read found in the code. `key` is `None` when the key could not be resolved
/// statically; `dynamic` then says what the code had there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reference {
    /// Path relative to the scan root, `/`-separated on every platform.
    pub file: String,
    /// 1-based line of the key (or of the call when the key is implied).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub key: Option<String>,
    pub dynamic: Option<Dynamic>,
    /// The SDK or wrapper that matched: "flagsmith", "custom", ...
    pub sdk: String,
    pub kind: RefKind,
    /// How the code spells the service's key when it differs (`camel`: LaunchDarkly's React
    /// SDK reads `my-flag_v2` as `myFlagV2`); the rules transform service keys to match.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub case: Option<String>,
    /// Length of the key expression in characters, for underlining; not part of the JSON.
    #[serde(skip)]
    pub span: usize,
    /// The call shape that matched, for people: `flagsmith.hasFeature(...)`.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub shape: String,
    /// The app's flag helpers the read goes through, outermost first:
    /// `["Utils.getFlagsmithHasFeature"]`; empty for a direct SDK read.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub via: Vec<String>,
}

/// Lists of references with every field, `span` included, for the scan cache (the JSON
/// output leaves `span` out): `#[serde(with = "crate::reference::every_field")]`.
pub mod every_field {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Dynamic, RefKind, Reference};

    #[derive(Serialize, Deserialize)]
    struct Full {
        file: String,
        line: usize,
        column: usize,
        key: Option<String>,
        dynamic: Option<Dynamic>,
        sdk: String,
        kind: RefKind,
        case: Option<String>,
        span: usize,
        shape: String,
        via: Vec<String>,
    }

    pub fn serialize<S: Serializer>(references: &[Reference], to: S) -> Result<S::Ok, S::Error> {
        let full: Vec<Full> = references
            .iter()
            .map(|r| Full {
                file: r.file.clone(),
                line: r.line,
                column: r.column,
                key: r.key.clone(),
                dynamic: r.dynamic.clone(),
                sdk: r.sdk.clone(),
                kind: r.kind,
                case: r.case.clone(),
                span: r.span,
                shape: r.shape.clone(),
                via: r.via.clone(),
            })
            .collect();
        full.serialize(to)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Vec<Reference>, D::Error> {
        let full = Vec::<Full>::deserialize(from)?;
        Ok(full
            .into_iter()
            .map(|f| Reference {
                file: f.file,
                line: f.line,
                column: f.column,
                key: f.key,
                dynamic: f.dynamic,
                sdk: f.sdk,
                kind: f.kind,
                case: f.case,
                span: f.span,
                shape: f.shape,
                via: f.via,
            })
            .collect())
    }
}

/// An unresolved key: the expression as written, and its known literal prefix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dynamic {
    pub expression: String,
    pub prefix: Option<String>,
}

/// How the code reads the flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefKind {
    /// A function or method call taking the key: `flagsmith.hasFeature("x")`.
    Call,
    /// A hook taking the key: `useFlags(["x"])`.
    Hook,
    /// A property read: `flags.x.enabled`.
    Member,
    /// A JSX prop: `<Feature name="x">`.
    Jsx,
    /// A default value declared for the flag: `init({ defaultFlags: { x: ... } })`.
    Default,
    /// A flag declared in code: `flag({ key: "x", decide })` (Vercel flags).
    Declaration,
}

impl RefKind {
    pub fn from_name(name: &str) -> Option<RefKind> {
        Some(match name {
            "call" => RefKind::Call,
            "hook" => RefKind::Hook,
            "member" => RefKind::Member,
            "jsx" => RefKind::Jsx,
            "default" => RefKind::Default,
            "declaration" => RefKind::Declaration,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Call => "call",
            RefKind::Hook => "hook",
            RefKind::Member => "member",
            RefKind::Jsx => "jsx",
            RefKind::Default => "default",
            RefKind::Declaration => "declaration",
        }
    }
}

impl fmt::Display for RefKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
