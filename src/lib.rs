//! flaglint finds stale feature flags in JavaScript and TypeScript code.
//!
//! The pipeline, one module per stage:
//! `walk` (files) -> `prefilter` (trigger words) -> `parse` (tree-sitter) -> `matcher`
//! (SDK queries and wrapper patterns) -> `resolve` (keys through consts, enums, imports)
//! -> [`reference::Reference`]. `provider` reads the flag service into [`flag::FlagSet`];
//! `rules` hold the two against each other and produce findings; `report` prints them.
//! `main.rs` only calls [`cli::run`], so tests can drive the CLI in process.

pub mod atomic;
pub mod check;
pub mod cleanup;
pub mod cli;
pub mod config;
pub mod flag;
pub mod git;
pub mod init;
pub mod lang;
pub mod matcher;
pub mod prefilter;
pub mod provider;
pub mod reference;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod scan;
pub mod source;
pub mod walk;
