#!/usr/bin/env bash
# flaglint benchmark: generate a large JS/TS corpus, then time `flaglint refs` against
# ripgrep (same trigger words) and ast-grep (equivalent call patterns), measure peak
# memory and thread scaling, and write bench/results.md. See bench/README.md.
#
#   bash bench/run.sh                 # full run; fails loudly if flaglint fails
#   bash bench/run.sh --no-flaglint   # tolerate a flaglint that does not build or run
#   bash bench/run.sh --git           # corpus as a git repo with 2 staged changes, and
#                                     # time `flaglint check --staged` when it exists
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
TOOLS_DIR="$BENCH_DIR/.tools"
AST_GREP_VERSION="0.51.1"          # pinned; `npm view @ast-grep/cli version` for the latest
AST_GREP_RULES="$BENCH_DIR/ast-grep-rules.yml"

# The words flaglint's prefilter looks for: the Flagsmith SDK's method and hook names (as
# in queries/flagsmith.scm). flaglint's prefilter takes the union of the `; triggers:`
# headers of queries/*.scm, so when those files exist the words are read from there and
# ripgrep always searches exactly what the prefilter searches; a difference from this list
# is printed as a warning. Keep this list and ast-grep-rules.yml in sync with them.
TRIGGER_WORDS=(hasFeature getValue isFeatureEnabled getFeatureValue getFlag getExperimentFlag
               trackExposureEvent useFlags useExperiment getAllFlags defaultFlags)

CORPUS="${CORPUS:-/tmp/flaglint-corpus}"
OUT_FILE="$BENCH_DIR/results.md"
RUNS=5
SG_RUNS=3
SEED=1234
FILES=21000
MIN_MB=100
NO_FLAGLINT=0
REGEN=0
GIT=0
STRICT=0
FLAGLINT_BIN=""

usage() {
    cat <<EOF
usage: bash bench/run.sh [options]

  --no-flaglint     tolerate flaglint failures (build, refs, --threads): report ripgrep and
                    ast-grep only. Without it any flaglint failure stops the run (exit 1).
  --git             make the corpus a git repo: commit all files, then modify 2 files and
                    stage them; also times \`flaglint check --staged\` when flaglint has it
  --corpus DIR      corpus directory (default: \$CORPUS or /tmp/flaglint-corpus); reused when
                    it already holds a corpus with the same seed/size, else regenerated
  --regen           regenerate the corpus even if it exists
  --runs N          hyperfine runs for flaglint and ripgrep (default $RUNS)
  --sg-runs N       hyperfine runs for ast-grep (default $SG_RUNS; it is much slower)
  --seed N          corpus seed (default $SEED)
  --files N         minimum source files (default $FILES)
  --min-mb N        minimum source MB (default $MIN_MB)
  --out FILE        results file (default bench/results.md)
  --flaglint BIN    benchmark this flaglint binary instead of building target/release/flaglint
  --strict          exit 2 when a target is missed
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-flaglint) NO_FLAGLINT=1 ;;
        --git) GIT=1 ;;
        --corpus) CORPUS="$2"; shift ;;
        --regen) REGEN=1 ;;
        --runs) RUNS="$2"; shift ;;
        --sg-runs) SG_RUNS="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        --files) FILES="$2"; shift ;;
        --min-mb) MIN_MB="$2"; shift ;;
        --out) OUT_FILE="$2"; shift ;;
        --flaglint) FLAGLINT_BIN="$2"; shift ;;
        --strict) STRICT=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    esac
    shift
done

log() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf '\033[33mWARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# flaglint trouble: fatal by default, a warning with --no-flaglint.
FLAGLINT_OK=1
FLAGLINT_PROBLEM=""
flaglint_failed() {
    if [[ $NO_FLAGLINT -eq 1 ]]; then
        warn "flaglint: $* (continuing: --no-flaglint)"
        FLAGLINT_OK=0
        FLAGLINT_PROBLEM="${FLAGLINT_PROBLEM:+$FLAGLINT_PROBLEM; }$*"
    else
        die "flaglint: $* (use --no-flaglint to benchmark the other tools anyway)"
    fi
}

NPROC="$(nproc)"
WORK="$(mktemp -d /tmp/flaglint-bench.XXXXXX)"
echo "run.sh: scratch files in $WORK" >&2

# ------------------------------------------------------------------ corpus location
CORPUS="$(realpath -m "$CORPUS")"
case "$CORPUS/" in
    "$REPO_DIR"/*) die "the corpus must live outside the repository ($CORPUS is inside $REPO_DIR)" ;;
esac

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
command -v rg >/dev/null || { echo "installing ripgrep" >&2; apt_install ripgrep; }
command -v hyperfine >/dev/null || { echo "installing hyperfine" >&2; apt_install hyperfine; }
[[ -x /usr/bin/time ]] || { echo "installing GNU time" >&2; apt_install time; }
command -v git >/dev/null || { echo "installing git" >&2; apt_install git; }
command -v python3 >/dev/null || { echo "installing python3" >&2; apt_install python3; }
command -v npm >/dev/null || { echo "installing npm" >&2; apt_install nodejs npm; }

installed_sg_version() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
        "$TOOLS_DIR/node_modules/@ast-grep/cli/package.json" 2>/dev/null || true
}
if [[ "$(installed_sg_version)" != "$AST_GREP_VERSION" ]]; then
    echo "installing @ast-grep/cli@$AST_GREP_VERSION into $TOOLS_DIR" >&2
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error \
        "@ast-grep/cli@$AST_GREP_VERSION" >&2
fi
# Prefer the native binary of the platform package (no node wrapper, no postinstall
# needed). Never a bare `sg`: on Debian that is shadow's group command.
AST_GREP=""
for candidate in "$TOOLS_DIR"/node_modules/@ast-grep/cli-*/ast-grep "$TOOLS_DIR/node_modules/.bin/ast-grep"; do
    version="$("$candidate" --version 2>/dev/null || true)"
    if [[ -x "$candidate" && "$version" == *"$AST_GREP_VERSION"* ]]; then
        AST_GREP="$candidate"
        break
    fi
done
[[ -n "$AST_GREP" ]] || die "ast-grep $AST_GREP_VERSION not usable under $TOOLS_DIR"
echo "ripgrep:   $(command -v rg) ($(rg --version | sed -n 1p))" >&2
echo "hyperfine: $(hyperfine --version)" >&2
echo "ast-grep:  $AST_GREP ($("$AST_GREP" --version))" >&2

# ---------------------------------------------------------------------- flaglint
if [[ -n "$FLAGLINT_BIN" ]]; then
    FLAGLINT="$(realpath -m "$FLAGLINT_BIN")"
    [[ -x "$FLAGLINT" ]] || flaglint_failed "$FLAGLINT is not an executable"
else
    FLAGLINT="$REPO_DIR/target/release/flaglint"
    log "Building flaglint (cargo build --release)"
    if ! command -v cargo >/dev/null; then
        flaglint_failed "cargo not found (install Rust, or pass --flaglint BIN)"
    elif ! (cd "$REPO_DIR" && cargo build --release); then
        flaglint_failed "cargo build --release failed"
    elif [[ ! -x "$FLAGLINT" ]]; then
        flaglint_failed "no binary at $FLAGLINT after the build"
    fi
fi

# ------------------------------------------------------------------ trigger words
# Like SdkSpec::parse in src/matcher: the first `; triggers:` line of a query file.
query_triggers() {
    local f
    for f in "$@"; do
        [[ -f "$f" ]] && sed -n '/^[[:space:]]*;[[:space:]]*triggers:/{s/^[[:space:]]*;[[:space:]]*triggers://p;q}' "$f"
    done | tr -s ' \t' '\n\n' | awk 'NF && !seen[$0]++'
}
WORDS=("${TRIGGER_WORDS[@]}")
WORDS_SOURCE="run.sh TRIGGER_WORDS"
mapfile -t QUERY_WORDS < <(query_triggers "$REPO_DIR"/queries/*.scm)
mapfile -t FLAGSMITH_WORDS < <(query_triggers "$REPO_DIR/queries/flagsmith.scm")
if [[ ${#QUERY_WORDS[@]} -gt 0 ]]; then
    # The prefilter looks for the words of every SDK, so ripgrep searches them all.
    WORDS=("${QUERY_WORDS[@]}")
    WORDS_SOURCE="union of the '; triggers:' headers of queries/*.scm, as flaglint's prefilter"
    if [[ ${#FLAGSMITH_WORDS[@]} -gt 0 ]]; then
        only_flaglint=$(comm -13 <(printf '%s\n' "${TRIGGER_WORDS[@]}" | sort -u) <(printf '%s\n' "${FLAGSMITH_WORDS[@]}" | sort -u) | tr '\n' ' ')
        only_script=$(comm -23 <(printf '%s\n' "${TRIGGER_WORDS[@]}" | sort -u) <(printf '%s\n' "${FLAGSMITH_WORDS[@]}" | sort -u) | tr '\n' ' ')
        if [[ -n "$only_flaglint$only_script" ]]; then
            warn "TRIGGER_WORDS in run.sh differ from queries/flagsmith.scm (ripgrep uses the query files):" \
                "only in flagsmith.scm: [${only_flaglint% }], only in run.sh: [${only_script% }]"
        fi
    fi
fi
# The words are literal strings (some hold punctuation, e.g. `feature(`): escape regex
# metacharacters and join them into one alternation, as the prefilter's Aho-Corasick does.
RG_PATTERN="$(printf '%s\n' "${WORDS[@]}" | sed 's/[][\.+*?(){}^$|]/\\&/g' | paste -sd '|')"
echo "trigger words (${#WORDS[@]}, ${WORDS_SOURCE}): ${WORDS[*]}" >&2
# ast-grep-rules.yml covers the Flagsmith SDK, the only one the corpus uses.
RULE_WORDS=("${TRIGGER_WORDS[@]}")
[[ ${#FLAGSMITH_WORDS[@]} -gt 0 ]] && RULE_WORDS=("${FLAGSMITH_WORDS[@]}")
for w in "${RULE_WORDS[@]}"; do
    grep -qF -- "$w" "$AST_GREP_RULES" || warn "ast-grep-rules.yml has no pattern for Flagsmith trigger '$w'"
done

# ------------------------------------------------------------------------ corpus
need_regen=$REGEN
if [[ ! -f "$CORPUS/.expected.json" ]]; then
    need_regen=1
elif ! python3 - "$CORPUS/.expected.json" "$SEED" "$FILES" "$MIN_MB" "$GIT" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))
seed, files, min_mb, git = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
ok = (e.get("seed") == seed and e.get("requested_files", e["source_files"]) == files
      and e.get("requested_min_mb", min_mb) == min_mb)
if git and not (e.get("git") or {}).get("committed"):
    ok = False
sys.exit(0 if ok else 1)
EOF
then
    need_regen=1
fi
if [[ $need_regen -eq 1 ]]; then
    log "Generating corpus in $CORPUS"
    gen_args=("$CORPUS" --seed "$SEED" --files "$FILES" --min-mb "$MIN_MB" --force)
    [[ $GIT -eq 1 ]] && gen_args+=(--git)
    python3 "$BENCH_DIR/gen_corpus.py" "${gen_args[@]}"
else
    log "Reusing corpus in $CORPUS (--regen to rebuild)"
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print("  %d source files, %.1f MB, %d SDK files, %d call sites, %d expected references" % (e["source_files"], e["source_bytes"]/1e6, e["sdk_files"], e["call_sites"], e["expected_references"]))' "$CORPUS/.expected.json"
fi
CORPUS_IS_GIT=$(python3 -c 'import json,sys; print(1 if (json.load(open(sys.argv[1])).get("git") or {}).get("committed") else 0)' "$CORPUS/.expected.json")

# Warm the page cache once so no tool pays for the first read (hyperfine warms up too).
find "$CORPUS" -path "$CORPUS/.git" -prune -o -type f -print0 | xargs -0 cat > /dev/null

# ----------------------------------------------------------------------- commands
# Quote words for the shell commands hyperfine runs (and for people reading results.md).
q() {
    local out="" a
    for a in "$@"; do
        if [[ "$a" =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then
            out+="$a "
        else
            out+="'${a//\'/\'\\\'\'}' "
        fi
    done
    printf '%s' "${out% }"
}
RG_ARGS=(-c --no-messages -e "$RG_PATTERN"
         --type-add 'jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}' -t jsts
         -g '!*.d.ts' -g '!*.d.mts' -g '!*.d.cts')
CMD_RG="$(q rg "${RG_ARGS[@]}" "$CORPUS")"
CMD_RG_J1="$(q rg -j 1 "${RG_ARGS[@]}" "$CORPUS")"
CMD_RG_JN="$(q rg -j "$NPROC" "${RG_ARGS[@]}" "$CORPUS")"
# ast-grep picks 1 thread by itself on this machine; give it every core like the others.
CMD_SG="$(q "$AST_GREP" scan -j "$NPROC" --json=stream) --inline-rules \"\$(cat $(q "$AST_GREP_RULES"))\" $(q "$CORPUS")"
CMD_FL="$(q "$FLAGLINT" refs "$CORPUS" --format json)"
CMD_FL_J1="$(q "$FLAGLINT" refs "$CORPUS" --format json --threads 1)"
CMD_FL_JN="$(q "$FLAGLINT" refs "$CORPUS" --format json --threads "$NPROC")"
CMD_CHECK="cd $(q "$CORPUS") && $(q "$FLAGLINT" check --staged --config bench-flaglint.toml)"

# -------------------------------------------------------------------- match counts
log "Match counts (one run each)"
rg "${RG_ARGS[@]}" "$CORPUS" > "$WORK/rg-counts.txt" || die "ripgrep found nothing (exit $?)"
rg -o --no-filename --no-line-number "${RG_ARGS[@]:1}" "$CORPUS" | wc -l > "$WORK/rg-occurrences.txt"
rg_files=$(wc -l < "$WORK/rg-counts.txt")
rg_lines=$(awk -F: '{s += $NF} END {print s + 0}' "$WORK/rg-counts.txt")
echo "ripgrep:  $rg_lines matching lines ($(cat "$WORK/rg-occurrences.txt") occurrences) in $rg_files files" >&2
[[ $rg_lines -gt 0 ]] || die "ripgrep found no trigger words in the corpus"

bash -c "$CMD_SG" > "$WORK/ast-grep.jsonl" || die "ast-grep failed"
sg_matches=$(wc -l < "$WORK/ast-grep.jsonl")
echo "ast-grep: $sg_matches matches" >&2
[[ $sg_matches -gt 0 ]] || die "ast-grep found no matches in the corpus"

if [[ $FLAGLINT_OK -eq 1 ]]; then
    if "$FLAGLINT" refs "$CORPUS" --format json > "$WORK/flaglint.json" 2> "$WORK/flaglint.stderr"; then
        fl_count=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
refs = d if isinstance(d, list) else d.get("references", d.get("refs", []))
print(len(refs))' "$WORK/flaglint.json") || flaglint_failed "refs --format json printed no JSON reference list"
        if [[ $FLAGLINT_OK -eq 1 ]]; then
            expected_refs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["expected_references"])' "$CORPUS/.expected.json")
            echo "flaglint: $fl_count references (the corpus expects $expected_refs)" >&2
            [[ $fl_count -gt 0 ]] || flaglint_failed "refs found no references in the corpus"
        fi
    else
        rc=$?
        sed -n 1,20p "$WORK/flaglint.stderr" >&2
        flaglint_failed "refs exited with $rc"
    fi
fi

# ------------------------------------------------------------------------ timings
# Other work on the machine skews every number: measure how busy it is for 2 s first.
cpu_busy_percent() {
    local a b
    read -r -a a < <(head -1 /proc/stat)
    sleep 2
    read -r -a b < <(head -1 /proc/stat)
    local total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    local idle=$((b[4] - a[4] + b[5] - a[5]))
    echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
BUSY_BEFORE="$(cpu_busy_percent)"
if [[ $BUSY_BEFORE -gt 15 ]]; then
    warn "the machine is ${BUSY_BEFORE}% busy before timing (other processes): expect noisy numbers"
fi
HF=(hyperfine --warmup 1 --style basic --shell bash)
log "Timing ripgrep"
"${HF[@]}" --runs "$RUNS" --export-json "$WORK/hf-rg.json" \
    -n "ripgrep" "$CMD_RG" \
    -n "ripgrep -j 1" "$CMD_RG_J1" \
    -n "ripgrep -j $NPROC" "$CMD_RG_JN"

if [[ $FLAGLINT_OK -eq 1 ]]; then
    log "Timing flaglint"
    if ! "${HF[@]}" --runs "$RUNS" --export-json "$WORK/hf-flaglint.json" \
        -n "flaglint refs" "$CMD_FL" \
        -n "flaglint refs --threads 1" "$CMD_FL_J1" \
        -n "flaglint refs --threads $NPROC" "$CMD_FL_JN"; then
        flaglint_failed "a timed run failed (does \`refs --threads N\` work?)"
        rm -f "$WORK/hf-flaglint.json"
    fi
fi

log "Timing ast-grep (slow)"
"${HF[@]}" --runs "$SG_RUNS" --export-json "$WORK/hf-ast-grep.json" -n "ast-grep scan" "$CMD_SG"

# -------------------------------------------------------------------- peak memory
log "Peak memory (/usr/bin/time -v)"
/usr/bin/time -v -o "$WORK/rss-rg.txt" rg "${RG_ARGS[@]}" "$CORPUS" > /dev/null
/usr/bin/time -v -o "$WORK/rss-ast-grep.txt" bash -c "exec $CMD_SG" > /dev/null
if [[ $FLAGLINT_OK -eq 1 ]]; then
    /usr/bin/time -v -o "$WORK/rss-flaglint.txt" "$FLAGLINT" refs "$CORPUS" --format json > /dev/null \
        || flaglint_failed "refs failed under /usr/bin/time"
fi
grep -H "Maximum resident" "$WORK"/rss-*.txt >&2 || true

# ------------------------------------------------------------ check --staged (later)
CHECK_STATUS="skipped: corpus is not a committed git repo (use --git)"
if [[ $CORPUS_IS_GIT -eq 1 ]]; then
    if [[ $FLAGLINT_OK -ne 1 ]]; then
        CHECK_STATUS="skipped: flaglint unavailable"
    elif ! "$FLAGLINT" check --help 2>/dev/null | grep -q -- "--staged"; then
        CHECK_STATUS="skipped: this flaglint has no \`check --staged\` yet"
    else
        log "Timing flaglint check --staged"
        set +e
        (cd "$CORPUS" && "$FLAGLINT" check --staged --config bench-flaglint.toml) \
            > "$WORK/check.out" 2> "$WORK/check.err"
        rc=$?
        set -e
        # 0 = clean, 1 = findings; anything else is an error.
        if [[ $rc -le 1 ]]; then
            "${HF[@]}" -i --runs "$RUNS" --export-json "$WORK/hf-check.json" \
                -n "flaglint check --staged" "$CMD_CHECK"
            CHECK_STATUS="ran (exit $rc)"
        else
            CHECK_STATUS="failed (exit $rc): $(head -c 300 "$WORK/check.err" | tr '\n' ' ')"
            warn "flaglint check --staged: $CHECK_STATUS"
        fi
    fi
fi

# ------------------------------------------------------------------------ report
log "Report"
if [[ -x "$FLAGLINT" ]]; then
    FL_VERSION="$("$FLAGLINT" --version 2>/dev/null | sed -n 1p || true)"
else
    FL_VERSION="flaglint not built"
fi
if [[ -n "$FLAGLINT_BIN" ]]; then
    FL_REV="binary $FLAGLINT"
else
    FL_REV="$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo 'no commits')"
    if [[ -n "$(git -C "$REPO_DIR" status --porcelain -- src Cargo.toml Cargo.lock queries 2>/dev/null)" ]]; then
        FL_REV="$FL_REV + uncommitted changes"
    fi
fi
export BENCH_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
export BENCH_NPROC="$NPROC"
export BENCH_CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
export BENCH_MEM="$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
export BENCH_KERNEL="$(uname -sr)"
export BENCH_V_FLAGLINT="${FL_VERSION:-unknown} ($FL_REV)"
export BENCH_V_RG="$(rg --version | sed -n 1p)"
export BENCH_V_SG="$("$AST_GREP" --version)"
export BENCH_V_HYPERFINE="$(hyperfine --version)"
export BENCH_V_PYTHON="$(python3 --version 2>&1)"
export BENCH_WORDS="${WORDS[*]}"
export BENCH_WORDS_SOURCE="$WORDS_SOURCE"
export BENCH_CORPUS="$CORPUS"
export BENCH_RUNS="$RUNS"
export BENCH_SG_RUNS="$SG_RUNS"
export BENCH_FLAGLINT_OK="$FLAGLINT_OK"
export BENCH_FLAGLINT_PROBLEM="$FLAGLINT_PROBLEM"
export BENCH_NO_FLAGLINT="$NO_FLAGLINT"
export BENCH_CHECK_STATUS="$CHECK_STATUS"
export BENCH_BUSY_BEFORE="$BUSY_BEFORE"
export BENCH_CMD_FL="$CMD_FL" BENCH_CMD_FL_J1="$CMD_FL_J1" BENCH_CMD_FL_JN="$CMD_FL_JN"
export BENCH_CMD_RG="$CMD_RG" BENCH_CMD_SG="$CMD_SG" BENCH_CMD_CHECK="$CMD_CHECK"
set +e
python3 "$BENCH_DIR/report.py" "$WORK" "$OUT_FILE"
report_rc=$?
set -e
echo "run.sh: wrote $OUT_FILE (raw data in $WORK)" >&2
if [[ $report_rc -eq 2 && $STRICT -eq 1 ]]; then
    exit 2
elif [[ $report_rc -ne 0 && $report_rc -ne 2 ]]; then
    die "report.py failed"
fi
exit 0
