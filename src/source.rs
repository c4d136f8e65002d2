//! Where the flags come from: a hand-written flags file, a `flaglint pull` snapshot, or
//! the flag service itself (through a `provider`).
//!
//! The snapshot is a `FlagSet` as JSON (see README "Snapshot format"). `check` reads it
//! instead of the service while it is younger than `cache_ttl`, and `--offline` reads
//! nothing else: that is what lets a pre-commit hook answer without the network.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use jiff::{SignedDuration, Timestamp};
use toml::Spanned;

use crate::config::Config;
use crate::finding::FlagOrigin;
use crate::flag::FlagSet;
use crate::provider::flagsmith::{self, Flagsmith, FlagsmithOptions};
use crate::provider::http::{DEFAULT_DEADLINE, DEFAULT_TIMEOUT};
use crate::provider::FlagSource;

pub const DEFAULT_SNAPSHOT: &str = ".flaglint/snapshot.json";

/// The `[service] provider` values flaglint knows.
pub const PROVIDERS: &[&str] = &["flagsmith", "unleash", "launchdarkly", "growthbook", "file"];
const DEFAULT_CACHE_TTL: SignedDuration = SignedDuration::from_hours(1);

/// The configured source, resolved against the config file's folder.
#[derive(Debug, Clone)]
pub struct SourcePlan {
    pub provider: String,
    /// `provider = "file"`: the flags file.
    pub file: Option<PathBuf>,
    pub snapshot: PathBuf,
    pub cache_ttl: SignedDuration,
    /// Environments to check, by name; empty: all.
    pub environments: Vec<String>,
    /// `[service] timeout`: one request.
    pub timeout: Duration,
    /// `[service] deadline`: the whole read.
    pub deadline: Duration,
    /// Print what the read cost and which way it went (`--stats`).
    pub stats: bool,
}

impl SourcePlan {
    pub fn from_config(config: &Config) -> Result<SourcePlan> {
        let base = config.base_dir().unwrap_or(Path::new("."));
        let service = &config.service;
        let provider = match (&service.provider, &service.file) {
            (Some(p), _) => {
                let name = p.get_ref().as_str();
                if !PROVIDERS.contains(&name) {
                    return Err(config
                        .error_at(
                            p.span(),
                            format!(
                                "unknown provider {name:?}: use one of {}",
                                PROVIDERS.join(", ")
                            ),
                        )
                        .into());
                }
                name.to_string()
            }
            (None, Some(_)) => "file".to_string(),
            (None, None) => bail!(
                "no flag source configured: add a [service] section to flaglint.toml \
                 (provider = \"flagsmith\" with project = \"...\", or file = \"flags.toml\")"
            ),
        };
        let cache_ttl = match &service.cache_ttl {
            None => DEFAULT_CACHE_TTL,
            Some(text) => parse_duration(text.get_ref()).ok_or_else(|| {
                config.error_at(
                    text.span(),
                    format!(
                        "invalid cache_ttl {:?}: write a duration like \"1h\" or \"30m\"",
                        text.get_ref()
                    ),
                )
            })?,
        };
        let timeout = positive_duration(config, "timeout", &service.timeout, DEFAULT_TIMEOUT)?;
        let deadline = positive_duration(config, "deadline", &service.deadline, DEFAULT_DEADLINE)?;
        if provider == "file" && service.file.is_none() {
            bail!("provider = \"file\" needs file = \"flags.toml\" in [service]");
        }
        Ok(SourcePlan {
            provider,
            file: service.file.as_ref().map(|f| base.join(f)),
            snapshot: base.join(service.snapshot.as_deref().unwrap_or(DEFAULT_SNAPSHOT)),
            cache_ttl,
            environments: service.environments.clone(),
            timeout,
            deadline,
            stats: false,
        })
    }

    /// What `--offline` would read instead of the service, for a message about a service
    /// that did not answer.
    pub fn offline_hint(&self, now: Timestamp) -> String {
        let path = crate::paths::relative_to_cwd(&self.snapshot);
        let path = path.display();
        match read_snapshot(&self.snapshot) {
            Ok(flags) => match flags.fetched_at {
                Some(fetched) => format!(
                    "the snapshot {path} is {} (from {}): `--offline` reads it without the service",
                    describe_age(now.duration_since(fetched).max(SignedDuration::ZERO)),
                    fetched.strftime("%Y-%m-%d %H:%M UTC")
                ),
                None => format!(
                    "the snapshot {path} (of unknown age): `--offline` reads it without the service"
                ),
            },
            Err(_) if self.snapshot.exists() => format!(
                "the snapshot {path} is unreadable, so `--offline` cannot help; run `flaglint pull` once the service answers"
            ),
            Err(_) => format!(
                "there is no snapshot yet ({path}), so `--offline` has nothing to read; run `flaglint pull` once the service answers"
            ),
        }
    }

    /// A usable snapshot younger than `cache_ttl`, if there is one.
    pub fn fresh_snapshot(&self, now: Timestamp) -> Option<(FlagSet, FlagOrigin)> {
        let flags = read_snapshot(&self.snapshot).ok()?;
        let fetched = flags.fetched_at?;
        let age = now.duration_since(fetched);
        (age >= SignedDuration::ZERO && age < self.cache_ttl).then(|| {
            let origin = FlagOrigin::Snapshot {
                path: self.snapshot.clone(),
                age: describe_age(age),
            };
            (flags, origin)
        })
    }

    /// Only environments asked for; an asked-for environment the source lacks is an error.
    pub fn select_environments(&self, flags: &mut FlagSet) -> Result<()> {
        if flags.environments.is_empty() {
            let mut names: Vec<String> = flags
                .flags
                .iter()
                .flat_map(|f| f.environments.keys().cloned())
                .collect();
            names.sort();
            names.dedup();
            flags.environments = names;
        }
        if self.environments.is_empty() {
            return Ok(());
        }
        for wanted in &self.environments {
            if !flags.environments.iter().any(|e| e == wanted) {
                bail!(
                    "environment {wanted:?} is not in the flag source (it has: {})",
                    flags.environments.join(", ")
                );
            }
        }
        flags.environments.retain(|e| self.environments.contains(e));
        Ok(())
    }
}

/// The flags for `check` and `report`: a file, a fresh snapshot, or the live service
/// (which refreshes the snapshot for the next offline run).
pub fn load_flags(
    plan: &SourcePlan,
    config: &Config,
    offline: bool,
) -> Result<(FlagSet, FlagOrigin)> {
    let (mut flags, origin) = if plan.provider == "file" {
        let path = plan
            .file
            .clone()
            .context("provider = \"file\" needs [service] file")?;
        (read_flags_file(&path)?, FlagOrigin::File(path))
    } else if offline {
        let flags = read_snapshot(&plan.snapshot)?;
        (
            flags,
            FlagOrigin::Snapshot {
                path: plan.snapshot.clone(),
                age: "offline".into(),
            },
        )
    } else if let Some(fresh) = plan.fresh_snapshot(Timestamp::now()) {
        fresh
    } else {
        let mut flags = read_live(plan, config)?;
        flags.fetched_at.get_or_insert_with(Timestamp::now);
        write_snapshot(&plan.snapshot, &flags)?;
        (flags, FlagOrigin::Live)
    };
    plan.select_environments(&mut flags)?;
    Ok((flags, origin))
}

/// The longest `[service] timeout` or `deadline`: longer is a typo, and far longer would
/// overflow the clock arithmetic of the HTTP client.
const MAX_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// `[service] timeout` and `deadline`: a duration above zero and at most a day, or the default.
fn positive_duration(
    config: &Config,
    key: &str,
    value: &Option<Spanned<String>>,
    default: Duration,
) -> Result<Duration> {
    let Some(text) = value else {
        return Ok(default);
    };
    parse_duration(text.get_ref())
        .filter(|d| !d.is_zero())
        .and_then(|d| Duration::try_from(d).ok())
        .filter(|d| *d <= MAX_WAIT)
        .ok_or_else(|| {
            config
                .error_at(
                    text.span(),
                    format!(
                        "invalid {key} {:?}: write a duration above zero and at most a day, like \"15s\", \"500ms\" or \"2m\"",
                        text.get_ref()
                    ),
                )
                .into()
        })
}

/// Reads the live service for `plan`, credentials from the environment, printing what the
/// read cost under `--stats`. A service that does not answer gets an error that also says
/// what `--offline` would read instead.
pub fn read_live(plan: &SourcePlan, config: &Config) -> Result<FlagSet> {
    let live = live_source(plan, config)?;
    match live.fetch() {
        Ok(flags) => {
            if plan.stats {
                if let Some(stats) = live.stats() {
                    eprint!("{stats}");
                }
            }
            Ok(flags)
        }
        Err(error) if error.is_unavailable() => Err(anyhow!(
            "cannot read flags from {}: {error}; {}",
            live.name(),
            plan.offline_hint(Timestamp::now())
        )),
        Err(error) => {
            Err(anyhow::Error::new(error)
                .context(format!("cannot read flags from {}", live.name())))
        }
    }
}

/// Flagsmith's options from the config and the environment (`FLAGSMITH_API_KEY`,
/// `FLAGLINT_SERVICE_URL`).
pub fn flagsmith_options(plan: &SourcePlan, config: &Config) -> FlagsmithOptions {
    let mut options = FlagsmithOptions {
        api_key: std::env::var(flagsmith::API_KEY_VAR).unwrap_or_default(),
        project: config.service.project.clone().unwrap_or_default(),
        environments: plan.environments.clone(),
        timeout: plan.timeout,
        deadline: plan.deadline,
        ..FlagsmithOptions::default()
    };
    if let Some(url) = service_url(config) {
        options.base_url = url;
    }
    options
}

pub fn service_url(config: &Config) -> Option<String> {
    std::env::var("FLAGLINT_SERVICE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| config.service.url.clone())
}

/// The live service for `plan`, credentials from the environment.
pub fn live_source(plan: &SourcePlan, config: &Config) -> Result<Box<dyn FlagSource>> {
    match plan.provider.as_str() {
        "flagsmith" => {
            let options = flagsmith_options(plan, config);
            Ok(Box::new(Flagsmith::new(options)?))
        }
        "unleash" => {
            use crate::provider::unleash::{Unleash, UnleashOptions, TOKEN_VAR};
            let Some(base_url) = service_url(config) else {
                bail!(
                    "provider = \"unleash\" needs the server's address: set `url` in [service] \
                     of flaglint.toml (https://unleash.example.com) or FLAGLINT_SERVICE_URL"
                );
            };
            Ok(Box::new(Unleash::new(UnleashOptions {
                base_url,
                api_token: std::env::var(TOKEN_VAR).unwrap_or_default(),
                project: config.service.project.clone().unwrap_or_default(),
                environments: plan.environments.clone(),
                timeout: plan.timeout,
                deadline: plan.deadline,
                ..UnleashOptions::default()
            })?))
        }
        "launchdarkly" => {
            use crate::provider::launchdarkly::{LaunchDarkly, LaunchDarklyOptions, TOKEN_VAR};
            let mut options = LaunchDarklyOptions {
                api_token: std::env::var(TOKEN_VAR).unwrap_or_default(),
                project: config.service.project.clone().unwrap_or_default(),
                environments: plan.environments.clone(),
                timeout: plan.timeout,
                deadline: plan.deadline,
                ..LaunchDarklyOptions::default()
            };
            if let Some(url) = service_url(config) {
                options.base_url = url;
            }
            Ok(Box::new(LaunchDarkly::new(options)?))
        }
        "growthbook" => {
            use crate::provider::growthbook::{GrowthBook, GrowthBookOptions, TOKEN_VAR};
            let mut options = GrowthBookOptions {
                api_key: std::env::var(TOKEN_VAR).unwrap_or_default(),
                project: config.service.project.clone().unwrap_or_default(),
                environments: plan.environments.clone(),
                timeout: plan.timeout,
                deadline: plan.deadline,
                ..GrowthBookOptions::default()
            };
            if let Some(url) = service_url(config) {
                options.base_url = url;
            }
            Ok(Box::new(GrowthBook::new(options)?))
        }
        other => bail!("provider {other:?} has no live service to read"),
    }
}

/// A hand-written flags file: TOML (`.toml`) or JSON, in the snapshot's shape.
///
/// As strict as `flaglint.toml`: a mistyped key, an environment table that names no
/// declared environment, or an unknown provider is an error with its line and column,
/// because each would otherwise make findings vanish without a word (`archvied = true`
/// drops the archived-flag finding, `[flags.environments.Stagng]` the stale-flag ones).
/// Snapshots are read the same way: flaglint writes them, so a key it does not know
/// means another version wrote it, and `flaglint pull` writing it again is the fix.
pub fn read_flags_file(path: &Path) -> Result<FlagSet> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the flags file {}", path.display()))?;
    let toml = path.extension().is_some_and(|e| e == "toml");
    let at = |offset: usize, message: String| {
        let (line, column) = crate::config::line_column(&text, offset);
        anyhow::anyhow!("{}:{line}:{column}: {message}", path.display())
    };
    let mut flags: FlagSet = if toml {
        toml::from_str(&text).map_err(|err| {
            let message = err.message().trim().replace('\n', ": ");
            at(
                err.span().map_or(0, |s| s.start),
                crate::suggest::unknown_key_message(&message),
            )
        })?
    } else {
        serde_json::from_str(&text).map_err(|err| {
            let offset = json_error_offset(&text, &err);
            let full = err.to_string();
            let message = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m);
            at(offset, crate::suggest::unknown_key_message(message))
        })?
    };
    let places = Places::of(&text, toml);
    if !flags.provider.is_empty() && !PROVIDERS.contains(&flags.provider.as_str()) {
        return Err(at(
            places.provider.unwrap_or(0),
            format!(
                "unknown provider {:?}{}; use one of {}",
                flags.provider,
                crate::suggest::did_you_mean(&flags.provider, PROVIDERS.iter().copied()),
                PROVIDERS.join(", ")
            ),
        ));
    }
    if !flags.environments.is_empty() {
        let declared = || flags.environments.iter().map(String::as_str);
        for (index, flag) in flags.flags.iter().enumerate() {
            for name in flag.environments.keys() {
                if flags.environments.contains(name) {
                    continue;
                }
                return Err(at(
                    places.environment(index, name).unwrap_or(0),
                    format!(
                        "environment `{name}` of flag `{}` is not declared{}: `environments` lists {}",
                        flag.key,
                        crate::suggest::did_you_mean(name, declared()),
                        flags.environments.join(", ")
                    ),
                ));
            }
        }
    }
    if flags.provider.is_empty() {
        flags.provider = "file".to_string();
    }
    Ok(flags)
}

/// Where a JSON error is: at the start of the key it names (serde_json stops after it).
fn json_error_offset(text: &str, err: &serde_json::Error) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let offset = (line_start + err.column().saturating_sub(1)).min(text.len());
    let key = err
        .to_string()
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(key, _)| format!("\"{key}\""));
    // The column is that of the key's closing quote.
    let end = (offset + 1).min(text.len());
    key.and_then(|key| text.get(..end)?.rfind(&key))
        .unwrap_or(offset)
}

/// Where the provider and each flag's environment tables are written in a flags file, for
/// errors about their names. TOML keeps spans; JSON has none, so there it is the first
/// place the name is written as a key (`"Stagng": {`) or as the provider's value.
struct Places {
    provider: Option<usize>,
    /// Per flag, the environment names with their offsets (TOML only).
    environments: Option<Vec<Vec<(String, usize)>>>,
    json: String,
}

impl Places {
    fn of(text: &str, toml: bool) -> Places {
        #[derive(serde::Deserialize)]
        struct FileSpans {
            provider: Option<toml::Spanned<String>>,
            #[serde(default)]
            flags: Vec<FlagSpans>,
        }
        #[derive(serde::Deserialize)]
        struct FlagSpans {
            #[serde(default)]
            environments: std::collections::BTreeMap<toml::Spanned<String>, serde::de::IgnoredAny>,
        }
        if !toml {
            return Places {
                provider: json_key(text, "provider").and_then(|after| {
                    let value = text[after..].find('"')? + after;
                    text[after..value]
                        .trim_start()
                        .starts_with(':')
                        .then_some(value)
                }),
                environments: None,
                json: text.to_string(),
            };
        }
        let spans: Option<FileSpans> = toml::from_str(text).ok();
        Places {
            provider: spans
                .as_ref()
                .and_then(|s| s.provider.as_ref())
                .map(|p| p.span().start),
            environments: spans.map(|s| {
                s.flags
                    .into_iter()
                    .map(|flag| {
                        flag.environments
                            .into_keys()
                            .map(|name| (name.get_ref().clone(), name.span().start))
                            .collect()
                    })
                    .collect()
            }),
            json: String::new(),
        }
    }

    fn environment(&self, flag: usize, name: &str) -> Option<usize> {
        match &self.environments {
            Some(flags) => flags
                .get(flag)?
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, offset)| *offset),
            None => {
                let quoted = serde_json::to_string(name).ok()?;
                let after = json_key(&self.json, name)?;
                Some(after - quoted.len())
            }
        }
    }
}

/// The offset just past the first `"name"` written as a JSON key (a `:` follows).
fn json_key(text: &str, name: &str) -> Option<usize> {
    let quoted = serde_json::to_string(name).ok()?;
    text.match_indices(&quoted).find_map(|(at, _)| {
        let after = at + quoted.len();
        text[after..].trim_start().starts_with(':').then_some(after)
    })
}

pub fn read_snapshot(path: &Path) -> Result<FlagSet> {
    if !path.is_file() {
        bail!(
            "no snapshot at {}: run `flaglint pull` first (it needs the service once)",
            path.display()
        );
    }
    read_flags_file(path).with_context(|| {
        format!(
            "the snapshot {} is unreadable; run `flaglint pull` again",
            path.display()
        )
    })
}

pub fn write_snapshot(path: &Path, flags: &FlagSet) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(flags)?;
    json.push(b'\n');
    crate::atomic::write(path, &json)
        .with_context(|| format!("cannot write the snapshot {}", path.display()))
}

/// "1h", "30m", "1h 30m", "90s", or ISO 8601.
pub fn parse_duration(text: &str) -> Option<SignedDuration> {
    text.trim()
        .parse::<SignedDuration>()
        .ok()
        .filter(|d| !d.is_negative())
}

fn describe_age(age: SignedDuration) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0 => format!("{}s old", age.as_secs()),
        m if m < 120 => format!("{m} min old"),
        m => format!("{} h old", m / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Some(SignedDuration::from_hours(1)));
        assert_eq!(parse_duration("30m"), Some(SignedDuration::from_mins(30)));
        assert_eq!(parse_duration("soon"), None);
    }

    fn plan(toml: &str) -> Result<SourcePlan> {
        let config = Config::parse(toml, Path::new("flaglint.toml"))?;
        SourcePlan::from_config(&config)
    }

    #[test]
    fn timeout_and_deadline_default_for_ci_and_parse_as_written() {
        let defaults = plan("[service]\nprovider = \"flagsmith\"\n").unwrap();
        assert_eq!(defaults.timeout, Duration::from_secs(15));
        assert_eq!(defaults.deadline, Duration::from_secs(60));
        let set =
            plan("[service]\nprovider = \"flagsmith\"\ntimeout = \"300ms\"\ndeadline = \"2m\"\n")
                .unwrap();
        assert_eq!(set.timeout, Duration::from_millis(300));
        assert_eq!(set.deadline, Duration::from_secs(120));
    }

    #[test]
    fn a_bad_or_zero_timeout_points_at_the_value() {
        let err = plan("[service]\nprovider = \"flagsmith\"\ntimeout = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("flaglint.toml:3:11: invalid timeout \"soon\""),
            "{err}"
        );
        let err = plan("[service]\nprovider = \"flagsmith\"\ndeadline = \"0s\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("flaglint.toml:3:12: invalid deadline \"0s\""),
            "{err}"
        );
        let err = plan("[service]\nprovider = \"flagsmith\"\ndeadline = \"9999999h\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most a day"), "{err}");
        let err = plan("[service]\nprovider = \"flagsmith\"\ntimeouts = \"1s\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("flaglint.toml:3:1:"), "{err}");
    }

    #[test]
    fn the_offline_hint_gives_the_snapshot_age_or_says_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = plan("[service]\nprovider = \"flagsmith\"\n").unwrap();
        plan.snapshot = dir.path().join("snapshot.json");
        let now: Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
        let hint = plan.offline_hint(now);
        assert!(hint.contains("there is no snapshot yet"), "{hint}");
        let flags = FlagSet {
            fetched_at: Some("2026-11-25T09:00:00Z".parse().unwrap()),
            ..FlagSet::default()
        };
        write_snapshot(&plan.snapshot, &flags).unwrap();
        let hint = plan.offline_hint(now);
        assert!(
            hint.contains("is 3 h old (from 2026-11-25 09:00 UTC)"),
            "{hint}"
        );
        assert!(hint.contains("`--offline` reads it"), "{hint}");
    }

    #[test]
    fn toml_flags_file_with_dates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flags.toml");
        std::fs::write(
            &path,
            "project = \"Shop\"\n[[flags]]\nkey = \"a\"\ncreated = \"2026-01-02\"\n[flags.environments.prod]\nenabled = true\nlast_changed = \"2026-08-14\"\n",
        )
        .unwrap();
        let flags = read_flags_file(&path).unwrap();
        assert_eq!(flags.provider, "file");
        assert!(flags.flags[0].environments["prod"].enabled);
    }

    /// The error reading `text` as the flags file `name`.
    fn flags_file_error(name: &str, text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = read_flags_file(&path).unwrap_err();
        format!("{err:#}").replace(&dir.path().display().to_string(), "<dir>")
    }

    const TOML_FLAGS: &str = "provider = \"flagsmith\"\nenvironments = [\"Staging\", \"Production\"]\n\n[[flags]]\nkey = \"old_search\"\n";

    #[test]
    fn unknown_keys_in_a_flags_file_name_the_key_and_the_closest_one() {
        let err = flags_file_error("flags.toml", &format!("{TOML_FLAGS}archvied = true\n"));
        assert!(
            err.starts_with(
                "<dir>/flags.toml:6:1: unknown key `archvied` (did you mean `archived`?)"
            ),
            "{err}"
        );
        let err = flags_file_error(
            "flags.toml",
            &format!("{TOML_FLAGS}[flags.environments.Staging]\nenabeld = true\n"),
        );
        assert!(
            err.starts_with(
                "<dir>/flags.toml:7:1: unknown key `enabeld` (did you mean `enabled`?)"
            ),
            "{err}"
        );
        let err = flags_file_error(
            "flags.json",
            "{\"flags\": [\n  {\"key\": \"old_search\", \"archvied\": true}]}",
        );
        assert!(
            err.starts_with(
                "<dir>/flags.json:2:25: unknown key `archvied` (did you mean `archived`?)"
            ),
            "{err}"
        );
    }

    #[test]
    fn environment_tables_must_name_a_declared_environment() {
        let err = flags_file_error(
            "flags.toml",
            &format!("{TOML_FLAGS}[flags.environments.Stagng]\nenabled = true\n"),
        );
        assert!(
            err.starts_with("<dir>/flags.toml:6:21: environment `Stagng` of flag `old_search` is not declared (did you mean `Staging`?)"),
            "{err}"
        );
        assert!(err.contains("Staging, Production"), "{err}");
        let err = flags_file_error(
            "flags.json",
            "{\"environments\": [\"Staging\"],\n \"flags\": [{\"key\": \"a\",\n  \"environments\": {\"Stagng\": {\"enabled\": true}}}]}",
        );
        assert!(
            err.starts_with("<dir>/flags.json:3:20: environment `Stagng` of flag `a` is not declared (did you mean `Staging`?)"),
            "{err}"
        );
        // Without a declared list, the tables declare the environments.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flags.toml");
        std::fs::write(
            &path,
            "[[flags]]\nkey = \"a\"\n[flags.environments.qa]\nenabled = true\n",
        )
        .unwrap();
        assert_eq!(
            read_flags_file(&path).unwrap().flags[0].environments.len(),
            1
        );
    }

    #[test]
    fn the_provider_of_a_flags_file_must_be_known() {
        let err = flags_file_error("flags.toml", "provider = \"flagsmit\"\n");
        assert!(
            err.starts_with(
                "<dir>/flags.toml:1:12: unknown provider \"flagsmit\" (did you mean `flagsmith`?)"
            ),
            "{err}"
        );
        let err = flags_file_error(
            "flags.json",
            "{\"project\": \"x\",\n \"provider\": \"flagsmit\"}",
        );
        assert!(
            err.starts_with(
                "<dir>/flags.json:2:14: unknown provider \"flagsmit\" (did you mean `flagsmith`?)"
            ),
            "{err}"
        );
    }

    #[test]
    fn broken_flags_file_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flags.toml");
        std::fs::write(&path, "[[flags]]\nkey = \"a\"\ncreated = \"last week\"\n").unwrap();
        let err = read_flags_file(&path).unwrap_err().to_string();
        assert!(err.contains("flags.toml:3:11"), "{err}");
        assert!(err.contains("invalid time"), "{err}");
    }
}
