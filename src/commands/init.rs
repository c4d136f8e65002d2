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
use crate::matcher::SdkSpec;
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

/// The flag service each SDK's own service is, when flaglint can read it.
fn provider_for(sdk: &str) -> Option<&'static str> {
    match sdk {
        "flagsmith" => Some("flagsmith"),
        _ => None,
    }
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
    let text = render(&found);
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
    let provider = found.keys().find_map(|sdk| provider_for(sdk));
    let _ = writeln!(out, "[service]");
    match provider {
        Some(provider) => {
            let _ = writeln!(out, "provider = \"{provider}\"");
            let _ = writeln!(out, "project = \"My project\"           # id or name; the API key comes from FLAGSMITH_API_KEY");
            let _ = writeln!(
                out,
                "# url = \"https://flagsmith.example.com/api/v1/\"   # a self-hosted instance"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "# No service flaglint reads was found; a hand-written flags file works offline:"
            );
            let _ = writeln!(out, "file = \"flags.toml\"");
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
}
