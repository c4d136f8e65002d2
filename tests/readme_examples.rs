//! README.md's examples of `check` and `refs` are the demo's real output, so they cannot
//! drift from what flaglint prints: each block between `<!-- example: NAME -->` and
//! `<!-- example: end -->` is made here from a run of the built binary on `demo/`, from the
//! repository's root, as the README's set-up runs it. A block that differs fails the test;
//! `FLAGLINT_BLESS=1 cargo test --test readme_examples` writes them.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;

use serde_json::Value;

const NOW: &str = "2026-11-25";

/// `flaglint ARGS` from the repository's root; its standard output.
fn run(args: &[&str]) -> String {
    let output = cli::flaglint(Path::new(env!("CARGO_MANIFEST_DIR")), args);
    assert!(
        output.status.code().is_some_and(|c| c < 2),
        "flaglint {args:?}: {}",
        cli::stderr(&output)
    );
    cli::stdout(&output)
}

/// The command, then what it printed in a fenced block: in a text block as a terminal
/// shows it, above a JSON block so that the block stays JSON.
fn fenced(language: &str, command: &[&str], body: &str) -> String {
    let command = format!("flaglint {}", command.join(" "));
    match language {
        "text" => format!("```text\n$ {command}\n{body}```\n"),
        _ => format!("`{command}`:\n\n```{language}\n{body}```\n"),
    }
}

/// The blocks of `check`'s text output (a finding and its frame, or the summary) that
/// start with one of `headers`, in the output's order; the first block of each header.
fn text_blocks(output: &str, headers: &[&str]) -> String {
    let blocks: Vec<&str> = output.split("\n\n").collect();
    let mut chosen = Vec::new();
    for header in headers {
        let block = blocks
            .iter()
            .position(|b| b.starts_with(header))
            .unwrap_or_else(|| panic!("no block starting {header:?} in\n{output}"));
        chosen.push(block);
    }
    chosen.sort();
    chosen.dedup();
    let mut text = chosen
        .iter()
        .map(|&i| blocks[i].trim_end())
        .collect::<Vec<_>>()
        .join("\n\n");
    text.push('\n');
    text
}

fn check_text() -> String {
    let command = ["check", "demo", "--now", NOW];
    let output = run(&command);
    let body = text_blocks(
        &output,
        &[
            "error[stale-flag]",
            "error[undefined-flag]",
            "warning[unused-flag]: `beta_dashboard`",
            // The summary line.
            "4 errors",
        ],
    );
    fenced("text", &command, &body)
}

/// `document` (JSON as flaglint pretty-prints it) with only the first element of the array
/// under `key` that `keep` accepts: cut as text, so the rest keeps flaglint's order and
/// layout.
fn first_of(document: &str, key: &str, keep: impl Fn(&Value) -> bool) -> String {
    let open = format!("  \"{key}\": [\n");
    let start = document.find(&open).unwrap() + open.len();
    let end = start + document[start..].find("\n  ]").unwrap();
    // Elements are the objects at four spaces of indentation.
    let elements: Vec<&str> = document[start..end].split("\n    },\n").collect();
    let chosen = elements
        .iter()
        .map(|e| e.trim_end_matches("\n    }").to_string() + "\n    }")
        .find(|e| keep(&serde_json::from_str::<Value>(e).unwrap()))
        .unwrap_or_else(|| panic!("no element of {key} to keep in\n{document}"));
    format!("{}{chosen}{}", &document[..start], &document[end..])
}

fn check_json() -> String {
    let command = ["check", "demo", "--now", NOW, "--format", "json"];
    // One finding of the list is enough to show its shape.
    let body = first_of(&run(&command), "findings", |f| f["rule"] == "stale-flag");
    fenced("json", &command, &body)
}

fn refs_text() -> String {
    let command = ["refs", "demo"];
    let output = run(&command);
    let body = text_blocks(
        &output,
        &["new_checkout (", "dynamic keys (", "10 references"],
    );
    fenced("text", &command, &body)
}

fn refs_json() -> String {
    let command = ["refs", "demo", "--format", "json"];
    let body = first_of(&run(&command), "references", |r| r["key"].is_null());
    fenced("json", &command, &body)
}

#[test]
fn readme_examples_are_the_demos_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let mut readme = std::fs::read_to_string(&path).unwrap();
    let bless = std::env::var_os("FLAGLINT_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, expected) in [
        ("check-text", check_text()),
        ("check-json", check_json()),
        ("refs-text", refs_text()),
        ("refs-json", refs_json()),
    ] {
        let start_marker = format!("<!-- example: {name} ");
        let start = readme
            .find(&start_marker)
            .unwrap_or_else(|| panic!("README.md has no example {name}"));
        let body_start = start + readme[start..].find("-->\n").unwrap() + "-->\n".len();
        let body_end = body_start
            + readme[body_start..]
                .find("<!-- example: end -->")
                .unwrap_or_else(|| panic!("example {name} has no end marker"));
        if readme[body_start..body_end] != expected {
            stale.push(name);
            readme.replace_range(body_start..body_end, &expected);
        }
    }
    if bless {
        std::fs::write(&path, readme).unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README.md's examples {stale:?} differ from the demo's output: run \
         `FLAGLINT_BLESS=1 cargo test --test readme_examples` and read the diff"
    );
}
