#!/usr/bin/env bash
# flaglint on real monorepos (issue 13): extract several public repositories at fixed
# commits into one union folder, then time, in one run, `flaglint refs` (cold, warm when
# flaglint has a cache, --threads 1 and N), ripgrep with Flagsmith's six trigger words and
# ast-grep with Flagsmith's six call shapes; measure flaglint's peak RSS; keep its --stats
# lines and counts; write a Markdown table. See bench/README.md, "Real monorepos".
#
#   bash bench/monorepo.sh                          # the issue's 8-repository union
#   bash bench/monorepo.sh --list bench/monorepo-other-novu.txt   # any other list
#   bash bench/monorepo.sh --flaglint BIN --runs 10 # a given binary, more runs
#   bash bench/monorepo.sh --help
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
TOOLS_DIR="$BENCH_DIR/.tools"
AST_GREP_VERSION="0.51.1"          # as run.sh
AST_GREP_RULES="$BENCH_DIR/ast-grep-flagsmith.yml"
DEFAULT_LIST="$BENCH_DIR/monorepo-repos.txt"

# Flagsmith's six trigger words (the issue's "ripgrep with six Flagsmith trigger words"):
# the flag reads of its stable API, as in ast-grep-flagsmith.yml, which says why these six.
FLAGSMITH_WORDS=(hasFeature getValue isFeatureEnabled getFeatureValue getFlag useFlags)

LIST="$DEFAULT_LIST"
NAME=""
BENCHDATA="${BENCHDATA:-/work/benchdata}"
MIRROR_DIR="${MIRROR_DIR:-/work/.mirror}"
CORPUS=""
OUT_FILE=""
SELECT="sources"
REBUILD=0
PREPARE_ONLY=0
RUNS=5
SG_RUNS=3
STATS_RUNS=3
RSS_RUNS=3
THREADS_N=2
CPUS=""
PER_REPO=1
AST_GREP_ON=1
FLAGLINT_BIN="${FLAGLINT:-}"
FLAGLINT_FLAGS="${FLAGLINT_FLAGS:-}"
COLD_FLAGS="${COLD_FLAGS-auto}"
WARM_FLAGS="${WARM_FLAGS-auto}"

usage() {
    cat <<EOF
usage: bash bench/monorepo.sh [options]

Corpus
  --list FILE         repositories, one a line: name owner/repo commit [git-dir]
                      (default bench/monorepo-repos.txt, the issue's eight). The git dir
                      defaults to \$MIRROR_DIR/<owner>+<repo>/repo (MIRROR_DIR=$MIRROR_DIR,
                      where the \`fetch\` tool puts snapshots).
  --name NAME         label for the data folder and results file (default: "union" for the
                      default list, else the list's name without monorepo-other- and .txt)
  --corpus DIR        union folder (default \$BENCHDATA/monorepo/NAME/corpus,
                      BENCHDATA=$BENCHDATA); must be outside the repository
  --select sources|all  what to extract from each commit: the issue's "sources only", i.e.
                      JS/TS files with the package.json, ts/jsconfig*.json, .gitignore,
                      .ignore and flaglint.toml files that resolution needs (default); or
                      every file the snapshot holds (flaglint's output is the same; the
                      walks of flaglint and ripgrep list 20,000 more files)
  --rebuild           extract again even when the corpus matches the list
  --prepare-only      build the corpus, print its composition, stop

Timing
  --flaglint BIN      the binary to time (default: cargo build --release, then
                      target/release/flaglint; also \$FLAGLINT)
  --flaglint-flags S  extra flags for every flaglint command (also \$FLAGLINT_FLAGS)
  --cold-flags S      flags for the cold runs (default: --no-cache when \`refs --help\`
                      lists it, else none; also \$COLD_FLAGS)
  --warm-flags S      flags for the warm run, timed after a run that fills the cache
                      (default: none, and the warm run only when flaglint has --no-cache;
                      giving this option times it anyway; also \$WARM_FLAGS)
  --threads N         the N of the 1 -> N thread scaling runs (default $THREADS_N, the issue's)
  --cpus LIST         run every timed command under \`taskset -c LIST\` (e.g. 0,1: the
                      issue's 2 cores on a bigger machine)
  --runs N            hyperfine runs for flaglint and ripgrep (default $RUNS)
  --sg-runs N         hyperfine runs for ast-grep (default $SG_RUNS)
  --stats-runs N      \`refs --stats\` runs; the median is reported (default $STATS_RUNS)
  --rss-runs N        /usr/bin/time -v runs of flaglint; the largest RSS is reported (default $RSS_RUNS)
  --no-ast-grep       skip ast-grep (the slow part)
  --no-per-repo       skip the one-repository-at-a-time --stats runs
  --out FILE          results file (default bench/results-monorepo.md for the default
                      list, else bench/results-monorepo-NAME.md)

Raw data (hyperfine JSON, --stats, /usr/bin/time -v, flaglint's JSON) is kept in
\$BENCHDATA/monorepo/NAME/runs/<UTC time>/. The first run's references are kept as
\$BENCHDATA/monorepo/NAME/baseline-refs.json; later runs report their difference to it.
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --list) LIST="$2"; shift ;;
        --name) NAME="$2"; shift ;;
        --corpus) CORPUS="$2"; shift ;;
        --select) SELECT="$2"; shift ;;
        --rebuild) REBUILD=1 ;;
        --prepare-only) PREPARE_ONLY=1 ;;
        --flaglint) FLAGLINT_BIN="$2"; shift ;;
        --flaglint-flags) FLAGLINT_FLAGS="$2"; shift ;;
        --cold-flags) COLD_FLAGS="$2"; shift ;;
        --warm-flags) WARM_FLAGS="$2"; shift ;;
        --threads) THREADS_N="$2"; shift ;;
        --cpus) CPUS="$2"; shift ;;
        --runs) RUNS="$2"; shift ;;
        --sg-runs) SG_RUNS="$2"; shift ;;
        --stats-runs) STATS_RUNS="$2"; shift ;;
        --rss-runs) RSS_RUNS="$2"; shift ;;
        --no-ast-grep) AST_GREP_ON=0 ;;
        --no-per-repo) PER_REPO=0 ;;
        --out) OUT_FILE="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "monorepo.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done

log() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mWARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
q() { printf '%q' "$1"; }

[[ -f "$LIST" ]] || die "no repository list $LIST"
LIST="$(realpath "$LIST")"
case "$SELECT" in all|sources) ;; *) die "--select is all or sources, not $SELECT" ;; esac
if [[ -z "$NAME" ]]; then
    if [[ "$LIST" == "$DEFAULT_LIST" ]]; then
        NAME="union"
    else
        NAME="$(basename "$LIST" .txt)"
        NAME="${NAME#monorepo-other-}"
        NAME="${NAME#monorepo-}"
    fi
fi
DATA_DIR="$BENCHDATA/monorepo/$NAME"
CORPUS="$(realpath -m "${CORPUS:-$DATA_DIR/corpus}")"
case "$CORPUS/" in
    "$REPO_DIR"/*) die "the corpus must live outside the repository ($CORPUS is inside $REPO_DIR)" ;;
esac
if [[ -z "$OUT_FILE" ]]; then
    if [[ "$NAME" == "union" ]]; then OUT_FILE="$BENCH_DIR/results-monorepo.md"
    else OUT_FILE="$BENCH_DIR/results-monorepo-$NAME.md"; fi
fi
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$DATA_DIR/runs/$STAMP"
mkdir -p "$RUN"
echo "monorepo.sh: corpus $CORPUS, raw data in $RUN" >&2

# ------------------------------------------------------------------------- tools
log "Checking tools"
APT_UPDATED=0
apt_install() {
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
        sudo="sudo"
    fi
    if [[ $APT_UPDATED -eq 0 ]]; then
        $sudo apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
command -v git >/dev/null || { echo "installing git" >&2; apt_install git; }
command -v python3 >/dev/null || { echo "installing python3" >&2; apt_install python3; }
command -v rg >/dev/null || { echo "installing ripgrep" >&2; apt_install ripgrep; }
command -v hyperfine >/dev/null || { echo "installing hyperfine" >&2; apt_install hyperfine; }
[[ -x /usr/bin/time ]] || { echo "installing GNU time" >&2; apt_install time; }
if [[ -n "$CPUS" ]]; then command -v taskset >/dev/null || apt_install util-linux; fi
AST_GREP=""
if [[ $AST_GREP_ON -eq 1 ]]; then
    command -v npm >/dev/null || { echo "installing npm" >&2; apt_install nodejs npm; }
    installed="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
        "$TOOLS_DIR/node_modules/@ast-grep/cli/package.json" 2>/dev/null || true)"
    if [[ "$installed" != "$AST_GREP_VERSION" ]]; then
        echo "installing @ast-grep/cli@$AST_GREP_VERSION into $TOOLS_DIR" >&2
        npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error \
            "@ast-grep/cli@$AST_GREP_VERSION" >&2
    fi
    # The native binary of the platform package, never a bare `sg` (shadow's group tool).
    AST_GREP="$(ls "$TOOLS_DIR"/node_modules/@ast-grep/cli-*/ast-grep 2>/dev/null | head -1)"
    [[ -x "$AST_GREP" ]] || die "no ast-grep binary under $TOOLS_DIR/node_modules/@ast-grep"
fi

if [[ -n "$FLAGLINT_BIN" ]]; then
    FLAGLINT="$(realpath "$FLAGLINT_BIN")"
    FL_REV="binary $FLAGLINT"
else
    log "Building flaglint (cargo build --release)"
    (cd "$REPO_DIR" && cargo build --release --quiet) || die "cargo build --release failed"
    FLAGLINT="$REPO_DIR/target/release/flaglint"
    FL_REV="$(git -C "$REPO_DIR" rev-parse --short HEAD)"
    [[ -z "$(git -C "$REPO_DIR" status --porcelain -- src Cargo.toml Cargo.lock queries)" ]] \
        || FL_REV="$FL_REV + uncommitted changes"
fi
[[ -x "$FLAGLINT" ]] || die "no flaglint binary at $FLAGLINT"

# --------------------------------------------------------------------- the list
# name, full commit and git dir of each repository.
REPO_NAMES=(); REPO_SLUGS=(); REPO_COMMITS=(); REPO_GITDIRS=()
while read -r name slug commit gitdir _; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    [[ -n "$commit" ]] || die "$LIST: '$name' has no commit"
    gitdir="${gitdir:-$MIRROR_DIR/${slug%%/*}+${slug#*/}/repo}"
    [[ -d "$gitdir" ]] || die "$name: no git dir $gitdir (bring github:$slug with the fetch tool, or give a 4th column)"
    full="$(git -C "$gitdir" rev-parse --verify -q "$commit^{commit}" || true)"
    if [[ -z "$full" ]]; then
        head="$(git -C "$gitdir" log -1 --format='%H %cs' HEAD 2>/dev/null || echo unknown)"
        die "$name: commit $commit is not in $gitdir (its HEAD is $head); put the nearest commit in $LIST and say so"
    fi
    REPO_NAMES+=("$name"); REPO_SLUGS+=("$slug"); REPO_COMMITS+=("$full"); REPO_GITDIRS+=("$gitdir")
done < "$LIST"
[[ ${#REPO_NAMES[@]} -gt 0 ]] || die "$LIST lists no repository"

# -------------------------------------------------------------------- the corpus
# Each commit's tree goes through `git archive | tar -x` into CORPUS/<name>. A snapshot
# from `fetch` lacks files of 4 MiB and more, and `git archive` stops at the first missing
# blob; so the tree archived is the commit's tree less those blobs (and, with --select
# sources, less everything but sources), written with a scratch index into a scratch
# object folder that borrows the snapshot's objects: the git dir is only read.
EXTRACT_VERSION=1
MANIFEST_KEY="$( { echo "extract $EXTRACT_VERSION select $SELECT"
    for i in "${!REPO_NAMES[@]}"; do echo "${REPO_NAMES[$i]} ${REPO_COMMITS[$i]}"; done; } | sha256sum | cut -c1-16)"
MANIFEST="$CORPUS/.bench-corpus"

SOURCES_RE='(\.(js|jsx|mjs|cjs|ts|tsx|mts|cts)$|(^|/)(package\.json|[tj]sconfig[^/]*\.json|\.gitignore|\.ignore|flaglint\.toml)$)'

extract_repo() {  # name commit gitdir dest missing-list
    local name="$1" commit="$2" gitdir="$3" dest="$4" missing="$5"
    local scratch="$CORPUS.scratch/$name"
    rm -rf "$scratch" && mkdir -p "$scratch/objects" "$dest"
    (
        export GIT_DIR="$gitdir" GIT_INDEX_FILE="$scratch/index" \
            GIT_OBJECT_DIRECTORY="$scratch/objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$gitdir/objects"
        # `ls-tree -l` prints BAD for the size of a blob the snapshot does not hold.
        git ls-tree -r -l -z "$commit" | python3 -c '
import re, sys
select, missing_out = sys.argv[1], open(sys.argv[2], "w")
sources = re.compile(sys.argv[3])
for record in sys.stdin.buffer.read().split(b"\0"):
    if not record:
        continue
    meta, path = record.split(b"\t", 1)
    mode, kind, sha, size = meta.split()
    if kind != b"blob":          # submodules
        continue
    name = path.decode("utf-8", "surrogateescape")
    if size == b"BAD":
        missing_out.write(name + "\n")
        continue
    if select == "sources" and not sources.search(name):
        continue
    sys.stdout.buffer.write(mode + b" " + sha + b"\t" + path + b"\0")
' "$SELECT" "$missing" "$SOURCES_RE" | git update-index -z --add --index-info
        tree="$(git write-tree)"
        git archive "$tree" | tar -x -C "$dest"
    )
    rm -rf "$scratch"
}

if [[ $REBUILD -eq 1 || ! -f "$MANIFEST" || "$(sed -n 1p "$MANIFEST" 2>/dev/null)" != "$MANIFEST_KEY" ]]; then
    log "Extracting ${#REPO_NAMES[@]} repositories into $CORPUS (select: $SELECT)"
    rm -rf "$CORPUS" "$CORPUS.scratch"
    mkdir -p "$CORPUS"
    for i in "${!REPO_NAMES[@]}"; do
        echo "  ${REPO_NAMES[$i]} @ ${REPO_COMMITS[$i]:0:12}" >&2
        extract_repo "${REPO_NAMES[$i]}" "${REPO_COMMITS[$i]}" "${REPO_GITDIRS[$i]}" \
            "$CORPUS/${REPO_NAMES[$i]}" "$CORPUS/.missing-${REPO_NAMES[$i]}"
    done
    rmdir "$CORPUS.scratch" 2>/dev/null || true
    # A git repository with nothing committed, as run.sh makes its corpus: ripgrep and
    # ast-grep apply .gitignore files only inside one (flaglint applies them anyway).
    git -C "$CORPUS" init -q
    echo "$MANIFEST_KEY" > "$MANIFEST"
else
    echo "monorepo.sh: reusing the corpus in $CORPUS (same list, commits and selection)" >&2
fi

# What each tool is given: the JS/TS files flaglint's walk takes (.gitignore applied,
# hidden files and folders and node_modules skipped, declaration files left out). In
# ripgrep 13 a file that `-t` selects is searched even when hidden, hence `-g '!.*'`:
# with it, ripgrep lists as many files per repository as flaglint reads.
RG_TYPE=(--type-add 'jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}' -t jsts -g '!*.d.ts' -g '!*.d.mts' -g '!*.d.cts' -g '!.*' -g '!node_modules')
log "Corpus composition"
{
    printf 'name\tslug\tcommit\tjsts_files\tjsts_bytes\tall_files\tall_bytes\tmissing_blobs\n'
    for i in "${!REPO_NAMES[@]}"; do
        n="${REPO_NAMES[$i]}"
        read -r jf jb < <(rg --files "${RG_TYPE[@]}" -0 "$CORPUS/$n" | python3 -c '
import os, sys
paths = [p for p in sys.stdin.buffer.read().split(b"\0") if p]
print(len(paths), sum(os.path.getsize(p) for p in paths))')
        read -r af ab < <(find "$CORPUS/$n" -type f -printf '%s\n' | awk '{n++; s+=$1} END {print n+0, s+0}')
        miss="$(paste -sd ' ' "$CORPUS/.missing-$n" 2>/dev/null || true)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "${REPO_SLUGS[$i]}" "${REPO_COMMITS[$i]}" \
            "$jf" "$jb" "$af" "$ab" "${miss:--}"
    done
} > "$RUN/composition.tsv"
python3 - "$RUN/composition.tsv" >&2 <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for r in rows:
    print(f"  {r['name']:20} {r['commit'][:8]}  {int(r['jsts_files']):6} JS/TS files {int(r['jsts_bytes'])/1e6:7.1f} MB")
print(f"  {'total':20} {'':8}  {sum(int(r['jsts_files']) for r in rows):6} JS/TS files "
      f"{sum(int(r['jsts_bytes']) for r in rows)/1e6:7.1f} MB")
EOF
[[ $PREPARE_ONLY -eq 1 ]] && { echo "monorepo.sh: --prepare-only: corpus ready in $CORPUS" >&2; exit 0; }

# ------------------------------------------------------------------- commands
NCPU="$(nproc)"
PREFIX=""
if [[ -n "$CPUS" ]]; then
    PREFIX="taskset -c $CPUS "
    NCPU="$(taskset -c "$CPUS" nproc)"
fi
HAS_CACHE=0
"$FLAGLINT" refs --help 2>/dev/null | grep -q -- '--no-cache' && HAS_CACHE=1
if [[ "$COLD_FLAGS" == auto ]]; then
    COLD_FLAGS=""; [[ $HAS_CACHE -eq 1 ]] && COLD_FLAGS="--no-cache"
fi
WARM_ON=$HAS_CACHE
if [[ "$WARM_FLAGS" == auto ]]; then WARM_FLAGS=""; else WARM_ON=1; fi

# The first `; triggers:` line of every query file (awk's nextfile: `sed ...;q` would stop
# after the first file).
WORDS_ALL="$(awk '/^[[:space:]]*;[[:space:]]*triggers:/ {sub(/^[[:space:]]*;[[:space:]]*triggers:/, ""); print; nextfile}' \
    "$REPO_DIR"/queries/*.scm | tr -s ' \t' '\n\n' | awk 'NF && !seen[$0]++')"
rg_pattern() { printf '%s\n' "$@" | sed 's/[][\.+*?(){}^$|]/\\&/g' | paste -sd '|'; }
RG6_PATTERN="$(rg_pattern "${FLAGSMITH_WORDS[@]}")"
# shellcheck disable=SC2086
RGALL_PATTERN="$(rg_pattern $WORDS_ALL)"
RG_TYPE_Q="--type-add 'jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}' -t jsts -g '!*.d.ts' -g '!*.d.mts' -g '!*.d.cts' -g '!.*' -g '!node_modules'"
FL="${PREFIX}$(q "$FLAGLINT") refs $(q "$CORPUS") --format json${FLAGLINT_FLAGS:+ $FLAGLINT_FLAGS}"
CMD_FL_COLD="$FL${COLD_FLAGS:+ $COLD_FLAGS}"
CMD_FL_J1="$CMD_FL_COLD --threads 1"
CMD_FL_JN="$CMD_FL_COLD --threads $THREADS_N"
CMD_FL_WARM="$FL${WARM_FLAGS:+ $WARM_FLAGS}"
CMD_RG6="${PREFIX}rg -c --no-messages -e $(q "$RG6_PATTERN") $RG_TYPE_Q $(q "$CORPUS")"
CMD_RGALL="${PREFIX}rg -c --no-messages -e $(q "$RGALL_PATTERN") $RG_TYPE_Q $(q "$CORPUS")"
CMD_SG="${PREFIX}$(q "$AST_GREP") scan -j $NCPU --json=stream --inline-rules \"\$(cat $(q "$AST_GREP_RULES"))\" $(q "$CORPUS")"

# ---------------------------------------------------------- outputs and counts
log "One run of each, for the counts"
bash -c "$CMD_FL_COLD" > "$RUN/refs.json" 2> "$RUN/refs.stderr" \
    || { sed -n 1,20p "$RUN/refs.stderr" >&2; die "flaglint refs failed"; }
bash -c "$CMD_RG6" > "$RUN/rg6-counts.txt" || true
bash -c "$CMD_RGALL" > "$RUN/rgall-counts.txt" || true
if [[ $AST_GREP_ON -eq 1 ]]; then
    bash -c "$CMD_SG" > "$RUN/ast-grep.jsonl" 2> "$RUN/ast-grep.stderr" || die "ast-grep failed"
fi
if [[ $WARM_ON -eq 1 ]]; then
    bash -c "$CMD_FL_WARM" > /dev/null 2>&1 || die "flaglint refs (warm, filling the cache) failed"
    bash -c "$CMD_FL_WARM" > "$RUN/refs-warm.json" 2> "$RUN/refs-warm.stderr" || die "flaglint refs (warm) failed"
fi
BASELINE="$DATA_DIR/baseline-refs.json"
if [[ ! -f "$BASELINE" ]]; then
    cp "$RUN/refs.json" "$BASELINE"
    echo "monorepo.sh: kept these references as the baseline, $BASELINE" >&2
fi

# ---------------------------------------------------------------- machine load
cpu_jiffies() { head -1 /proc/stat | awk '{t=0; for (i=2; i<=9; i++) t+=$i; print t, $5+$6}'; }
cpu_busy_percent() {
    local t1 i1 t2 i2
    read -r t1 i1 < <(cpu_jiffies); sleep 2; read -r t2 i2 < <(cpu_jiffies)
    echo $(( t2 > t1 ? 100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1) : 0 ))
}
children_cpu_seconds() {  # FILE: user + system time of this shell's finished children
    # `times` must run in this shell, not in a $(...) subshell, which has no children.
    sed -n 2p "$1" | awk '{s=0; for (i=1; i<=2; i++) {split($i, a, /[ms]/); s += a[1]*60 + a[2]} print s}'
}
BUSY_BEFORE="$(cpu_busy_percent)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
[[ $BUSY_BEFORE -gt 15 ]] && warn "the machine is ${BUSY_BEFORE}% busy before timing (other processes): expect noisy numbers"
read -r T0 I0 < <(cpu_jiffies)
times > "$RUN/times-before.txt"
C0="$(children_cpu_seconds "$RUN/times-before.txt")"
W0="$(date +%s.%N)"

# ---------------------------------------------------------------------- timing
HF=(hyperfine --warmup 1 --style basic --shell bash)
log "Timing ripgrep and flaglint ($RUNS runs each)"
hf_args=(-n "ripgrep (6 Flagsmith words)" "$CMD_RG6"
         -n "ripgrep (all prefilter words)" "$CMD_RGALL"
         -n "flaglint refs" "$CMD_FL_COLD"
         -n "flaglint refs --threads 1" "$CMD_FL_J1")
# With N cores, the default thread count is N: no need to time it twice.
[[ "$THREADS_N" != "$NCPU" ]] && hf_args+=(-n "flaglint refs --threads $THREADS_N" "$CMD_FL_JN")
"${HF[@]}" --runs "$RUNS" --export-json "$RUN/hf-fast.json" "${hf_args[@]}"
if [[ $WARM_ON -eq 1 ]]; then
    log "Timing flaglint with a warm cache"
    "${HF[@]}" --runs "$RUNS" --export-json "$RUN/hf-warm.json" -n "flaglint refs (warm)" "$CMD_FL_WARM"
fi
if [[ $AST_GREP_ON -eq 1 ]]; then
    log "Timing ast-grep ($SG_RUNS runs)"
    "${HF[@]}" --runs "$SG_RUNS" --export-json "$RUN/hf-ast-grep.json" -n "ast-grep scan" "$CMD_SG"
fi

# ----------------------------------------------------------------- peak memory
log "Peak memory (/usr/bin/time -v)"
for i in $(seq 1 "$RSS_RUNS"); do
    /usr/bin/time -v -o "$RUN/rss-flaglint-$i.txt" bash -c "exec $CMD_FL_COLD" > /dev/null
done
/usr/bin/time -v -o "$RUN/rss-flaglint-j1.txt" bash -c "exec $CMD_FL_J1" > /dev/null
[[ $WARM_ON -eq 1 ]] && /usr/bin/time -v -o "$RUN/rss-flaglint-warm.txt" bash -c "exec $CMD_FL_WARM" > /dev/null
/usr/bin/time -v -o "$RUN/rss-rg.txt" bash -c "exec $CMD_RG6" > /dev/null || true
[[ $AST_GREP_ON -eq 1 ]] && /usr/bin/time -v -o "$RUN/rss-ast-grep.txt" bash -c "exec $CMD_SG" > /dev/null
grep -H "Maximum resident" "$RUN"/rss-*.txt >&2 || true

# ------------------------------------------------------------ where time goes
log "refs --stats ($STATS_RUNS runs)"
for i in $(seq 1 "$STATS_RUNS"); do
    bash -c "$CMD_FL_COLD --stats" > /dev/null 2> "$RUN/stats-$i.txt"
done
cat "$RUN/stats-1.txt" >&2

read -r T1 I1 < <(cpu_jiffies)
times > "$RUN/times-after.txt"
C1="$(children_cpu_seconds "$RUN/times-after.txt")"
W1="$(date +%s.%N)"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
HZ="$(getconf CLK_TCK)"
# CPU time every process used while timing, less this script's own children: the others'.
OTHERS="$(python3 -c "
busy = (($T1 - $T0) - ($I1 - $I0)) / $HZ
ours = $C1 - $C0
wall = $W1 - $W0
print(f'{max(busy - ours, 0):.1f} {wall * $(nproc):.1f} {wall:.1f}')")"

if [[ $PER_REPO -eq 1 && ${#REPO_NAMES[@]} -gt 1 ]]; then
    log "One repository at a time (refs --stats)"
    mkdir -p "$RUN/per-repo"
    for n in "${REPO_NAMES[@]}"; do
        bash -c "${PREFIX}$(q "$FLAGLINT") refs $(q "$CORPUS/$n") --format json${FLAGLINT_FLAGS:+ $FLAGLINT_FLAGS}${COLD_FLAGS:+ $COLD_FLAGS} --stats" \
            > "$RUN/per-repo/$n.json" 2> "$RUN/per-repo/$n.stats" || warn "flaglint refs on $n failed"
    done
fi

# ---------------------------------------------------------------------- report
log "Report"
export M_NAME="$NAME" M_LIST="$LIST" M_CORPUS="$CORPUS" M_SELECT="$SELECT" M_DATE="$STAMP" \
    M_RUN="$RUN" M_NPROC="$(nproc)" M_NCPU="$NCPU" M_CPUS="$CPUS" M_FLAGLINT="$FLAGLINT" \
    M_FL_REV="$FL_REV" M_AST_GREP="$AST_GREP" M_RUNS="$RUNS" M_SG_RUNS="$SG_RUNS" \
    M_THREADS_N="$THREADS_N" M_HAS_CACHE="$HAS_CACHE" M_WARM="$WARM_ON" M_COLD_FLAGS="$COLD_FLAGS" \
    M_WARM_FLAGS="$WARM_FLAGS" M_FLAGLINT_FLAGS="$FLAGLINT_FLAGS" M_BUSY_BEFORE="$BUSY_BEFORE" \
    M_LOAD_BEFORE="$LOAD_BEFORE" M_LOAD_AFTER="$LOAD_AFTER" M_OTHERS="$OTHERS" \
    M_WORDS6="${FLAGSMITH_WORDS[*]}" M_WORDS_ALL="$(echo $WORDS_ALL)" M_BASELINE="$BASELINE" \
    M_CMD_FL="$CMD_FL_COLD" M_CMD_FL_J1="$CMD_FL_J1" M_CMD_FL_JN="$CMD_FL_JN" \
    M_CMD_FL_WARM="$CMD_FL_WARM" M_CMD_RG6="$CMD_RG6" M_CMD_RGALL="$CMD_RGALL" M_CMD_SG="$CMD_SG"
python3 - "$RUN/meta.json" <<'EOF'
import json, os, subprocess, sys
e = os.environ
def first_line(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except Exception:
        return "unknown"
others, capacity, wall = e["M_OTHERS"].split()
meta = {
    "name": e["M_NAME"], "list": e["M_LIST"], "corpus": e["M_CORPUS"], "select": e["M_SELECT"],
    "date": e["M_DATE"], "run_dir": e["M_RUN"], "nproc": int(e["M_NPROC"]), "ncpu": int(e["M_NCPU"]),
    "cpus": e["M_CPUS"],
    "cpu": first_line("sh", "-c", "lscpu | sed -n 's/^Model name:[[:space:]]*//p'"),
    "mem": first_line("sh", "-c", "free -g | awk '/^Mem:/ {print $2 \" GiB\"}'"),
    "kernel": first_line("uname", "-sr"),
    "flaglint": first_line(e["M_FLAGLINT"], "--version") + " (" + e["M_FL_REV"] + ")",
    "rg": first_line("rg", "--version"),
    "ast_grep": first_line(e["M_AST_GREP"], "--version") if e["M_AST_GREP"] else "",
    "hyperfine": first_line("hyperfine", "--version"),
    "runs": int(e["M_RUNS"]), "sg_runs": int(e["M_SG_RUNS"]), "threads_n": int(e["M_THREADS_N"]),
    "has_cache": e["M_HAS_CACHE"] == "1", "warm": e["M_WARM"] == "1",
    "cold_flags": e["M_COLD_FLAGS"], "warm_flags": e["M_WARM_FLAGS"],
    "flaglint_flags": e["M_FLAGLINT_FLAGS"],
    "busy_before": int(e["M_BUSY_BEFORE"]), "load_before": e["M_LOAD_BEFORE"],
    "load_after": e["M_LOAD_AFTER"], "others_cpu_s": float(others),
    "capacity_cpu_s": float(capacity), "timed_wall_s": float(wall),
    "words6": e["M_WORDS6"], "words_all": e["M_WORDS_ALL"], "baseline": e["M_BASELINE"],
    "commands": {
        "flaglint refs": e["M_CMD_FL"], "flaglint refs --threads 1": e["M_CMD_FL_J1"],
        "flaglint refs --threads N": e["M_CMD_FL_JN"], "flaglint refs (warm)": e["M_CMD_FL_WARM"],
        "ripgrep (6 Flagsmith words)": e["M_CMD_RG6"],
        "ripgrep (all prefilter words)": e["M_CMD_RGALL"], "ast-grep scan": e["M_CMD_SG"],
    },
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF
python3 "$BENCH_DIR/monorepo_report.py" "$RUN" "$OUT_FILE"
echo "monorepo.sh: wrote $OUT_FILE (raw data in $RUN)" >&2
