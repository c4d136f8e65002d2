//! `flaglint report` as a user runs it: the built binary on the bundled demo, on merged
//! `refs --format json` documents, on hostile names, and in a git repository.

#[path = "support/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};
use std::process::Command;

use cli::{flaglint, repo_text, stderr, stdout};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo, without git: the demo's blame would change with every commit touching it.
fn demo(format: &str) -> String {
    let output = flaglint(
        &crate_dir(),
        &[
            "report",
            "demo",
            "--now",
            "2026-11-25",
            "--no-git",
            "--format",
            format,
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
}

/// The table row of one flag (or undefined key) in the Markdown report.
fn row<'a>(markdown: &'a str, key: &str) -> &'a str {
    let start = format!("| `{key}` |");
    markdown
        .lines()
        .find(|l| l.starts_with(&start))
        .unwrap_or_else(|| panic!("no row for {key} in\n{markdown}"))
}

const FLAGLINT_TOML: &str = "[service]\nfile = \"flags.toml\"\n";

#[test]
fn demo_markdown() {
    let markdown = demo("markdown");
    // Cheapest wins first: the archived flag still read, the unused one, then the stale one.
    let order: Vec<&str> = markdown
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(
        &order[..3],
        &["old_search", "beta_dashboard", "new_checkout"],
        "{markdown}"
    );
    insta::assert_snapshot!("demo_markdown", markdown);
}

#[test]
fn demo_html() {
    let html = demo("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: no script, no external resource of any kind.
    for banned in [
        "<script",
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
    ] {
        assert!(!html.contains(banned), "{banned} in the page");
    }
    assert_eq!(html.matches("<svg ").count(), 2, "two charts");
    assert!(html.contains("<title id=\"age-title\">Flags by age</title>"));
    assert!(html.contains("&gt; 1 year: 2 flags"));
    insta::assert_snapshot!("demo_html", html);
}

#[test]
fn output_file_and_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let output = flaglint(
        &crate_dir(),
        &[
            "report",
            "demo",
            "--now",
            "2026-11-25",
            "--no-git",
            "--format",
            "html",
            "--output",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains(" flags and 1 undefined key (2 to remove, 1 stale"),
        "{}",
        stderr(&output)
    );
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .ends_with("</html>\n"));
}

/// Two repositories share one flag project: `shared` is read only in repo B, so it is not
/// unused once both are merged, and each place says which repository it is in.
#[test]
fn merged_refs_documents() {
    let a = repo_text(&[(
        "src/a.ts",
        "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('only_a');\n",
    )]);
    let b = repo_text(&[(
        "src/b.ts",
        "import flagsmith from 'flagsmith';\n\nflagsmith.hasFeature('shared');\nflagsmith.hasFeature('only_a');\n",
    )]);
    let work = repo_text(&[
        ("flaglint.toml", FLAGLINT_TOML),
        (
            "flags.toml",
            "provider = \"flagsmith\"\nenvironments = [\"Production\"]\n\
             [[flags]]\nkey = \"shared\"\ncreated = \"2026-01-01\"\n[flags.environments.Production]\nenabled = true\nlast_changed = \"2026-01-01\"\n\
             [[flags]]\nkey = \"only_a\"\ncreated = \"2026-01-01\"\n[flags.environments.Production]\nenabled = false\nlast_changed = \"2026-11-20\"\n\
             [[flags]]\nkey = \"nobody\"\ncreated = \"2026-01-01\"\n",
        ),
    ]);
    for (dir, name) in [(&a, "repo-a.json"), (&b, "repo-b.json")] {
        let out = work.path().join(name);
        let output = flaglint(
            dir.path(),
            &["refs", "--format", "json", "-o", out.to_str().unwrap()],
        );
        assert!(output.status.success(), "{}", stderr(&output));
    }

    // Repo A alone: `shared` looks unused.
    let alone = flaglint(
        work.path(),
        &["report", "--refs", "repo-a.json", "--now", "2026-11-25"],
    );
    assert_eq!(alone.status.code(), Some(0), "{}", stderr(&alone));
    assert!(row(&stdout(&alone), "shared").contains("| to remove | delete in the service |"));
    // One document is read, not merged.
    assert!(
        stdout(&alone).contains("code: the refs document repo-a.json as repo-a/ (1 reference)"),
        "{}",
        stdout(&alone)
    );

    let merged = flaglint(
        work.path(),
        &[
            "report",
            "--refs",
            "repo-a.json",
            "--refs",
            "repo-b.json",
            "--now",
            "2026-11-25",
        ],
    );
    assert_eq!(merged.status.code(), Some(0), "{}", stderr(&merged));
    let markdown = stdout(&merged);
    let shared = row(&markdown, "shared");
    assert!(shared.contains("| stale | remove from code |"), "{shared}");
    assert!(shared.contains("`repo-b/src/b.ts:3`"), "{shared}");
    let only_a = row(&markdown, "only_a");
    assert!(
        only_a.contains("| 2 | `repo-a/src/a.ts:2`, `repo-b/src/b.ts:4` |"),
        "{only_a}"
    );
    assert!(row(&markdown, "nobody").contains("| to remove | delete in the service |"));
    assert!(markdown.contains("code: 2 refs documents merged: repo-a.json as repo-a/ (1 reference), repo-b.json as repo-b/ (2 references)"), "{markdown}");
    assert!(markdown.contains("merged --refs documents: no git blame"));
}

#[test]
fn refs_and_paths_together_is_an_error() {
    let work = repo_text(&[("flaglint.toml", FLAGLINT_TOML), ("flags.toml", "")]);
    let output = flaglint(work.path(), &["report", ".", "--refs", "a.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not both"), "{}", stderr(&output));

    std::fs::write(
        work.path().join("old.json"),
        r#"{"version": 9, "root": ".", "references": []}"#,
    )
    .unwrap();
    let output = flaglint(work.path(), &["report", "--refs", "old.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("version 9 is not supported"),
        "{}",
        stderr(&output)
    );
}

/// Keys, owners, values and file names are data: none of them may become markup.
#[test]
fn hostile_names_are_escaped() {
    let dir = repo_text(&[
        ("flaglint.toml", FLAGLINT_TOML),
        (
            "src/\"><img src=x onerror=alert(1)>.ts",
            "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('<script>alert(1)</script>');\nflagsmith.hasFeature('a|b');\n",
        ),
        (
            "flags.toml",
            "provider = \"flagsmith\"\nproject = \"</title><script>alert(0)</script>\"\nenvironments = [\"Prod|<i>\"]\n\
             [[flags]]\nkey = \"<script>alert(2)</script>\"\ncreated = \"2026-01-01\"\nowners = [\"</td><script>alert(3)</script>\"]\n\
             [flags.environments.\"Prod|<i>\"]\nenabled = true\nvalue = \"<b onmouseover=alert(4)>x</b>\"\n\
             [[flags]]\nkey = \"a|b\"\ncreated = \"2026-01-01\"\n",
        ),
    ]);
    let html = flaglint(
        dir.path(),
        &[
            "report",
            "--now",
            "2026-11-25",
            "--no-git",
            "--format",
            "html",
        ],
    );
    assert_eq!(html.status.code(), Some(0), "{}", stderr(&html));
    let html = stdout(&html);
    for raw in ["<script", "<img", "<b ", "<i>", "alert(0)</"] {
        assert!(!html.contains(raw), "{raw} got through:\n{html}");
    }
    assert!(html.contains("<code>&lt;script&gt;alert(2)&lt;/script&gt;</code>"));
    assert!(html.contains("&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.ts:2"));
    assert!(html.contains(
        "<title>Feature flag report: &lt;/title&gt;&lt;script&gt;alert(0)&lt;/script&gt;</title>"
    ));

    let markdown = flaglint(dir.path(), &["report", "--now", "2026-11-25", "--no-git"]);
    let markdown = stdout(&markdown);
    // In a table a pipe is escaped, even inside a code span; elsewhere markup is escaped text.
    assert!(
        row(&markdown, "a\\|b").contains("| live | keep |"),
        "{markdown}"
    );
    assert!(markdown.contains("| Prod\\|\\<i\\> |"), "{markdown}");
    assert!(markdown.contains("\\</td\\>\\<script\\>alert(3)\\</script\\>"));
    // Every table row still has as many cells as the header.
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    let table: Vec<&str> = markdown
        .lines()
        .skip_while(|l| !l.starts_with("| Flag |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() >= 4);
    assert!(
        table.iter().all(|l| cells(l) == cells(table[0])),
        "{table:#?}"
    );
}

fn git(dir: &Path, args: &[&str], author: (&str, &str), date: &str) {
    let output = Command::new("git")
        .args(["-c", &format!("user.name={}", author.0)])
        .args(["-c", &format!("user.email={}", author.1)])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

const ADA: (&str, &str) = ("Ada Lovelace", "ada@example.com");
const GRACE: (&str, &str) = ("Grace Hopper", "grace@example.com");

#[test]
fn git_blame_and_first_seen() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let dir = repo_text(&[
        ("flaglint.toml", FLAGLINT_TOML),
        (
            "flags.toml",
            "provider = \"flagsmith\"\nenvironments = [\"Production\"]\n\
             [[flags]]\nkey = \"dark_mode\"\ncreated = \"2025-12-01\"\n[flags.environments.Production]\nenabled = true\nlast_changed = \"2026-01-01\"\n",
        ),
        (
            "src/app.ts",
            "import flagsmith from 'flagsmith';\nexport const a = flagsmith.hasFeature('dark_mode');\n",
        ),
    ]);
    let root = dir.path();
    git(root, &["init", "-q"], ADA, "2026-01-02T10:00:00+00:00");
    git(root, &["add", "."], ADA, "2026-01-02T10:00:00+00:00");
    git(
        root,
        &["commit", "-q", "-m", "dark mode"],
        ADA,
        "2026-01-02T10:00:00+00:00",
    );
    std::fs::write(
        root.join("src/app.ts"),
        "import flagsmith from 'flagsmith';\nexport const a = flagsmith.hasFeature('dark_mode');\nexport const b = !flagsmith.hasFeature('dark_mode');\n",
    )
    .unwrap();
    git(
        root,
        &["commit", "-q", "-am", "more"],
        GRACE,
        "2026-03-04T10:00:00+00:00",
    );

    let output = flaglint(root, &["report", "--now", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let markdown = stdout(&output);
    let dark = row(&markdown, "dark_mode");
    assert!(
        dark.contains("`src/app.ts:2` (Ada Lovelace), `src/app.ts:3` (Grace Hopper)"),
        "{dark}"
    );
    assert!(dark.ends_with("| 2026-01-02 |"), "first seen: {dark}");
    assert!(markdown.contains("| First seen |"));
    // The section has the date of the last change too.
    assert!(
        markdown.contains("Read at: `src/app.ts:2` (Ada Lovelace, 2026-01-02), `src/app.ts:3` (Grace Hopper, 2026-03-04)"),
        "{markdown}"
    );
    assert!(markdown.contains("first seen in code 2026-01-02"));
    assert!(!markdown.contains("## Notes"), "{markdown}");

    // The same in HTML.
    let html = stdout(&flaglint(
        root,
        &["report", "--now", "2026-11-25", "--format", "html"],
    ));
    assert!(html.contains("<span class=\"who\">(Grace Hopper, 2026-03-04)</span>"));

    // An edit not committed yet is blamed on nobody in particular.
    std::fs::write(
        root.join("src/new.ts"),
        "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('dark_mode');\n",
    )
    .unwrap();
    let markdown = stdout(&flaglint(root, &["report", "--now", "2026-11-25"]));
    assert!(
        markdown.contains("git blame found no history for 1 file (not committed yet?): src/new.ts"),
        "{markdown}"
    );

    // --no-git leaves the column out.
    let markdown = stdout(&flaglint(
        root,
        &["report", "--now", "2026-11-25", "--no-git"],
    ));
    assert!(!markdown.contains("First seen"));
    assert!(!markdown.contains("Ada Lovelace"));
}

#[test]
fn without_git_a_note_says_so() {
    let dir = repo_text(&[
        ("flaglint.toml", FLAGLINT_TOML),
        ("flags.toml", "[[flags]]\nkey = \"x\"\n"),
        (
            "a.ts",
            "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('x');\n",
        ),
    ]);
    let output = flaglint(dir.path(), &["report", "--now", "2026-11-25"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let markdown = stdout(&output);
    assert!(
        markdown.contains("not in a git work tree: no blame authors or first-seen dates")
            || markdown.contains("git is not installed"),
        "{markdown}"
    );
    assert!(!markdown.contains("First seen"));
}

/// Issue 14, item 8: the counts on stderr add up to the Totals table's "all".
#[test]
fn r14_written_counts_match_the_totals() {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("report.md");
    let output = flaglint(
        &crate_dir().join("demo"),
        &[
            "report",
            "--now",
            "2026-11-25",
            "--no-git",
            "-o",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let markdown = std::fs::read_to_string(&path).unwrap();
    assert!(markdown.contains("| **all** | **10** |"), "{markdown}");
    let err = stderr(&output);
    assert!(
        err.contains(": 9 flags and 1 undefined key (2 to remove, 1 stale, 2 needs monitoring, 2 live, 1 new, 1 permanent)"),
        "{err}"
    );
}

/// Issue 14, item 7: refs documents of version 2 have paths relative to the working
/// directory; merged, each file is under its document's label once, as with version 1.
#[test]
fn r14_refs_documents_of_both_versions_merge_alike() {
    let work = repo_text(&[
        ("flaglint.toml", FLAGLINT_TOML),
        ("flags.toml", "[[flags]]\nkey = \"shared\"\n"),
        (
            "web/src/a.ts",
            "import flagsmith from 'flagsmith';\nflagsmith.hasFeature('shared');\n",
        ),
        (
            "old.json",
            r#"{"version": 1, "root": "api", "references": [{"key": "shared", "dynamic": null,
                "file": "src/b.ts", "line": 3, "column": 1, "sdk": "flagsmith", "kind": "call",
                "shape": "flagsmith.hasFeature()"}]}"#,
        ),
    ]);
    let output = flaglint(
        work.path(),
        &["refs", "web", "--format", "json", "-o", "new.json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = flaglint(
        work.path(),
        &[
            "report",
            "--refs",
            "new.json",
            "--refs",
            "old.json",
            "--now",
            "2026-11-25",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shared = row(&stdout(&output), "shared").to_string();
    assert!(
        shared.contains("`api/src/b.ts:3`, `web/src/a.ts:2`"),
        "{shared}"
    );
}

/// The `href`s of the HTML report's contents bar and the ids of its sections, in order.
fn contents_and_sections(html: &str) -> (Vec<String>, Vec<String>) {
    let nav = html
        .split("<nav>")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    let hrefs = nav
        .split("href=\"#")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let ids = html
        .split("<section id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    (hrefs, ids)
}

/// Issue 14, item 15: the contents bar lists the sections in the order the page has them.
#[test]
fn r14_html_contents_follow_the_page() {
    let html = demo("html");
    let (contents, sections) = contents_and_sections(&html);
    assert_eq!(contents, sections, "{html}");
    assert_eq!(sections[3], "undefined", "{sections:?}");
    assert!(sections.contains(&"dynamic".to_string()), "{sections:?}");
}

/// Issue 14, item 15: a path in the Places column, the blame beside it and an e-mail
/// address are each kept whole: they break between one another, never inside.
#[test]
fn r14_html_places_and_owners_break_only_between_items() {
    let html = demo("html");
    assert!(!html.contains("<wbr>"), "paths must not break at every /");
    assert!(
        html.contains("<span class=\"place\"><code>demo/src/components/Banner.tsx:7</code></span>"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"person\">ada@example.com</span>"),
        "{html}"
    );
    for rule in [
        ".place { white-space: nowrap; }",
        ".person { white-space: nowrap; }",
        ".who { color: var(--muted); white-space: nowrap; }",
    ] {
        assert!(html.contains(rule), "{rule}");
    }
}
