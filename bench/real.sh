#!/usr/bin/env bash
# Times flaglint, ripgrep and ast-grep on real repositories, as run.sh does on the corpus.
#
#   bash bench/run.sh --no-flaglint   # once: installs ripgrep, hyperfine and ast-grep
#   bash bench/real.sh DIR [DIR...]   # a table per run, also written to bench/results-real.md
#
# Each DIR is a checked-out JS/TS repository (bring one with `git clone`, or extract a
# snapshot with `git archive`). A `DIR.toml` beside it, if there is one, is passed to
# flaglint as --config (the app's [[wrappers]]). ripgrep searches the trigger words of
# every query file, as flaglint's prefilter does; ast-grep runs bench/ast-grep-rules.yml.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLAGLINT="${FLAGLINT:-$REPO_DIR/target/release/flaglint}"
RUNS="${RUNS:-10}"
OUT="$REPO_DIR/bench/results-real.md"

[[ $# -gt 0 ]] || { sed -n '2,10p' "$0" >&2; exit 64; }
command -v rg >/dev/null || { echo "real.sh: ripgrep missing: run bench/run.sh first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "real.sh: hyperfine missing: run bench/run.sh first" >&2; exit 2; }
AST_GREP="$(ls "$REPO_DIR"/bench/.tools/node_modules/@ast-grep/cli-*/ast-grep 2>/dev/null | head -1)"
[[ -x "$AST_GREP" ]] || { echo "real.sh: ast-grep missing: run bench/run.sh first" >&2; exit 2; }
(cd "$REPO_DIR" && cargo build --release --quiet)

WORDS="$(sed -n '/^[[:space:]]*;[[:space:]]*triggers:/{s/^[[:space:]]*;[[:space:]]*triggers://p;q}' "$REPO_DIR"/queries/*.scm \
    | tr -s ' \t' '\n\n' | awk 'NF && !seen[$0]++')"
RG_PATTERN="$(printf '%s\n' "$WORDS" | sed 's/[][\.+*?(){}^$|]/\\&/g' | paste -sd '|')"
NPROC="$(nproc)"
WORK="$(mktemp -d /tmp/flaglint-real.XXXXXX)"

q() { printf '%q' "$1"; }
mean() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$@"; }

{
    echo "# flaglint on real repositories"
    echo
    echo "Written by \`bash bench/real.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ), $NPROC cores,"
    echo "flaglint $(git -C "$REPO_DIR" rev-parse --short HEAD), $(rg --version | head -1), ast-grep $("$AST_GREP" --version | awk '{print $2}')."
    echo "hyperfine, warm page cache, --warmup 2, $RUNS runs (ast-grep 3); every tool on all cores."
    echo
    echo "| repository | JS/TS files | MB | flaglint refs (s) | references | files parsed | ripgrep (s) | ast-grep (s) | flaglint / ripgrep | ast-grep / flaglint |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
} > "$WORK/table.md"

for dir in "$@"; do
    dir="$(realpath "$dir")"
    name="$(basename "$dir")"
    config=()
    [[ -f "$dir.toml" ]] && config=(--config "$dir.toml")
    files=$(rg --files --type-add 'jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}' -t jsts -g '!*.d.ts' "$dir" | wc -l)
    bytes=$(rg --files --type-add 'jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}' -t jsts -g '!*.d.ts' -0 "$dir" | xargs -0 cat | wc -c)
    fl="$(q "$FLAGLINT") refs $(q "$dir") --format json ${config[*]:+$(printf '%q ' "${config[@]}")}"
    rgc="rg -c --no-messages -e $(q "$RG_PATTERN") --type-add 'jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}' -t jsts -g '!*.d.ts' $(q "$dir")"
    sgc="$(q "$AST_GREP") scan -j $NPROC --json=stream --inline-rules \"\$(cat $(q "$REPO_DIR/bench/ast-grep-rules.yml"))\" $(q "$dir")"
    eval "$fl" > "$WORK/$name.json"
    hyperfine --warmup 2 --runs "$RUNS" --export-json "$WORK/$name-fast.json" "$fl" "$rgc" >&2
    hyperfine --warmup 1 --runs 3 --export-json "$WORK/$name-sg.json" "$sgc" >&2
    t_fl=$(mean "$WORK/$name-fast.json" 0)
    t_rg=$(mean "$WORK/$name-fast.json" 1)
    t_sg=$(mean "$WORK/$name-sg.json" 0)
    read -r refs parsed < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["references"], s["files_parsed"])' "$WORK/$name.json")
    python3 - "$name" "$files" "$bytes" "$t_fl" "$refs" "$parsed" "$t_rg" "$t_sg" >> "$WORK/table.md" <<'EOF'
import sys
name, files, size, fl, refs, parsed, rg, sg = sys.argv[1:]
fl, rg, sg = float(fl), float(rg), float(sg)
print(f"| {name} | {files} | {int(size)/1e6:.2f} | {fl:.3f} | {refs} | {parsed} | {rg:.3f} | {sg:.3f} | {fl/rg:.1f}x | {sg/fl:.1f}x |")
EOF
done
cp "$WORK/table.md" "$OUT"
cat "$OUT"
