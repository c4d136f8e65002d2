//! flaglint finds stale feature flags in JavaScript and TypeScript code.
//!
//! The pipeline, one module per stage, each depending only on the ones below it:
//!
//! ```text
//! cli                      arguments, exit codes
//!  └ commands              one file per subcommand (check, refs, pull, report, init, fix)
//!     ├ fix                reads folded into their code, dead code and declarations removed
//!     ├ cleanup            the cleanup report's model and renderers (`report`)
//!     ├ reporters          the output formats of `check` and `refs`
//!     ├ exemptions         severity overrides, ignore lists, inline comments, baselines
//!     ├ rules              references held against flags -> [`finding::Finding`]s
//!     ├ source, provider   where flags come from -> [`flag::FlagSet`]
//!     └ scan               walk + prefilter, then parse + match in parallel
//!        ├ matcher         SDK queries and wrapper patterns -> [`reference::Reference`]s
//!        │  └ resolve      keys and SDK origins through scopes, imports and exports
//!        └ walk, prefilter, parse
//! ```
//!
//! The boundary types sit at the bottom: [`reference::Reference`] (what the scan finds),
//! [`flag::FlagSet`] (what the service says), [`finding::Finding`] (what the rules
//! report). `main.rs` only calls [`cli::run`], so tests can drive the CLI in process.

pub mod atomic;
pub mod cache;
pub mod cleanup;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exemptions;
pub mod finding;
pub mod fix;
pub mod flag;
pub mod git;
pub mod lines;
pub mod matcher;
pub mod parse;
pub mod paths;
pub mod prefilter;
pub mod provider;
pub mod reference;
pub mod reporters;
pub mod resolve;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suggest;
pub mod walk;
