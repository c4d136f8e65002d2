//! Stage 2 for one file: parse it, match the SDK queries, resolve keys, and name the flag
//! helpers its reads make.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tree_sitter::QueryCursor;

use super::walked::Candidate;
use super::{FileError, GrammarLimit, Skipped};
use crate::matcher::helpers::{
    find_helper_calls, find_map_helpers, name_seeds, Helper, HelperId, HelperTable, MapHelper,
};
use crate::matcher::{find_references, Aliases, CompiledQuery, Found, Matcher};
use crate::parse::{bare_jsx_ampersands_only, parse};
use crate::prefilter::in_set;
use crate::reference::Reference;
use crate::resolve::{Module, Project};

/// What stage 2 found in one file (what the cache keeps for it).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(super) struct Outcome {
    #[serde(with = "crate::reference::every_field")]
    pub(super) references: Vec<Reference>,
    /// The SDKs whose case transform of keys the file turns off.
    pub(super) case_off: u64,
    /// Flag helpers defined in the file, and those it calls.
    pub(super) helpers: Vec<Helper>,
    pub(super) map_helpers: Vec<MapHelper>,
    pub(super) called: Vec<HelperId>,
    pub(super) skipped: Option<Skipped>,
    pub(super) error: Option<FileError>,
    pub(super) parsed: bool,
    pub(super) syntax_error: Option<String>,
    pub(super) grammar_limit: Option<GrammarLimit>,
    #[serde(skip)]
    pub(super) parse_time: Duration,
    /// Matching and resolving, imported modules parsed on the way included.
    #[serde(skip)]
    pub(super) match_time: Duration,
}

/// A file with syntax errors, or (when its only errors are a bare `&` in JSX text, valid
/// JSX the grammar rejects) a grammar limit: either way its valid parts are scanned.
pub(super) fn syntax_notes(
    tree: &tree_sitter::Tree,
    source: &[u8],
    file: &str,
) -> (Option<String>, Option<GrammarLimit>) {
    if !tree.root_node().has_error() {
        return (None, None);
    }
    match bare_jsx_ampersands_only(tree, source) {
        Some(line) => (
            None,
            Some(GrammarLimit {
                file: file.to_string(),
                line,
            }),
        ),
        None => (Some(file.to_string()), None),
    }
}

pub(super) fn parse_and_match(
    infer_helpers: bool,
    cursor: &mut QueryCursor,
    candidate: &Candidate,
    source: String,
    queries: &[Option<CompiledQuery>],
    matcher: &Matcher,
    project: &Project,
) -> Outcome {
    let Candidate {
        path,
        file,
        lang,
        sdks,
        ..
    } = candidate;
    let (lang, sdks) = (*lang, *sdks);
    let Some(Some(query)) = queries.get(lang.index()) else {
        return Outcome::default();
    };
    let parsing = Instant::now();
    let Some(tree) = parse(lang, &source) else {
        return Outcome::default();
    };
    let parse_time = parsing.elapsed();
    let (syntax_error, grammar_limit) = syntax_notes(&tree, source.as_bytes(), file);
    // Not kept for later: held until the end, the trees of every candidate were most of a
    // scan's memory. Imports of it and the helper rounds parse it again if they need it.
    let module = Arc::new(Module::new(path.clone(), source, tree));
    let matching = Instant::now();
    let found = find_references(
        matcher,
        query,
        sdks,
        project,
        cursor,
        &module,
        file,
        &Aliases::new(),
    );
    let case_off = crate::prefilter::sdk_set((0..matcher.sdks.len()).filter(|&sdk| {
        in_set(sdks, sdk) && matcher.sdks[sdk].turns_case_off(module.source.as_bytes())
    }));
    let mut outcome = Outcome {
        parsed: true,
        syntax_error,
        grammar_limit,
        parse_time,
        case_off,
        ..Outcome::default()
    };
    if infer_helpers {
        outcome.found(&module, found);
        outcome.map_helpers = find_map_helpers(project, &module, matcher, sdks);
    } else {
        // No inference: the reads inside helpers stand as the dynamic references they are.
        outcome.references = found.references;
        outcome
            .references
            .extend(found.seeds.into_iter().map(|s| s.fallback));
    }
    outcome.match_time = matching.elapsed();
    outcome
}

impl Outcome {
    pub(super) fn match_helpers(
        &mut self,
        project: &Project,
        module: &Arc<Module>,
        file: &str,
        helpers: &HelperTable,
        sdks: (&[String], &[String]),
    ) {
        let calls = find_helper_calls(project, module, file, helpers, sdks);
        let (helpers, fallbacks) = name_seeds(module, calls.seeds);
        self.references.extend(calls.references);
        self.references.extend(fallbacks);
        self.called.extend(calls.called);
        self.helpers.extend(helpers);
        self.helpers.extend(calls.helpers);
    }

    /// What the SDK queries found in a file: references, and helpers named from its seeds.
    pub(super) fn found(&mut self, module: &Module, found: Found) {
        let (helpers, fallbacks) = name_seeds(module, found.seeds);
        self.references.extend(found.references);
        self.references.extend(fallbacks);
        self.helpers.extend(helpers);
    }
}

/// Whether `text` holds one of `names` as a whole identifier.
pub(super) fn mentions_any(text: &[u8], names: &[String]) -> bool {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    names.iter().any(|name| {
        memchr::memmem::find_iter(text, name.as_bytes()).any(|at| {
            let before = at.checked_sub(1).map(|i| text[i]);
            let after = text.get(at + name.len()).copied();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
    })
}
