//! How many requests a Flagsmith read takes as a project grows: synthetic projects of 10, 100
//! and 1,000 features in 3 environments, in the recorded response shapes
//! (`support/synthetic.rs`), on Core and Edge, v1 and v2. The table is the README's ("What
//! Flagsmith is asked"); `bench/flagsmith-requests.sh` prints it.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::time::Duration;

use flaglint::flag::FlagSet;
use flaglint::provider::flagsmith::{Flagsmith, FlagsmithOptions};
use flaglint::provider::FlagSource;
use synthetic::{Shape, Synthetic, API_KEY};

const SIZES: [usize; 3] = [10, 100, 1000];
const ENVIRONMENTS: usize = 3;
/// Column title, v2 versioning, Edge migration status (`None`: Core).
const COLUMNS: [(&str, bool, Option<&str>); 6] = [
    ("Core, v1", false, None),
    ("Core, v2", true, None),
    ("Edge migrated, v1", false, Some("COMPLETE")),
    ("Edge migrated, v2", true, Some("COMPLETE")),
    ("Edge not migrated, v1", false, Some("IN_PROGRESS")),
    ("Edge not migrated, v2", true, Some("IN_PROGRESS")),
];

struct Read {
    set: FlagSet,
    /// As the server counted them.
    requests: usize,
    /// The `edge-identity-overrides` requests among them.
    edge_requests: Vec<String>,
}

fn read(shape: Shape) -> Read {
    let server = Synthetic::start(shape);
    let flagsmith = Flagsmith::new(FlagsmithOptions {
        base_url: server.base_url(),
        api_key: API_KEY.to_owned(),
        project: "Web App".to_owned(),
        retry_base: Duration::from_millis(5),
        // Debug builds parse thousands of features slowly; the point here is the count.
        deadline: Duration::from_secs(600),
        ..FlagsmithOptions::default()
    })
    .unwrap();
    let set = flagsmith
        .fetch()
        .unwrap_or_else(|e| panic!("{shape:?}: {e}"));
    assert_eq!(server.unexpected(), Vec::<String>::new(), "{shape:?}");
    assert_eq!(set.flags.len(), shape.features, "{shape:?}");
    let requests = server.requests().len();
    let stats = flagsmith.stats().expect("stats");
    assert_eq!(stats.requests, requests as u64, "{shape:?}");
    // Identity overrides are found whichever way they are read, on every flag whose result
    // they decide (the others may be left unasked on an Edge project not migrated).
    for (i, flag) in set.flags.iter().enumerate() {
        if Shape::identity_overrides(i, 0) > 0 && judged_without_identities(i) {
            assert_eq!(
                flag.environments["Development"].identity_overrides, 2,
                "{shape:?} {}",
                flag.key
            );
        }
    }
    let edge_requests = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/edge-identity-overrides"))
        .map(|r| r.line())
        .collect();
    Read {
        set,
        requests,
        edge_requests,
    }
}

fn shape(features: usize, v2: bool, edge: Option<&'static str>, page: usize) -> Shape {
    Shape {
        features,
        environments: ENVIRONMENTS,
        v2,
        edge,
        default_page_size: page,
    }
}

/// Feature `i` serves one result, the same one, in every environment, identity overrides aside.
fn judged_without_identities(i: usize) -> bool {
    !Shape::multivariate(i)
        && !(0..ENVIRONMENTS).any(|env| Shape::segment_override(i, env))
        && !Shape::archived(i)
        && !Shape::permanent(i)
}

#[test]
fn a_migrated_edge_project_on_v2_reads_1000_features_in_3_environments_in_at_most_20_requests() {
    let read = read(shape(1000, true, Some("COMPLETE"), 999));
    assert!(read.requests <= 20, "{} requests", read.requests);
    assert_eq!(read.edge_requests, Vec::<String>::new());
}

#[test]
fn an_edge_project_not_migrated_asks_only_for_the_flags_judged_by_age() {
    let read = read(shape(100, true, Some("NOT_STARTED"), 999));
    let mut expected = Vec::new();
    for i in (0..100).filter(|i| judged_without_identities(*i)) {
        for env in 0..ENVIRONMENTS {
            expected.push(format!(
                "GET /api/v1/environments/{}/edge-identity-overrides?feature={}",
                Shape::env_key(env),
                i + 1
            ));
            // One override is enough to make the flag serve more than one result.
            if Shape::identity_overrides(i, env) > 0 {
                break;
            }
        }
    }
    assert_eq!(read.edge_requests, expected);
    let flag = |i: usize| &read.set.flags[i];
    // Multivariate, segment-overridden, archived and permanent flags are not asked about.
    assert!(Shape::multivariate(3) && Shape::segment_override(2, 1));
    for i in [2, 3, 4, 5] {
        assert!(!read
            .edge_requests
            .iter()
            .any(|r| r.ends_with(&format!("feature={}", i + 1))));
        assert_eq!(flag(i).environments["Development"].identity_overrides, 0);
    }
}

/// The README's table: requests for each project size and kind.
fn table(default_page_size: usize) -> String {
    let mut out = String::from("| features × 3 environments |");
    for (title, _, _) in COLUMNS {
        out.push_str(&format!(" {title} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(COLUMNS.len()));
    out.push('\n');
    for features in SIZES {
        out.push_str(&format!("| {} |", thousands(features)));
        for (_, v2, edge) in COLUMNS {
            let read = read(shape(features, v2, edge, default_page_size));
            out.push_str(&format!(" {} |", thousands(read.requests)));
        }
        out.push('\n');
    }
    out
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn requests_table() {
    let saas = table(999);
    println!("Server default page size 999 (SaaS, the Docker image):\n\n{saas}");
    insta::assert_snapshot!("requests_page_size_999", saas);
    let development = table(10);
    println!("Server default page size 10 (development settings):\n\n{development}");
    insta::assert_snapshot!("requests_page_size_10", development);
}
