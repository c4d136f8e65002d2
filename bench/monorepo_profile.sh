#!/usr/bin/env bash
# Where flaglint's time goes on the issue-13 union (or another monorepo.sh corpus):
#
#   bash bench/monorepo_profile.sh [--flaglint BIN] [--corpus DIR] [--out DIR] [--no-perf] [--time-files]
#
# 1. monorepo_candidates.py: the prefilter's candidates per repository, SDK and trigger word
#    (--time-files: also each candidate timed alone, ~10 min).
# 2. perf record (cpu-clock sampling; the VM has no hardware counters) of one
#    `refs --threads 2` run: the flat profile by symbol, grouped into tree-sitter parsing,
#    query matching, allocation, kernel, prefilter...; and a per-thread timeline of the
#    stage-2 workers (are both cores busy?).
# 3. Removal experiments, best of 3 `refs --stats` runs each, at 1 and 2 threads: the union,
#    the union without playwright's tests/assets (the vendored bundles), and each
#    repository alone; user+system CPU from /usr/bin/time, which a busy machine inflates
#    less than wall time.
# Everything lands in OUT (default /work/benchdata/analysis); summary.md is the digest.
# Run bench/monorepo.sh --prepare-only first for the corpus.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
FLAGLINT="${FLAGLINT:-$REPO_DIR/target/release/flaglint}"
CORPUS="${CORPUS:-/work/benchdata/monorepo/union/corpus}"
OUT="${OUT:-/work/benchdata/analysis}"
PERF=1
TIME_FILES=0
REPEAT=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --flaglint) FLAGLINT="$2"; shift ;;
        --corpus) CORPUS="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --no-perf) PERF=0 ;;
        --time-files) TIME_FILES=1 ;;
        --repeat) REPEAT="$2"; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "monorepo_profile.sh: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done
[[ -x "$FLAGLINT" ]] || { echo "no flaglint at $FLAGLINT (--flaglint BIN)" >&2; exit 2; }
[[ -d "$CORPUS" ]] || { echo "no corpus at $CORPUS: run bench/monorepo.sh --prepare-only" >&2; exit 2; }
mkdir -p "$OUT"
log() { printf '\n==> %s\n' "$*" >&2; }
{ date -u +%Y-%m-%dT%H:%M:%SZ; "$FLAGLINT" --version; echo "binary $FLAGLINT"; echo "corpus $CORPUS";
  echo "load before: $(cat /proc/loadavg)"; } > "$OUT/profile-env.txt"

# ------------------------------------------------------------------ candidates
log "Candidates (monorepo_candidates.py)"
cand_args=("$CORPUS" "$OUT" --queries "$REPO_DIR/queries")
[[ $TIME_FILES -eq 1 ]] && cand_args+=(--time "$FLAGLINT" --repeat "$REPEAT")
python3 "$BENCH_DIR/monorepo_candidates.py" "${cand_args[@]}" > /dev/null

# ------------------------------------------------------------------------ perf
if [[ $PERF -eq 1 ]]; then
    command -v perf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null 2>&1 || true
    if command -v perf >/dev/null && perf record -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
        log "perf record (cpu-clock, 997 Hz) of refs --threads 2"
        perf record -q -e cpu-clock -F 997 -o "$OUT/perf.data" \
            "$FLAGLINT" refs "$CORPUS" --format json --threads 2 --stats > /dev/null 2> "$OUT/perf-run.stats"
        perf report -i "$OUT/perf.data" --no-children -g none --sort symbol --stdio 2>/dev/null \
            | grep '%' > "$OUT/perf-flat.txt"
        perf report -i "$OUT/perf.data" --no-children -g none --sort dso --stdio 2>/dev/null \
            | grep '%' > "$OUT/perf-dso.txt"
        perf script -i "$OUT/perf.data" -F tid,time,sym 2>/dev/null > "$OUT/perf-samples.txt"
        python3 - "$OUT" > "$OUT/perf-summary.md" <<'EOF'
import collections, re, sys
from pathlib import Path
out = Path(sys.argv[1])
groups, rows = collections.Counter(), []
def group(kind, sym):
    if kind == "k":
        return "kernel: file reads, page faults, scheduling"
    if sym.startswith("ts_query__") or sym.startswith("ts_query_new") or "analysis_" in sym:
        return "tree-sitter: compiling queries"
    if re.match(r"(ts_query_cursor|ts_query_|ts_tree_cursor|ts_node)", sym):
        return "tree-sitter: query matching and tree walks (cursors, nodes)"
    if sym.startswith(("ts_", "stack_", "tree_sitter_")) or "scanner" in sym or "iswspace" in sym or sym.startswith("_array__"):
        return "tree-sitter: parsing (lexer, parser, subtrees)"
    if "aho_corasick" in sym:
        return "prefilter (aho-corasick)"
    if re.search(r"malloc|free|_int_|unlink_chunk|realloc|calloc|tcache|mem(cpy|move|set|cmp|chr)", sym):
        return "libc: malloc/free, mem*"
    if "flaglint::" in sym:
        return "flaglint's own code (resolve, match, report)"
    return "other (std, ignore walk, hashing, utf-8)"
for line in open(out / "perf-flat.txt"):
    m = re.match(r"\s*([\d.]+)%\s+\[(.)\]\s+(.*?)\s*$", line)
    if m:
        pct, kind, sym = float(m.group(1)), m.group(2), m.group(3)
        g = group(kind, sym)
        groups[g] += pct
        rows.append((pct, g, sym))
print("## perf: where the CPU time of one `refs --threads 2` run goes\n")
print("| group | share of samples |\n|---|---:|")
for g, p in groups.most_common():
    print(f"| {g} | {p:.1f}% |")
print("\nTop symbols:\n\n| symbol | share | group |\n|---|---:|---|")
for pct, g, sym in sorted(rows, reverse=True)[:25]:
    print(f"| `{sym[:80]}` | {pct:.2f}% | {g} |")
# per-thread timeline
by = collections.defaultdict(list)
for line in open(out / "perf-samples.txt"):
    parts = line.split()
    if len(parts) < 2:
        continue
    try:
        by[int(parts[0])].append(float(parts[1].rstrip(":")))
    except ValueError:
        continue
if by:
    t0 = min(min(v) for v in by.values())
    print("\n## perf: threads (one sample ≈ 1 ms of CPU)\n")
    print("| thread | samples | first (s) | last (s) |\n|---|---:|---:|---:|")
    for tid, ts in sorted(by.items(), key=lambda kv: min(kv[1])):
        print(f"| {tid} | {len(ts)} | {min(ts) - t0:.3f} | {max(ts) - t0:.3f} |")
    workers = sorted(by, key=lambda k: -len(by[k]))[:2]
    start = min(min(by[w]) for w in workers)
    end = max(max(by[w]) for w in workers)
    width = 0.05
    bins = int((end - start) / width) + 1
    busy = [[0] * bins for _ in workers]
    for i, w in enumerate(workers):
        for t in by[w]:
            busy[i][int((t - start) / width)] += 1
    line = "".join("2" if busy[0][b] > 10 and busy[1][b] > 10 else
                   ("1" if busy[0][b] > 10 or busy[1][b] > 10 else ".") for b in range(bins))
    print(f"\nStage-2 workers {workers[0]} and {workers[1]}, from {start - t0:.2f} s to {end - t0:.2f} s; "
          f"{line.count('2')} bins of 50 ms with both busy, {line.count('1')} with one, {line.count('.')} with none:\n")
    print("```\n" + line + "\n```")
EOF
        cat "$OUT/perf-summary.md" >&2
    else
        echo "perf cannot sample here: skipped" >&2
    fi
fi

# ----------------------------------------------------------- removal experiments
log "Removal experiments (best of $REPEAT, --stats and /usr/bin/time)"
EXP="$OUT/experiments"
mkdir -p "$EXP"
experiment() {  # name threads path [flaglint args...]
    local name="$1" threads="$2" path="$3"; shift 3
    for i in $(seq 1 "$REPEAT"); do
        /usr/bin/time -f '%e %U %S %M' -o "$EXP/$name-j$threads-$i.time" \
            "$FLAGLINT" refs "$path" --format json --stats --threads "$threads" "$@" \
            > "$EXP/$name-j$threads-$i.json" 2> "$EXP/$name-j$threads-$i.stats"
    done
}
for t in 1 2; do
    experiment union "$t" "$CORPUS"
    experiment union-without-playwright-assets "$t" "$CORPUS" --exclude 'playwright/tests/assets'
done
for d in "$CORPUS"/*/; do
    experiment "alone-$(basename "$d")" 2 "$d"
done
python3 - "$EXP" > "$OUT/experiments.md" <<'EOF'
import collections, json, re, sys
from pathlib import Path
exp = Path(sys.argv[1])
runs = collections.defaultdict(list)
for t in sorted(exp.glob("*.time")):
    name = t.name.rsplit("-", 1)[0]
    wall, user, sys_, rss = t.read_text().split()[-4:]
    stats = t.with_suffix(".stats").read_text()
    refs = json.loads(t.with_suffix(".json").read_text())["summary"]["references"]
    get = lambda p: float(re.search(p, stats).group(1)) if re.search(p, stats) else 0.0  # noqa: E731
    runs[name].append({"wall": float(wall), "cpu": float(user) + float(sys_), "rss": int(rss) / 1024,
                       "s1": get(r"prefilter: .* in ([\d.]+) s"), "s2": get(r"resolve: .* in ([\d.]+) s"),
                       "parse": get(r"parsing ([\d.]+) s"), "match": get(r"matching ([\d.]+) s"),
                       "files": get(r"resolve: (\d+) files"), "modules": get(r"and (\d+) imported"), "refs": refs})
print("## Removal experiments (best of each column over the runs)\n")
print("| run | wall | user+sys CPU | stage 1 | stage 2 | parsing | matching | files parsed | modules | refs | peak RSS |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, rs in sorted(runs.items()):
    b = lambda k: min(r[k] for r in rs)  # noqa: E731
    print(f"| {name} | {b('wall'):.2f} s | {b('cpu'):.2f} s | {b('s1'):.3f} s | {b('s2'):.3f} s | {b('parse'):.3f} s | "
          f"{b('match'):.3f} s | {int(rs[0]['files'])} | {int(rs[0]['modules'])} | {rs[0]['refs']} | {max(r['rss'] for r in rs):.0f} MB |")
for base in ("union", "union-without-playwright-assets"):
    if f"{base}-j1" in runs and f"{base}-j2" in runs:
        j1 = min(r["wall"] for r in runs[f"{base}-j1"])
        j2 = min(r["wall"] for r in runs[f"{base}-j2"])
        s1 = min(r["s2"] for r in runs[f"{base}-j1"])
        s2 = min(r["s2"] for r in runs[f"{base}-j2"])
        print(f"\n{base}: 1 → 2 threads {j1 / j2:.2f}x on the whole run, {s1 / s2:.2f}x on stage 2.")
EOF
cat "$OUT/experiments.md" >&2
echo "load after: $(cat /proc/loadavg)" >> "$OUT/profile-env.txt"
{
    cat "$OUT/profile-env.txt"; echo
    cat "$OUT/candidates.md"; echo
    [[ -f "$OUT/perf-summary.md" ]] && { cat "$OUT/perf-summary.md"; echo; }
    cat "$OUT/experiments.md"
} > "$OUT/summary.md"
echo "monorepo_profile.sh: wrote $OUT/summary.md" >&2
