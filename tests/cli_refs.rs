//! `flaglint refs` as a user runs it: the built binary on temporary repositories.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;
use std::process::Output;

use cli::{flaglint, repo, repo_text, stderr, stdout};

const USES_FLAG: &[u8] = b"import flagsmith from 'flagsmith';\nflagsmith.hasFeature('seen');\n";

fn keys(output: &Output) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["key"].as_str().unwrap_or("<dynamic>").to_string(),
            )
        })
        .collect()
}

#[test]
fn gitignored_and_node_modules_and_hidden_are_skipped() {
    let dir = repo(&[
        (".gitignore", b"dist/\n*.gen.ts\n"),
        ("src/a.ts", USES_FLAG),
        ("dist/bundle.js", USES_FLAG),
        ("src/b.gen.ts", USES_FLAG),
        ("node_modules/flagsmith/index.js", USES_FLAG),
        ("packages/x/node_modules/y/index.js", USES_FLAG),
        (".cache/a.js", USES_FLAG),
    ]);
    let output = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(keys(&output), vec![("src/a.ts".into(), "seen".into())]);
}

#[test]
fn node_modules_is_skipped_without_a_gitignore() {
    let dir = repo(&[("a.js", USES_FLAG), ("node_modules/m/index.js", USES_FLAG)]);
    let output = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert_eq!(keys(&output), vec![("a.js".into(), "seen".into())]);
}

#[test]
fn include_and_exclude_from_flags_and_config() {
    let dir = repo(&[
        (
            "flaglint.toml",
            b"[scan]\nexclude = [\"**/*.stories.tsx\"]\n",
        ),
        ("src/a.ts", USES_FLAG),
        ("src/a.stories.tsx", USES_FLAG),
        ("scripts/b.js", USES_FLAG),
        ("src/legacy/c.ts", USES_FLAG),
    ]);
    let output = flaglint(
        dir.path(),
        &[
            "refs",
            "--format",
            "json",
            "--include",
            "src/**",
            "--exclude",
            "src/legacy",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(keys(&output), vec![("src/a.ts".into(), "seen".into())]);
}

#[test]
fn declaration_files_are_not_scanned() {
    let dir = repo(&[
        ("types.d.ts", USES_FLAG),
        ("a.mts", USES_FLAG),
        ("b.cjs", USES_FLAG),
    ]);
    let output = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert_eq!(
        keys(&output),
        vec![
            ("a.mts".into(), "seen".into()),
            ("b.cjs".into(), "seen".into())
        ]
    );
}

#[test]
fn large_binary_and_non_utf8_files_are_skipped_with_a_note() {
    let mut large = USES_FLAG.to_vec();
    large.extend(std::iter::repeat_n(b' ', 4096));
    let mut binary = USES_FLAG.to_vec();
    binary.extend([0u8, 1, 2]);
    let mut latin1 = USES_FLAG.to_vec();
    latin1.extend(b"// caf\xe9\n");
    let dir = repo(&[
        ("flaglint.toml", b"[scan]\nmax_file_size = \"2KiB\"\n"),
        ("ok.js", USES_FLAG),
        ("large.js", &large),
        ("binary.js", &binary),
        ("latin1.js", &latin1),
    ]);
    let output = flaglint(dir.path(), &["refs"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("ok.js:2:22"), "{text}");
    assert!(text.contains("note: skipped binary.js: binary"), "{text}");
    assert!(
        text.contains("note: skipped latin1.js: not UTF-8"),
        "{text}"
    );
    assert!(
        text.contains("note: skipped large.js: 4161 bytes, over the 2048-byte limit"),
        "{text}"
    );
}

#[test]
fn syntax_errors_keep_the_valid_parts_and_are_listed() {
    let dir = repo(&[(
        "broken.js",
        b"import flagsmith from 'flagsmith';\nflagsmith.hasFeature('kept');\nconst = ;\n",
    )]);
    let output = flaglint(dir.path(), &["refs"]);
    let text = stdout(&output);
    assert!(text.contains("kept (1 reference)"), "{text}");
    assert!(text.contains("note: broken.js: syntax errors"), "{text}");
}

#[test]
fn missing_path_is_a_clear_error() {
    let dir = repo(&[]);
    let output = flaglint(dir.path(), &["refs", "does-not-exist"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "error: does-not-exist: no such file or directory"
    );
}

#[test]
fn broken_config_names_line_and_column() {
    let dir = repo(&[(
        "flaglint.toml",
        b"[scan]\ninclude = [\"src/**\"\nexclude = 3\n",
    )]);
    let output = flaglint(dir.path(), &["refs"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("flaglint.toml:3:1:"), "{err}");
}

#[test]
fn a_folder_without_js_says_so() {
    let dir = repo(&[
        ("README.md", b"# nothing here\n"),
        ("main.py", b"print(1)\n"),
    ]);
    let output = flaglint(dir.path(), &["refs"]);
    assert!(output.status.success());
    assert!(
        stdout(&output).contains("note: no JavaScript or TypeScript files found"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn output_is_the_same_at_any_thread_count() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk/flagsmith");
    let one = flaglint(&fixture, &["refs", "--format", "json", "--threads", "1"]);
    let eight = flaglint(&fixture, &["refs", "--format", "json", "--threads", "8"]);
    assert!(one.status.success());
    assert_eq!(stdout(&one), stdout(&eight));
}

#[test]
fn json_output() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk/flagsmith");
    let output = flaglint(&fixture, &["refs", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn text_output() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk/flagsmith");
    let output = flaglint(&fixture, &["refs"]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn output_file_is_written() {
    let dir = repo(&[("a.js", USES_FLAG)]);
    let output = flaglint(dir.path(), &["refs", "--format", "json", "-o", "refs.json"]);
    assert!(output.status.success());
    let written = std::fs::read_to_string(dir.path().join("refs.json")).unwrap();
    assert!(written.contains("\"seen\""), "{written}");
}

#[test]
fn no_progress_or_noise_on_stderr_when_not_a_terminal() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk/flagsmith");
    let output = flaglint(&fixture, &["refs"]);
    assert!(output.status.success());
    assert_eq!(stderr(&output), "");
}

/// The SDK is imported only in lib/, outside the scanned folder: the package.json above
/// the folder is what says the SDK is in use.
const SDK_OUTSIDE_THE_SCAN: &[(&str, &[u8])] = &[
    (
        "lib/flags.ts",
        b"import flagsmith from 'flagsmith';\nexport default flagsmith;\n",
    ),
    (
        "app/page.ts",
        b"import flagsmith from '../lib/flags';\nflagsmith.hasFeature('from_app');\n",
    ),
];

#[test]
fn sdk_imported_outside_a_scanned_folder_is_known_from_package_json_above() {
    let mut files = SDK_OUTSIDE_THE_SCAN.to_vec();
    files.push((
        "package.json",
        b"{ \"dependencies\": { \"flagsmith\": \"^10.0.0\" } }\n",
    ));
    let dir = repo(&files);
    let output = flaglint(dir.path(), &["refs", "app", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        keys(&output),
        vec![("app/page.ts".into(), "from_app".into())]
    );

    // Excluded from the walk, the module that imports the SDK is still followed.
    let output = flaglint(
        dir.path(),
        &["refs", "--exclude", "lib", "--format", "json"],
    );
    assert_eq!(
        keys(&output),
        vec![("app/page.ts".into(), "from_app".into())]
    );
}

#[test]
fn sdk_no_file_or_manifest_names_is_not_looked_for() {
    // No scanned file and no package.json names the SDK, so its queries are left out:
    // the price of not compiling every SDK's queries on every run. Real projects
    // declare their SDK in a package.json.
    let dir = repo(SDK_OUTSIDE_THE_SCAN);
    let output = flaglint(dir.path(), &["refs", "app", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(keys(&output).is_empty(), "{}", stdout(&output));
    // Scanning the whole tree sees lib/ import it.
    let output = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert_eq!(
        keys(&output),
        vec![("app/page.ts".into(), "from_app".into())]
    );
}

#[test]
fn stats_say_what_was_read_and_where_the_time_went() {
    let dir = repo(&[
        ("src/a.ts", USES_FLAG),
        ("src/plain.ts", b"export const x = 1;\n"),
    ]);
    let output = flaglint(dir.path(), &["refs", "--stats", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("stats: ")).collect();
    assert_eq!(lines.len(), 6, "{err}");
    assert!(lines[0].contains("2 files, 0.0 MB"), "{}", lines[0]);
    assert!(
        lines[1].contains("SDKs in use: flagsmith; 1 files"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("typescript "), "{}", lines[2]);
    assert!(
        lines[3].contains("1 files and 0 imported modules"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].contains("cache: 0 of 2 files and 0 of 1 parsed files answered from the cache"),
        "{}",
        lines[4]
    );
    assert!(
        lines[5].contains("flag helpers: 0 inferred"),
        "{}",
        lines[5]
    );
    // The output itself is unchanged.
    assert_eq!(keys(&output), vec![("src/a.ts".into(), "seen".into())]);
    let plain = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert!(!stderr(&plain).contains("stats:"));
}

/// r12: PostHog's HTML snippet installs `posthog` as a global; an app that never imports
/// the SDK still calls it. With no snippet, no import and no package.json, the same
/// names are nobody's client.
#[test]
fn r12_script_tag_globals_are_clients() {
    const APP: &str = "export function show() {\n  return posthog.isFeatureEnabled('snippet-bare') && window.posthog.getFeatureFlag('snippet-window');\n}\n";
    const SNIPPET: &str = "<html><head><script>\n!function(t,e){/* posthog-js loader */}(document,window.posthog||[]);\nposthog.init('phc_key', { api_host: 'https://us.i.posthog.com' });\n</script></head></html>\n";
    let with_snippet = repo(&[
        ("src/app.js", APP.as_bytes()),
        ("public/index.html", SNIPPET.as_bytes()),
    ]);
    let output = flaglint(with_snippet.path(), &["refs", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        keys(&output),
        vec![
            ("src/app.js".into(), "snippet-bare".into()),
            ("src/app.js".into(), "snippet-window".into())
        ]
    );
    let without = repo(&[("src/app.js", APP.as_bytes())]);
    let output = flaglint(without.path(), &["refs", "--format", "json"]);
    assert!(keys(&output).is_empty(), "{}", stdout(&output));
}

/// r12: `--stats` lists the helpers inference found, where each is defined, how often it
/// is called and through which helpers it reads.
#[test]
fn r12_stats_list_the_inferred_helpers() {
    let dir = repo(&[
        ("package.json", br#"{"dependencies": {"flagsmith": "*"}}"#),
        (
            "src/flags.ts",
            b"import flagsmith from 'flagsmith';\nexport const isOn = (key: string) => flagsmith.hasFeature(key);\nexport const isBeta = (key: string) => isOn(`beta_${key}`);\n",
        ),
        (
            "src/app.ts",
            b"import { isOn, isBeta } from './flags';\nisOn('a');\nisOn('b');\nisBeta('c');\n",
        ),
    ]);
    let output = flaglint(dir.path(), &["refs", "--stats", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("stats: flag helpers: 2 inferred"), "{err}");
    assert!(
        err.contains("stats:   isOn (src/flags.ts:2), 3 calls\n"),
        "{err}"
    );
    assert!(
        err.contains("stats:   isBeta (src/flags.ts:3), 1 call, through isOn\n"),
        "{err}"
    );
    assert_eq!(
        keys(&output),
        vec![
            ("src/app.ts".into(), "a".into()),
            ("src/app.ts".into(), "b".into()),
            ("src/app.ts".into(), "beta_c".into())
        ]
    );
}

/// r12: `init` writes the helpers it infers as commented `[[wrappers]]` entries, each with
/// the place that defines it; uncommented, they make a valid config that finds the same
/// references with inference off.
#[test]
fn r12_init_writes_inferred_helpers_as_commented_wrappers() {
    let dir = repo(&[
        ("package.json", br#"{"dependencies": {"flagsmith": "*"}}"#),
        (
            "src/flags.ts",
            b"import flagsmith from 'flagsmith';\nexport const isOn = (key: string) => flagsmith.hasFeature(key);\nexport const Utils = { getFlag(store: unknown, key: string) { return flagsmith.getValue(key); } };\n",
        ),
        (
            "src/app.ts",
            b"import { isOn, Utils } from './flags';\nisOn('a');\nUtils.getFlag(null, 'b');\n",
        ),
    ]);
    let output = flaglint(dir.path(), &["init"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let config = std::fs::read_to_string(dir.path().join("flaglint.toml")).unwrap();
    assert!(
        config.contains(
            "# [[wrappers]]   # isOn (src/flags.ts:2, 1 call)\n# pattern = \"isOn($KEY)\"\n"
        ),
        "{config}"
    );
    assert!(
        config.contains("# [[wrappers]]   # Utils.getFlag (src/flags.ts:3, 1 call)\n# pattern = \"$_.getFlag($_, $KEY)\"\n"),
        "{config}"
    );
    // Pinned, with inference off: the same references.
    let pinned = config
        .replace("# [[wrappers]]", "[[wrappers]]")
        .replace("# pattern =", "pattern =")
        .replace("[scan]\n", "[scan]\ninfer_helpers = false\n");
    std::fs::write(dir.path().join("flaglint.toml"), pinned).unwrap();
    let output = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        keys(&output),
        vec![
            ("src/app.ts".into(), "a".into()),
            ("src/app.ts".into(), "b".into()),
            ("src/flags.ts".into(), "<dynamic>".into()),
            ("src/flags.ts".into(), "<dynamic>".into())
        ]
    );
}

/// r12: with `useCamelCaseFlagKeys: false` anywhere in the code, LaunchDarkly's React SDK
/// hands out the service's keys as they are: reads are not taken as camelCased.
#[test]
fn r12_camel_case_off_keeps_the_service_keys() {
    const READ: &[u8] = b"import { useFlags } from 'launchdarkly-react-client-sdk';\nexport function Page() {\n  const { my_flag } = useFlags();\n  return my_flag;\n}\n";
    const PROVIDER: &[u8] = b"import { withLDProvider } from 'launchdarkly-react-client-sdk';\nexport default withLDProvider({\n  clientSideID: 'id',\n  reactOptions: {\n    useCamelCaseFlagKeys:   false,\n  },\n})(() => null);\n";
    let cases = |output: &Output| -> Vec<Option<String>> {
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["references"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["case"].as_str().map(String::from))
            .collect()
    };
    let camel = repo(&[("src/Page.tsx", READ)]);
    let output = flaglint(camel.path(), &["refs", "--format", "json"]);
    assert_eq!(
        cases(&output),
        vec![Some("camel".to_string())],
        "{}",
        stdout(&output)
    );
    let original = repo(&[("src/Page.tsx", READ), ("src/index.tsx", PROVIDER)]);
    let output = flaglint(original.path(), &["refs", "--format", "json"]);
    assert_eq!(cases(&output), vec![None], "{}", stdout(&output));
}
/// Issue 14, item 10: `--stats` names the SDKs that are imported or depended on, and each
/// wrapper once by name.
#[test]
fn r14_stats_list_real_sdks_and_each_wrapper_once() {
    let dir = cli::repo_text(&[
        (
            "package.json",
            r#"{"name": "app", "files": ["flags"], "dependencies": {"flagsmith": "^9"}}"#,
        ),
        (
            "flaglint.toml",
            "[[wrappers]]\npattern = \"isFeatureEnabled($KEY)\"\n[[wrappers]]\npattern = \"$_.isFeatureEnabled($KEY)\"\n[[wrappers]]\npattern = \"Utils.getFlagsmithHasFeature($KEY)\"\n",
        ),
        (
            "src/chart.ts",
            "export const options = { dataKey: 'flags' };\nexport const on = isFeatureEnabled('a');\n",
        ),
    ]);
    let output = cli::flaglint(dir.path(), &["refs", "--stats"]);
    assert!(output.status.success(), "{}", cli::stderr(&output));
    let err = cli::stderr(&output);
    assert!(
        err.contains(
            "stats: SDKs in use: flagsmith; wrappers: isFeatureEnabled, getFlagsmithHasFeature;"
        ),
        "{err}"
    );
}

/// Issue 14, item 11: a bare `&` in JSX text is valid JSX that the tree-sitter grammars
/// reject; the note says so instead of calling the file broken.
#[test]
fn r14_a_bare_ampersand_in_jsx_text_is_no_syntax_error() {
    let dir = repo(&[
        (
            "Nav.js",
            b"import flagsmith from 'flagsmith';\nexport const Nav = () => (\n  <a>Sand & Gravel</a>\n);\nflagsmith.hasFeature('kept');\n",
        ),
        (
            "Save.tsx",
            b"import flagsmith from 'flagsmith';\nexport const Save = () => <b>Save & Continue</b>;\nflagsmith.hasFeature('also_kept');\n",
        ),
    ]);
    let output = flaglint(dir.path(), &["refs"]);
    let text = stdout(&output);
    assert!(
        text.contains("kept (1 reference)") && text.contains("also_kept (1 reference)"),
        "{text}"
    );
    assert!(!text.contains("syntax errors"), "{text}");
    assert!(
        text.contains("note: Nav.js:3: a bare `&` in JSX text, valid JSX that the tree-sitter grammar rejects"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&flaglint(dir.path(), &["refs", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json["summary"]["syntax_errors"], serde_json::json!([]));
    assert_eq!(
        json["summary"]["grammar_limits"],
        serde_json::json!([{"file": "Nav.js", "line": 3}, {"file": "Save.tsx", "line": 2}])
    );
}

/// r13: which SDKs a file can reach is decided by its package. A package that depends on
/// no SDK (a folder of vendored bundles) is not parsed for another package's SDK; a package
/// that depends on a workspace package which creates the client reads through it; a
/// package that imports an SDK it does not declare (hoisted) still reaches it.
#[test]
fn r13_sdks_are_scoped_package_by_package() {
    let dir = repo_text(&[
        ("package.json", r#"{"private": true, "workspaces": ["packages/*"]}"#),
        (
            "packages/flags/package.json",
            r#"{"name": "@acme/flags", "main": "src/index.ts", "dependencies": {"flagsmith": "*"}}"#,
        ),
        (
            "packages/flags/src/index.ts",
            "import flagsmith from 'flagsmith';\nexport const client = flagsmith;\n",
        ),
        (
            "packages/web/package.json",
            r#"{"name": "web", "dependencies": {"@acme/flags": "workspace:*"}}"#,
        ),
        (
            "packages/web/src/page.ts",
            "import { client } from '@acme/flags';\nexport const on = client.hasFeature('through_workspace');\n",
        ),
        ("packages/hoisted/package.json", r#"{"name": "hoisted"}"#),
        (
            "packages/hoisted/src/a.ts",
            "import flagsmith from 'flagsmith';\nexport const on = flagsmith.hasFeature('hoisted');\n",
        ),
        ("packages/bundles/package.json", r#"{"name": "bundles"}"#),
        (
            "packages/bundles/react-dom.js",
            "function getValue(node) { return node.value }\nexport const v = getValue(input);\n",
        ),
    ]);
    let output = flaglint(dir.path(), &["refs", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        keys(&output),
        vec![
            ("packages/hoisted/src/a.ts".into(), "hoisted".into()),
            (
                "packages/web/src/page.ts".into(),
                "through_workspace".into()
            ),
        ]
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // The bundle holds a trigger word of Flagsmith, whose package it cannot reach.
    assert_eq!(json["summary"]["files_parsed"], 2, "{json}");
}
