//! The command line: parse arguments, run a command, map the outcome to an exit code.
//!
//! Exit codes (DESIGN.md): 0 clean, 1 findings at or above `--fail-on`, 2 the tool could
//! not do its job. Errors print as `error: ` and their cause chain.

use std::ffi::OsString;
use std::io;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::commands::{self, check, fix, init, pull, refs, report, EXIT_FAILURE};

#[derive(Parser, Debug)]
#[command(
    name = "flaglint",
    version,
    about = "Finds stale feature flags in JavaScript and TypeScript code"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every feature-flag reference in the code (no flag service needed).
    Refs(refs::RefsArgs),
    /// Check the code's flag references against the flag service.
    Check(check::CheckArgs),
    /// Read the flag service and write the offline snapshot.
    Pull(pull::PullArgs),
    /// Find the flag SDKs a repository uses and write a commented flaglint.toml.
    Init(init::InitArgs),
    /// Write the periodic cleanup report: every flag, its state, age, references and what to do.
    Report(report::ReportArgs),
    /// Remove a dead flag from the code: each read becomes its value, and what that makes dead goes.
    Fix(fix::FixArgs),
}

/// Runs flaglint with these arguments (the program name first) and returns its exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(EXIT_FAILURE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`flaglint refs | head`) is not a failure.
            if err
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Refs(args) => commands::refs::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Pull(args) => commands::pull::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::Fix(args) => commands::fix::run(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// README.md names every command and every option of each, so that none goes
    /// undocumented (as `report`, `init`, `--no-git` and `--upload` once were).
    #[test]
    fn readme_documents_every_command_and_option() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let mut command = Cli::command();
        command.build();
        let mut missing = Vec::new();
        // clap's own `help` needs no section.
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("flaglint {}", sub.get_name());
            if !readme.contains(&format!("### `{name}")) {
                missing.push(format!("a section for `{name}`"));
            }
            for arg in sub.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if matches!(long, "help" | "version") {
                    continue;
                }
                if !readme.contains(&format!("--{long}")) {
                    missing.push(format!("`--{long}` of `{name}`"));
                }
            }
        }
        assert!(missing.is_empty(), "README.md lacks {}", missing.join(", "));
    }
}
