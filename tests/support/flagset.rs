//! What provider tests ask of a fetch: an error that shows no secret, and the flags read.
//!
//! Included with `#[path = "support/flagset.rs"] mod flagset;`.

#![allow(dead_code)]

use flaglint::flag::{EnvState, Flag, FlagSet};
use flaglint::provider::ProviderError;

/// The error of a fetch that must fail; it must not show any of `secrets`.
pub fn expect_error(result: Result<FlagSet, ProviderError>, secrets: &[&str]) -> ProviderError {
    match result {
        Ok(set) => panic!("expected an error, got {} flags", set.flags.len()),
        Err(error) => {
            assert_hides(&error, secrets);
            error
        }
    }
}

/// Neither the message nor the debug form of `error` holds any of `secrets`.
pub fn assert_hides(error: &ProviderError, secrets: &[&str]) {
    for text in [error.to_string(), format!("{error:?}")] {
        for secret in secrets.iter().filter(|s| !s.trim().is_empty()) {
            assert!(!text.contains(secret), "a secret leaked into {text:?}");
        }
    }
}

pub fn flag<'a>(set: &'a FlagSet, key: &str) -> &'a Flag {
    set.flags
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no flag {key}"))
}

pub fn state<'a>(set: &'a FlagSet, key: &str, env: &str) -> &'a EnvState {
    flag(set, key)
        .environments
        .get(env)
        .unwrap_or_else(|| panic!("{key} has no state in {env}"))
}
