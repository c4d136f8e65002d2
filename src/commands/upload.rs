//! `--upload` (of `check` and `refs`): send the references to Flagsmith's code references,
//! so its feature lifecycle view (new, live, stale, permanent, needs monitoring, to remove)
//! is computed from them.

use anyhow::{Context, Result};
use clap::Args;

use super::ScanContext;
use crate::provider::flagsmith::{CodeReference, CodeReferenceScan, Flagsmith};
use crate::reporters::plural;
use crate::scan::ScanResult;
use crate::source::{self, SourcePlan};

#[derive(Args, Debug, Clone)]
pub struct UploadArgs {
    /// Upload the references to Flagsmith's code references for the project.
    #[arg(long)]
    pub upload: bool,
    /// The repository's URL (default: git's `origin`).
    #[arg(long, value_name = "URL", requires = "upload")]
    pub repository_url: Option<String>,
    /// The revision scanned (default: git's HEAD).
    #[arg(long, value_name = "SHA", requires = "upload")]
    pub revision: Option<String>,
    /// The code host, as Flagsmith names it.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "github",
        requires = "upload"
    )]
    pub vcs_provider: String,
}

/// Sends the keyed references to `POST /projects/{id}/code-references/`.
pub fn upload(
    context: &ScanContext,
    result: &ScanResult,
    args: &UploadArgs,
    quiet: bool,
) -> Result<()> {
    let plan = SourcePlan::from_config(&context.config)?;
    if plan.provider != "flagsmith" {
        anyhow::bail!("--upload sends code references to Flagsmith: set provider = \"flagsmith\" in [service]");
    }
    let root = &context.options.root;
    let prefix = crate::git::prefix(root).unwrap_or_default();
    let repository_url = match &args.repository_url {
        Some(url) => url.clone(),
        None => crate::git::repository_url(root)?,
    };
    let revision = match &args.revision {
        Some(revision) => revision.clone(),
        None => crate::git::head_revision(root)?,
    };
    let code_references: Vec<CodeReference> = result
        .references
        .iter()
        .filter_map(|r| {
            Some(CodeReference {
                feature_name: r.key.clone()?,
                file_path: format!("{prefix}{}", r.file),
                line_number: u32::try_from(r.line).ok()?,
            })
        })
        .collect();
    let count = code_references.len();
    let scan = CodeReferenceScan {
        repository_url,
        vcs_provider: args.vcs_provider.clone(),
        revision,
        code_references,
    };
    let options = source::flagsmith_options(&plan, &context.config);
    Flagsmith::new(options)?
        .upload_code_references(&scan)
        .context("cannot upload code references to Flagsmith")?;
    if !quiet {
        eprintln!(
            "uploaded {} at {} to Flagsmith",
            plural(count, "code reference"),
            scan.revision
        );
    }
    Ok(())
}
