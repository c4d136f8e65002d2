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
        let path = shown(&self.snapshot);
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

/// A path as the user would write it: relative to the current folder when inside it.
fn shown(path: &Path) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return path.display().to_string();
    };
    let canonical = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
    [cwd, canonical]
        .iter()
        .find_map(|dir| path.strip_prefix(dir).ok())
        .unwrap_or(path)
        .display()
        .to_string()
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
pub fn read_flags_file(path: &Path) -> Result<FlagSet> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the flags file {}", path.display()))?;
    let mut flags: FlagSet = if path.extension().is_some_and(|e| e == "toml") {
        toml::from_str(&text).map_err(|err| {
            let offset = err.span().map_or(0, |s| s.start);
            let (line, column) = crate::config::line_column(&text, offset);
            anyhow::anyhow!(
                "{}:{line}:{column}: {}",
                path.display(),
                err.message().trim().replace('\n', ": ")
            )
        })?
    } else {
        serde_json::from_str(&text).map_err(|err| {
            anyhow::anyhow!("{}:{}:{}: {err}", path.display(), err.line(), err.column())
        })?
    };
    if flags.provider.is_empty() {
        flags.provider = "file".to_string();
    }
    Ok(flags)
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
