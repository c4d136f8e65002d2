//! `flaglint init`: find which flag SDKs a repository uses and write a commented
//! flaglint.toml for them.
//!
//! The SDKs come from package.json dependencies (every package.json under the root that
//! the walk visits, so monorepos count) and from import specifiers in the source, matched
//! against the packages each query file lists.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::config::FILE_NAME;
use crate::matcher::helpers::Helper;
use crate::matcher::SdkSpec;
use crate::reference::RefKind;
use crate::resolve::is_package;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The repository root (default: the current folder).
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: std::path::PathBuf,
    /// Replace an existing flaglint.toml.
    #[arg(long)]
    pub force: bool,
}

/// A flag service flaglint reads, as `init` writes it into `[service]`.
struct Service {
    provider: &'static str,
    /// Where the credential comes from; never from the file.
    credential: &'static str,
    url: &'static str,
    /// What `url` is for this service.
    url_note: &'static str,
    project: &'static str,
    project_note: &'static str,
}

/// The service behind an SDK, when flaglint can read it.
fn service_for(sdk: &str) -> Option<Service> {
    use crate::provider::{flagsmith, growthbook, launchdarkly, unleash};
    Some(match sdk {
        "flagsmith" => Service {
            provider: "flagsmith",
            credential: flagsmith::API_KEY_VAR,
            url: flagsmith::DEFAULT_BASE_URL,
            url_note: "the default (Flagsmith SaaS); a self-hosted instance's API instead",
            project: "Web App",
            project_note: "id or name; default: the only project the key sees",
        },
        "unleash" => Service {
            provider: "unleash",
            credential: unleash::TOKEN_VAR,
            url: "https://unleash.example.com/",
            url_note: "required: your Unleash server (or FLAGLINT_SERVICE_URL)",
            project: unleash::DEFAULT_PROJECT,
            project_note: "id or name; the default",
        },
        "launchdarkly" => Service {
            provider: "launchdarkly",
            credential: launchdarkly::TOKEN_VAR,
            url: launchdarkly::DEFAULT_BASE_URL,
            url_note: "the default; another instance's root instead",
            project: launchdarkly::DEFAULT_PROJECT,
            project_note: "the project key; the default",
        },
        "growthbook" => Service {
            provider: "growthbook",
            credential: growthbook::TOKEN_VAR,
            url: growthbook::DEFAULT_BASE_URL,
            url_note: "the default (GrowthBook Cloud); a self-hosted API instead",
            project: "Web App",
            project_note: "id or name; default: every feature of the organisation",
        },
        _ => return None,
    })
}

pub fn run(args: InitArgs) -> Result<ExitCode> {
    if std::fs::symlink_metadata(&args.path).is_err() {
        bail!("{}: no such file or directory", args.path.display());
    }
    if !args.path.is_dir() {
        bail!(
            "{}: not a folder; give the repository's folder",
            args.path.display()
        );
    }
    let target = args.path.join(FILE_NAME);
    if target.exists() && !args.force {
        bail!("{} exists; pass --force to replace it", target.display());
    }
    let found = detect(&args.path)?;
    let mut text = render(&found);
    text.push_str(&helper_wrappers(&inferred_helpers(&args.path)?));
    crate::atomic::write(&target, text.as_bytes())
        .with_context(|| format!("cannot write {}", target.display()))?;
    if found.is_empty() {
        eprintln!(
            "wrote {}: no flag SDK found in package.json or imports; add [[wrappers]] for your own helpers",
            target.display()
        );
    } else {
        let names: Vec<_> = found.keys().cloned().collect();
        eprintln!("wrote {} for {}", target.display(), names.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// The flag helpers a scan of `root` infers, as `init` would have flaglint find them.
fn inferred_helpers(root: &Path) -> Result<Vec<Helper>> {
    let scan = super::ScanArgs {
        paths: vec![root.to_path_buf()],
        include: Vec::new(),
        exclude: Vec::new(),
        stats: false,
        // `init` runs once, before there is anything to cache.
        no_cache: true,
    };
    let common = super::CommonArgs {
        config: None,
        output: None,
        quiet: true,
        color: super::ColorChoice::Never,
        threads: None,
    };
    Ok(super::ScanContext::new(&scan, &common)?.run()?.helpers)
}

/// The inferred helpers as commented `[[wrappers]]` entries, each with the place that
/// defines it: flaglint finds them without the entries, and a team that wants them pinned
/// (or inference off) uncomments them.
fn helper_wrappers(helpers: &[Helper]) -> String {
    if helpers.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n# Flag helpers flaglint found in this code (it infers them on every run; uncomment to\n# pin one, or to keep it with `infer_helpers = false` in [scan]):\n",
    );
    for helper in helpers {
        let place = format!(
            "{}:{}, {}",
            crate::scan::display_path(&helper.path),
            helper.line,
            crate::reporters::plural(helper.calls, "call")
        );
        match wrapper_pattern(helper) {
            Some(pattern) => {
                let _ = writeln!(out, "\n# [[wrappers]]   # {} ({place})", helper.display);
                let _ = writeln!(out, "# pattern = {pattern:?}");
                if !helper.param.prefix.is_empty() {
                    let _ = writeln!(out, "# prefix = {:?}", helper.param.prefix);
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "\n# {} ({place}): its key is not a plain argument, so a [[wrappers]] pattern cannot say it",
                    helper.display
                );
            }
        }
    }
    out
}

/// The `[[wrappers]]` pattern that matches a helper's calls, when one can: `isOn($KEY)`,
/// `$_.getFlag($_, $KEY)`, `<Feature name={$KEY} />`.
fn wrapper_pattern(helper: &Helper) -> Option<String> {
    // A function a call returns (`useFlagCheck()(KEY)`) has no name of its own to match.
    if !helper.param.suffix.is_empty() || helper.param.default.is_some() || helper.returned {
        return None;
    }
    if helper.kind == RefKind::Jsx {
        let prop = helper.param.property.as_deref()?;
        return Some(format!("<{} {prop}={{$KEY}} />", helper.name));
    }
    if helper.param.property.is_some() {
        return None;
    }
    let mut arguments = vec!["$_"; helper.param.index];
    arguments.push("$KEY");
    let receiver = if helper.display.contains('.') {
        "$_."
    } else {
        ""
    };
    Some(format!(
        "{receiver}{}({})",
        helper.name,
        arguments.join(", ")
    ))
}

/// SDK name -> the packages of it that the repository uses.
pub fn detect(root: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let sdks = SdkSpec::builtin();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut note = |specifier: &str| {
        for sdk in &sdks {
            if is_package(specifier, &sdk.packages) {
                let package = sdk
                    .packages
                    .iter()
                    .find(|p| is_package(specifier, std::slice::from_ref(p)))
                    .cloned()
                    .unwrap_or_default();
                let entry = found.entry(sdk.name.clone()).or_default();
                if !entry.contains(&package) {
                    entry.push(package);
                }
            }
        }
    };
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != "node_modules")
        .build();
    for entry in walker {
        let entry = entry.context("cannot walk the repository")?;
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "package.json") {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            for field in ["dependencies", "devDependencies", "peerDependencies"] {
                if let Some(deps) = json[field].as_object() {
                    deps.keys().for_each(|name| note(name));
                }
            }
        } else if crate::parse::Lang::from_path(path).is_some() {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            for specifier in import_specifiers(&text) {
                note(specifier);
            }
        }
    }
    for packages in found.values_mut() {
        packages.sort();
    }
    Ok(found)
}

/// `from 'x'` and `require('x')` specifiers, by text: init needs no parse.
fn import_specifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\'', '"', '`'])
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty() && !s.contains(char::is_whitespace) && !s.starts_with('.'))
}

fn render(found: &BTreeMap<String, Vec<String>>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# flaglint.toml, written by `flaglint init`. Every key is optional."
    );
    if found.is_empty() {
        let _ = writeln!(out, "# No flag SDK was found in package.json or imports.");
    } else {
        let _ = writeln!(
            out,
            "# Flag SDKs found in this repository (their call shapes are built in):"
        );
        for (sdk, packages) in found {
            let _ = writeln!(out, "#   {sdk}: {}", packages.join(", "));
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[scan]\n# include = [\"src/**\"]\n# exclude = [\"**/*.stories.tsx\", \"**/*.test.ts\"]\n# max_file_size = \"2MiB\"\n");
    let mut services = found.keys().filter_map(|sdk| service_for(sdk));
    let _ = writeln!(out, "[service]");
    match services.next() {
        Some(service) => {
            let _ = writeln!(out, "provider = \"{}\"", service.provider);
            let _ = writeln!(
                out,
                "# The credential comes from {}, never from this file:\n# {}.",
                service.credential,
                crate::provider::credential_hint(service.credential)
            );
            let _ = writeln!(out, "# url = \"{}\"   # {}", service.url, service.url_note);
            let _ = writeln!(
                out,
                "# project = \"{}\"   # {}",
                service.project, service.project_note
            );
            for other in services {
                let _ = writeln!(
                    out,
                    "# {} is used here too; flaglint reads one service per flaglint.toml",
                    other.provider
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "# No service flaglint reads was found. Until there is one, a hand-written flags"
            );
            let _ = writeln!(
                out,
                "# file (the snapshot's shape; see the README) can stand in for it:"
            );
            let _ = writeln!(out, "# file = \"flags.toml\"");
        }
    }
    let _ = writeln!(
        out,
        "# environments = [\"Production\"]   # default: all of the project's"
    );
    let _ = writeln!(out, "# cache_ttl = \"1h\"                 # how long `check` trusts the snapshot `flaglint pull` writes\n");
    let _ = writeln!(out, "[rules]\n# stale_after_days = 30\n# exempt_tags = [\"permanent\", \"kill-switch\"]\n# ignore = [\"legacy_*\"]\n# severity = {{ \"unused-flag\" = \"error\" }}\n");
    let _ = writeln!(
        out,
        "# Your own flag helpers: a snippet with $KEY where the key goes, $_ for anything."
    );
    let _ = writeln!(
        out,
        "# [[wrappers]]\n# pattern = \"isFeatureEnabled($KEY)\""
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sdks_from_package_json_and_imports() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"dependencies": {"flagsmith": "^10", "react": "18"}}"#,
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("api")).unwrap();
        std::fs::write(
            dir.path().join("api/server.ts"),
            "import { init } from 'unleash-client';\nimport x from './local';\n",
        )
        .unwrap();
        let found = detect(dir.path()).unwrap();
        assert_eq!(found["flagsmith"], vec!["flagsmith"]);
        assert_eq!(found["unleash"], vec!["unleash-client"]);
        assert_eq!(found.len(), 2);
        let text = render(&found);
        assert!(text.contains("provider = \"flagsmith\""), "{text}");
        assert!(text.contains("#   unleash: unleash-client"), "{text}");
        // What init writes is a valid config.
        crate::config::Config::parse(&text, Path::new("flaglint.toml")).unwrap();
    }

    /// Each service flaglint reads is written with its token variable and its URL.
    #[test]
    fn writes_each_service_with_its_credential_and_url() {
        for (sdk, package, provider, variable, url) in [
            (
                "flagsmith",
                "flagsmith",
                "flagsmith",
                "FLAGSMITH_API_KEY",
                "https://api.flagsmith.com/api/v1/",
            ),
            (
                "unleash",
                "unleash-client",
                "unleash",
                "UNLEASH_API_TOKEN",
                "https://unleash.example.com/",
            ),
            (
                "launchdarkly",
                "launchdarkly-js-client-sdk",
                "launchdarkly",
                "LAUNCHDARKLY_API_TOKEN",
                "https://app.launchdarkly.com",
            ),
            (
                "growthbook",
                "@growthbook/growthbook",
                "growthbook",
                "GROWTHBOOK_API_KEY",
                "https://api.growthbook.io",
            ),
        ] {
            let found = BTreeMap::from([(sdk.to_string(), vec![package.to_string()])]);
            let text = render(&found);
            assert!(
                text.contains(&format!("\nprovider = \"{provider}\"\n")),
                "{text}"
            );
            assert!(text.contains(variable), "{text}");
            assert!(text.contains(&format!("# url = \"{url}\"")), "{text}");
            let config = crate::config::Config::parse(&text, Path::new("flaglint.toml")).unwrap();
            let plan = crate::source::SourcePlan::from_config(&config).unwrap();
            assert_eq!(plan.provider, provider);
        }
    }

    /// An SDK whose service flaglint cannot read gets no flag source that would fail: the
    /// flags file is offered in a comment.
    #[test]
    fn no_readable_service_writes_no_source() {
        let found = BTreeMap::from([("posthog".to_string(), vec!["posthog-js".to_string()])]);
        let text = render(&found);
        assert!(text.contains("# file = \"flags.toml\""), "{text}");
        let config = crate::config::Config::parse(&text, Path::new("flaglint.toml")).unwrap();
        assert!(config.service.file.is_none() && config.service.provider.is_none());
    }
}
