//! Flag helpers inferred from the code, one fixture folder per shape under
//! fixtures/helpers/: across files, helpers of helpers, classes and injected services,
//! components, object namespaces and globals, prefixes and default parameters, functions
//! that hand out an SDK's flag map, workspace packages. Each file marks its expected
//! references with caret comments (tests/support/carets.rs), `via` included, and the
//! traps in the same files (a string-taking function, a local namesake) must not match.

#[path = "support/carets.rs"]
mod carets;

use std::path::Path;

fn check(case: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/helpers")
        .join(case);
    if let Err(failure) = carets::check_folder(&root, None) {
        panic!("{case}: {failure}");
    }
}

#[test]
fn across_files_barrels_and_aliases() {
    check("cross-file");
}

#[test]
fn helpers_of_helpers_curried_and_recursive() {
    check("transitive");
}

#[test]
fn methods_of_an_injected_service() {
    check("class-service");
}

#[test]
fn components_with_a_key_prop() {
    check("components");
}

#[test]
fn object_namespace_and_global() {
    check("namespace");
}

#[test]
fn prefixes_suffixes_and_default_parameters() {
    check("prefix-default");
}

#[test]
fn a_function_that_returns_the_flag_map() {
    check("map-helper");
}

#[test]
fn keys_from_a_workspace_package() {
    check("workspace");
}

#[test]
fn keys_from_a_pnpm_workspace_package() {
    check("workspace-pnpm");
}

/// `getExperimentsClient().getValueAsync("x")`: a factory whose declared return type is an
/// interface a helper class implements, imported from a workspace package by the path of
/// its build output (`lib/`), which its tsconfig.json maps back to `src/`.
#[test]
fn a_factory_returning_a_helper_class_instance() {
    check("factory-client");
}

/// `useFlagCheck()(KEY)` and `const isOn = useFlagCheck(); isOn(KEY)`: the helper is the
/// function a hook returns; the SDK is loaded with `import()` (`.then` and `await`).
#[test]
fn a_function_returned_by_a_hook_over_a_dynamic_import() {
    check("returned-function");
}

/// Flags as objects (`new Feature("id", default)`, read as `feature.id`), helpers taking one
/// whole or as a property of an object parameter, a client React keeps in `useState`, and
/// a context's function of the same name as a test's stand-in.
#[test]
fn keys_that_are_fields_of_flag_objects() {
    check("feature-objects");
}

/// Every folder under fixtures/helpers/ has its test above.
#[test]
fn every_helper_fixture_is_tested() {
    let source = include_str!("helper_fixtures.rs");
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/helpers")).unwrap()
    {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            source.contains(&format!("check(\"{name}\")")),
            "fixtures/helpers/{name} has no test"
        );
    }
}
