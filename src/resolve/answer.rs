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
    /// A parameter of an enclosing function, maybe with literal text around it: that
    /// function is a flag helper, and its call sites hold the keys.
    Param(ParamKey),
}

/// Which parameter of which function a key comes from, and how it becomes the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamKey {
    /// The function's byte range, in the module the key expression is in.
    pub function: (usize, usize),
    /// The parameter's position.
    pub index: usize,
    /// A property of an object argument (a JSX component's prop): `({ flag }) =>`,
    /// `(props) => props.flag`.
    pub property: Option<String>,
    /// The properties read further from that (`({ feature }) => feature.id`: property
    /// `feature`, member `["id"]`): the call site's key is its argument's `.feature.id`.
    pub member: Vec<String>,
    /// The key when a call leaves the argument out (`(key = "dark_mode") =>`).
    pub default: Option<String>,
    /// Literal text before and after the argument: `` `exp_${key}` ``.
    pub prefix: String,
    pub suffix: String,
}

impl ParamKey {
    /// The key for an argument whose own key is `argument`.
    pub fn apply(&self, argument: Key) -> Key {
        match argument {
            Key::Known(key) => Key::Known(format!("{}{key}{}", self.prefix, self.suffix)),
            Key::Dynamic { prefix } => Key::Dynamic {
                prefix: Some(format!("{}{}", self.prefix, prefix.unwrap_or_default()))
                    .filter(|p| !p.is_empty()),
            },
            Key::List(keys) => Key::List(keys.into_iter().map(|k| self.apply(k)).collect()),
            Key::Param(mut outer) => {
                outer.prefix = format!("{}{}", self.prefix, outer.prefix);
                outer.suffix = format!("{}{}", outer.suffix, self.suffix);
                Key::Param(outer)
            }
        }
    }
}

impl Key {
    /// A list where one key is expected is not a key.
    pub(super) fn single(self) -> Key {
        match self {
            Key::List(_) => Key::Dynamic { prefix: None },
            key => key,
        }
    }

    /// What the key is known to start with, when it is not known whole: a parameter's
    /// literal prefix counts.
    pub fn known_prefix(&self) -> Option<String> {
        match self {
            Key::Dynamic { prefix } => prefix.clone(),
            Key::Param(param) => Some(param.prefix.clone()).filter(|p| !p.is_empty()),
            Key::Known(_) | Key::List(_) => None,
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
