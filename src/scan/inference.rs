//! Helper inference across rounds: each round reads the files that name a helper found
//! in the round before, and finds their call sites.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tree_sitter::QueryCursor;

use super::outcome::{mentions_any, syntax_notes, Outcome};
use super::walked::WalkedFile;
use super::{ScanError, ScanOptions, ScanResult, ScanStats, SkipReason, Skipped};
use crate::cache::{Cache, KeyHasher, OutcomeEntry, RoundEntry};
use crate::matcher::helpers::{Helper, HelperId, HelperTable, MapHelper};
use crate::matcher::{find_references, Aliases, CompiledQuery, Matcher};
use crate::parse::{parse, ALL};
use crate::resolve::reads;
use crate::resolve::{Module, Project};

/// Helpers of helpers are looked for this many rounds deep at most: a chain longer than
/// this is a cycle or not worth following.
pub(super) const MAX_HELPER_ROUNDS: usize = 8;

/// Helper inference across rounds: what is known, and what the last round found.
#[derive(Default)]
pub(super) struct Inference {
    pub(super) helpers: HelperTable,
    pub(super) map_helpers: Vec<MapHelper>,
    /// Call sites found per helper.
    pub(super) called: std::collections::HashMap<HelperId, usize>,
    /// SDKs whose key case transform the code turns off.
    pub(super) case_off: u64,
    /// Found in the last round, not yet searched for.
    pub(super) new_helpers: Vec<Helper>,
    pub(super) new_map_helpers: Vec<MapHelper>,
    /// The files parsed for the first pass or a round, each counted once.
    pub(super) parsed: HashSet<PathBuf>,
}

/// The cache's side of the helper rounds: what it holds, and what this scan adds to it.
pub(super) struct CachedRounds<'c> {
    pub(super) cache: &'c Cache<Outcome>,
    /// The scan's context (see `context_key`).
    pub(super) context: u64,
    pub(super) fresh: Vec<OutcomeEntry<Outcome>>,
    pub(super) rounds: Vec<RoundEntry>,
}

impl Inference {
    /// Adds what one file gave to the result, and its helpers to the next round.
    pub(super) fn absorb(
        &mut self,
        result: &mut ScanResult,
        stats: &mut ScanStats,
        path: &Path,
        outcome: Outcome,
    ) {
        self.case_off |= outcome.case_off;
        if outcome.parsed {
            self.parsed.insert(path.to_path_buf());
        }
        result.references.extend(outcome.references);
        result.syntax_errors.extend(outcome.syntax_error);
        result.grammar_limits.extend(outcome.grammar_limit);
        result.skipped.extend(outcome.skipped);
        result.errors.extend(outcome.error);
        for id in outcome.called {
            *self.called.entry(id).or_default() += 1;
        }
        self.new_helpers.extend(outcome.helpers);
        self.new_map_helpers.extend(outcome.map_helpers);
        stats.parse_cpu += outcome.parse_time;
        stats.match_cpu += outcome.match_time;
    }

    /// Rounds until no helper is new: each reads again the files that name a new helper
    /// and finds their call sites (and, for a function returning an SDK's flag map, the
    /// reads of what it returns).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run(
        &mut self,
        result: &mut ScanResult,
        stats: &mut ScanStats,
        files: &[WalkedFile],
        pool: &rayon::ThreadPool,
        matcher: &Matcher,
        project: &Project,
        options: &ScanOptions,
        cached: &mut CachedRounds,
    ) -> Result<(), ScanError> {
        let sdk_names: Vec<String> = matcher.sdks.iter().map(|s| s.name.clone()).collect();
        let sdk_packages: Vec<String> = matcher
            .sdks
            .iter()
            .flat_map(|s| s.packages.iter().cloned())
            .collect();
        let mut aliases = Aliases::new();
        loop {
            let new_helpers = self.helpers.add(std::mem::take(&mut self.new_helpers));
            let mut new_maps = std::mem::take(&mut self.new_map_helpers);
            new_maps.retain(|m| !self.map_helpers.contains(m));
            new_maps.sort();
            new_maps.dedup();
            if new_helpers.is_empty() && new_maps.is_empty() {
                break;
            }
            if stats.helper_rounds == MAX_HELPER_ROUNDS {
                // Never searched for: their reads stand as dynamic references.
                result
                    .references
                    .extend(new_helpers.iter().flat_map(|h| h.reads.clone()));
                break;
            }
            stats.helper_rounds += 1;
            for map in &new_maps {
                let names = aliases.entry(map.stands_for.clone()).or_default();
                if !names.contains(&map.name) {
                    names.push(map.name.clone());
                }
            }
            self.map_helpers.extend(new_maps.iter().cloned());
            let pass = round_pass(cached.context, &new_helpers, &new_maps, &aliases);
            let round = Round::new(
                new_helpers,
                &new_maps,
                matcher,
                (&sdk_names, &sdk_packages),
                &aliases,
            )?;
            let before: Option<HashSet<&PathBuf>> = cached
                .cache
                .round(pass)
                .map(|visited| visited.iter().collect());
            let (cache, context) = (cached.cache, cached.context);
            let visits: Vec<Visit> = pool.install(|| {
                files
                    .par_iter()
                    .map_init(QueryCursor::new, |cursor, file| {
                        if let (Some(before), Some(hash)) = (&before, file.unchanged) {
                            // Unchanged, and it named none of these helpers last time.
                            if !before.contains(&file.path) {
                                return None;
                            }
                            if let Some(kept) = cache.outcome(&file.path, pass, hash, context) {
                                return Some((file.path.clone(), kept.clone(), None));
                            }
                        }
                        let (visit, reads) = reads::recording(|| {
                            round.visit(file, cursor, matcher, project, options)
                        });
                        let (outcome, hash) = visit?;
                        cache.learn(&file.path, hash);
                        let entry = (hash != 0).then(|| OutcomeEntry {
                            path: file.path.clone(),
                            pass,
                            hash,
                            context,
                            reads,
                            value: outcome.clone(),
                        });
                        Some((file.path.clone(), outcome, entry))
                    })
                    .flatten()
                    .collect()
            });
            stats.helper_files += visits.len();
            let mut visited = Vec::with_capacity(visits.len());
            for (path, outcome, entry) in visits {
                self.absorb(result, stats, &path, outcome);
                cached.fresh.extend(entry);
                visited.push(path);
            }
            visited.sort();
            cached.rounds.push(RoundEntry { pass, visited });
        }
        Ok(())
    }
}

/// A file a round read: its outcome, and the cache entry for it if it was worked out now.
type Visit = (PathBuf, Outcome, Option<OutcomeEntry<Outcome>>);

/// What tells one round from another for the cache: the scan's context and the helpers,
/// map helpers and SDK aliases the round looks for.
fn round_pass(context: u64, helpers: &[Helper], maps: &[MapHelper], aliases: &Aliases) -> u64 {
    let mut helpers: Vec<&Helper> = helpers.iter().collect();
    helpers.sort();
    let mut aliases: Vec<(&String, &Vec<String>)> = aliases.iter().collect();
    aliases.sort();
    let mut key = KeyHasher::default();
    key.add(context.to_le_bytes())
        .add(serde_json::to_vec(&helpers).unwrap_or_default())
        .add(serde_json::to_vec(maps).unwrap_or_default())
        .add(format!("{aliases:?}"));
    // Never the first pass's number.
    key.finish().max(1)
}

/// One round of helper inference: the helpers and map helpers it looks for.
pub(super) struct Round<'a> {
    pub(super) helpers: HelperTable,
    /// The SDKs the new map helpers stand for, and one query per grammar for their reads.
    pub(super) map_sdks: u64,
    pub(super) map_queries: Vec<Option<CompiledQuery>>,
    pub(super) names: Vec<String>,
    pub(super) map_names: Vec<String>,
    pub(super) sdk_names: &'a [String],
    /// Every SDK's packages: a call on an SDK value is the SDK's, not a helper's namesake.
    pub(super) sdk_packages: &'a [String],
    pub(super) aliases: &'a Aliases,
}

impl<'a> Round<'a> {
    pub(super) fn new(
        new_helpers: Vec<Helper>,
        new_maps: &[MapHelper],
        matcher: &Matcher,
        (sdk_names, sdk_packages): (&'a [String], &'a [String]),
        aliases: &'a Aliases,
    ) -> Result<Round<'a>, ScanError> {
        let mut helpers = HelperTable::default();
        helpers.add(new_helpers);
        let map_sdks = crate::prefilter::sdk_set(new_maps.iter().map(|m| m.sdk));
        let map_queries = if new_maps.is_empty() {
            Vec::new()
        } else {
            let seen = matcher.word_set(new_maps.iter().map(|m| m.stands_for.as_str()));
            ALL.iter()
                .map(|&lang| matcher.compile(map_sdks, lang, Some(&seen)).map(Some))
                .collect::<Result<_, _>>()?
        };
        Ok(Round {
            names: helpers.names().map(String::from).collect(),
            map_names: new_maps.iter().map(|m| m.name.clone()).collect(),
            helpers,
            map_sdks,
            map_queries,
            sdk_names,
            sdk_packages,
            aliases,
        })
    }

    /// One file: if it names one of the round's helpers, parse it (once per run) and find
    /// their call sites and reads. With the outcome, the content hash of the file read
    /// (0 when it was not parsed).
    pub(super) fn visit(
        &self,
        walked: &WalkedFile,
        cursor: &mut QueryCursor,
        matcher: &Matcher,
        project: &Project,
        options: &ScanOptions,
    ) -> Option<(Outcome, u64)> {
        let mut outcome = Outcome::default();
        let module = match project.parsed(&walked.path) {
            Some(module) => module,
            None => {
                // Ruled out without reading it again: none of the names is among its words.
                if let Some(sketch) = &walked.sketch {
                    let named = |names: &[String]| names.iter().any(|n| sketch.may_hold(n));
                    if !named(&self.names) && !named(&self.map_names) {
                        return None;
                    }
                }
                let bytes = options
                    .files
                    .read_at_most(&walked.path, options.max_file_size)
                    .ok()?
                    .ok()?;
                if !mentions_any(&bytes, &self.names) && !mentions_any(&bytes, &self.map_names) {
                    return None;
                }
                if memchr::memchr(0, &bytes).is_some() {
                    outcome.skipped = Some(Skipped {
                        file: walked.file.clone(),
                        reason: SkipReason::Binary,
                    });
                    return Some((outcome, 0));
                }
                let Ok(source) = String::from_utf8(bytes) else {
                    outcome.skipped = Some(Skipped {
                        file: walked.file.clone(),
                        reason: SkipReason::NotUtf8,
                    });
                    return Some((outcome, 0));
                };
                let parsing = Instant::now();
                let tree = parse(walked.lang, &source)?;
                outcome.parse_time = parsing.elapsed();
                project.adopt(Module::new(walked.path.clone(), source, tree))
            }
        };
        let text = module.source.as_bytes();
        let calls_helpers = mentions_any(text, &self.names);
        let reads_maps = mentions_any(text, &self.map_names);
        if !calls_helpers && !reads_maps {
            return None;
        }
        // The same whichever worker parsed the module (an import of another file may have).
        outcome.parsed = true;
        (outcome.syntax_error, outcome.grammar_limit) =
            syntax_notes(&module.tree, text, &walked.file);
        let matching = Instant::now();
        if calls_helpers {
            outcome.match_helpers(
                project,
                &module,
                &walked.file,
                &self.helpers,
                (self.sdk_names, self.sdk_packages),
            );
        }
        if let Some(Some(query)) = self
            .map_queries
            .get(walked.lang.index())
            .filter(|_| reads_maps)
        {
            let found = find_references(
                matcher,
                query,
                self.map_sdks,
                project,
                cursor,
                &module,
                &walked.file,
                self.aliases,
            );
            outcome.found(&module, found);
        }
        outcome.match_time = matching.elapsed();
        Some((outcome, module.hash))
    }
}
