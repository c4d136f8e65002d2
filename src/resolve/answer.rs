//! What resolution answers: the [`Key`] an expression stands for, and the SDK [`Origin`]
//! of a value. Plain data, so the caches that keep answers can hold them.

/// A key as far as it could be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Known(String),
    /// Not statically known; `prefix` is the literal text it is known to start with.
    Dynamic {
        prefix: Option<String>,
    },
    /// An array of keys: `useFlags(FEATURE_FLAGS)` with `const FEATURE_FLAGS = ["a", "b"]`.
    List(Vec<Key>),
}

impl Key {
    /// A list where one key is expected is not a key.
    pub(super) fn single(self) -> Key {
        match self {
            Key::List(_) => Key::Dynamic { prefix: None },
            key => key,
        }
    }
}

/// Where an SDK-derived value came from: the last SDK function or constructor called
/// to make it, and the literal strings of that call's array arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The SDK name a binding holds: `useFlags` for `import { useFlags as useFs }`,
    /// `hasFeature` for `const { hasFeature } = useFlagsmith()`.
    pub name: Option<String>,
    pub called: Option<String>,
    /// For each argument: the strings of an array literal of strings, or None.
    pub listed: Vec<Option<Vec<String>>>,
}
