//! `flaglint.toml`: every key optional, unknown keys rejected with a line and column.
//!
//! The raw serde shapes live here; stages turn them into what they run (the walker's
//! globs, the matcher's compiled wrappers) and report their own errors against the
//! spans kept here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub const FILE_NAME: &str = "flaglint.toml";
const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // `source` is the cause, which the error chain prints after this message.
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub scan: ScanConfig,
    pub service: ServiceConfig,
    pub rules: RulesConfig,
    pub wrappers: Vec<WrapperConfig>,
    /// The app's own conditional components, for `fix`.
    pub conditionals: Vec<ConditionalConfig>,
    /// Where the file was read from; relative paths in it are relative to its folder.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanConfig {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub max_file_size: Option<Spanned<String>>,
    /// Read `.d.ts` files too (off: declarations hold no runtime reads).
    pub declarations: bool,
    /// Infer the app's flag helpers from the code (on unless set to false).
    pub infer_helpers: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    pub provider: Option<Spanned<String>>,
    pub url: Option<String>,
    pub project: Option<String>,
    pub environments: Vec<String>,
    pub file: Option<String>,
    pub snapshot: Option<String>,
    pub cache_ttl: Option<Spanned<String>>,
    /// Per request to the service.
    pub timeout: Option<Spanned<String>>,
    /// For the whole read of the service.
    pub deadline: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RulesConfig {
    #[serde(deserialize_with = "days")]
    pub stale_after_days: Option<u32>,
    pub exempt_tags: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Spanned<String>>,
}

/// One `[[wrappers]]` entry: the team's own flag helper, as a snippet of code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrapperConfig {
    pub pattern: Spanned<String>,
    pub case: Option<Spanned<String>>,
    pub key: Option<String>,
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    pub prefix: Option<String>,
    pub sdk: Option<String>,
}

/// A number of days, with an error that says so: serde's own names the Rust type ("u32").
fn days<'de, D>(deserializer: D) -> Result<Option<u32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Days;
    impl serde::de::Visitor<'_> for Days {
        type Value = u32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number of days, like `stale_after_days = 30`")
        }
        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<u32, E> {
            u32::try_from(value)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(value), &self))
        }
        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<u32, E> {
            u32::try_from(value)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
        }
    }
    deserializer.deserialize_u32(Days).map(Some)
}

/// One `[[conditionals]]` entry: a component that renders one prop or another by a
/// condition prop (`<ConditionallyRender condition={on} show={<A/>} elseShow={<B/>}/>`).
/// `fix` infers most from their bodies; one it cannot is declared here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionalConfig {
    /// The component's name as the code writes it.
    pub component: String,
    /// The prop holding the condition.
    pub condition: String,
    /// The prop rendered when the condition holds.
    pub show: String,
    /// The prop rendered when it does not (none: nothing is rendered).
    pub otherwise: Option<String>,
}

impl Config {
    /// `--config FILE` when given, else `flaglint.toml` in `start` or the nearest folder above.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Config, ConfigError> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|err| {
            let offset = err.span().map_or(0, |span| span.start);
            let (line, column) = line_column(text, offset);
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                column,
                message: crate::suggest::unknown_key_message(
                    &err.message().trim().replace('\n', ": "),
                ),
            }
        })?;
        config.source = Some(path.to_owned());
        config.text = text.to_string();
        Ok(config)
    }

    /// An error about a value in this file, pointing at its span.
    pub fn error_at(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_column(&self.text, span.start);
        ConfigError::Invalid {
            path: self
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from(FILE_NAME)),
            line,
            column,
            message,
        }
    }

    /// The folder relative paths in this file are taken from.
    pub fn base_dir(&self) -> Option<&Path> {
        self.source.as_deref().and_then(Path::parent)
    }

    pub fn max_file_size(&self) -> Result<u64, ConfigError> {
        match &self.scan.max_file_size {
            None => Ok(DEFAULT_MAX_FILE_SIZE),
            Some(value) => parse_size(value.get_ref()).ok_or_else(|| {
                self.error_at(
                    value.span(),
                    format!(
                        "invalid max_file_size {:?}: write a number of bytes or a size like \"512KiB\" or \"2MiB\"",
                        value.get_ref()
                    ),
                )
            }),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// "2MiB", "512 KB", "1048576": sizes as people write them in config files.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 0.0).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_toml_names_line_and_column() {
        let err = Config::parse(
            "[scan]\ninclude = [\"src/**\"\n",
            Path::new("flaglint.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("flaglint.toml:3:1: invalid array: expected `]`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_rejected_where_it_stands() {
        let err = Config::parse("[scan]\n\nincludes = []\n", Path::new("f.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("f.toml:3:1:"), "{err}");
        assert!(err.contains("includes"), "{err}");
    }

    #[test]
    fn unknown_key_names_the_closest_key() {
        let err = Config::parse("[service]\nprovder = \"unleash\"\n", Path::new("f.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.toml:2:1: unknown key `provder` (did you mean `provider`?)"),
            "{err}"
        );
    }

    #[test]
    fn a_number_of_days_says_what_it_wants() {
        let err = Config::parse(
            "[rules]\nstale_after_days = \"thirty\"\n",
            Path::new("f.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("f.toml:2:20: "), "{err}");
        assert!(
            err.contains("expected a whole number of days, like `stale_after_days = 30`"),
            "{err}"
        );
        let err = Config::parse("[rules]\nstale_after_days = -3\n", Path::new("f.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("a whole number of days"), "{err}");
        let config =
            Config::parse("[rules]\nstale_after_days = 45\n", Path::new("f.toml")).unwrap();
        assert_eq!(config.rules.stale_after_days, Some(45));
    }

    /// The keys a table of `flaglint.toml` accepts, as the config types declare them: serde
    /// lists them when it rejects an unknown key (`expected one of `a`, `b``).
    fn keys_of(table_header: &str) -> Vec<String> {
        let text = format!("{table_header}\nnot_a_key_of_any_table = 1\n");
        let err = Config::parse(&text, Path::new("f.toml"))
            .unwrap_err()
            .to_string();
        let expected = err
            .split_once("expected")
            .unwrap_or_else(|| panic!("{table_header}: {err}"))
            .1;
        let keys: Vec<String> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect();
        assert!(!keys.is_empty(), "{table_header}: {err}");
        keys
    }

    /// flaglint.example.toml documents every key: it must load, and name each key that the
    /// config types accept (so a key added to a type and not to the example fails here).
    #[test]
    fn example_config_has_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("flaglint.example.toml");
        let config = Config::load(&path).unwrap();
        crate::matcher::wrapper::compile_all(&config).unwrap();
        let text = &config.text;
        let tables = keys_of("");
        assert!(tables.contains(&"wrappers".to_string()), "{tables:?}");
        for table in &tables {
            let header = if table == "wrappers" || table == "conditionals" {
                format!("[[{table}]]")
            } else {
                format!("[{table}]")
            };
            assert!(
                text.lines().any(|l| l.trim() == header),
                "flaglint.example.toml lacks {header}"
            );
            for key in keys_of(&header) {
                assert!(
                    text.lines()
                        .any(|l| l.trim_start().starts_with(&format!("{key} ="))),
                    "flaglint.example.toml lacks {key} in {header}"
                );
            }
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2MiB"), Some(2 * 1024 * 1024));
        assert_eq!(parse_size("512 KB"), Some(512_000));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn bad_size_points_at_value() {
        let config =
            Config::parse("[scan]\nmax_file_size = \"huge\"\n", Path::new("f.toml")).unwrap();
        let err = config.max_file_size().unwrap_err().to_string();
        assert!(err.starts_with("f.toml:2:17:"), "{err}");
    }
}
