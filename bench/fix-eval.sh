#!/usr/bin/env bash
# Evaluates `flaglint fix` on real hand-made flag removals (see bench/fix_eval.py).
#
#   bash bench/fix-eval.sh CASES_DIR [CASE...]
#
# Needs: a release build (cargo build --release), node with prettier installed in
# $PRETTIER_MODULES (default CASES_DIR/node/node_modules: `npm i prettier` there), git.
# Extracted trees go to $RUN_DIR (default CASES_DIR/run); the evaluated repositories'
# code stays there and is never part of this repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cases="${1:?usage: fix-eval.sh CASES_DIR [CASE...]}"
shift
exec python3 "$here/fix_eval.py" "$cases" "${RUN_DIR:-$cases/run}" \
  --flaglint "${FLAGLINT:-$here/../target/release/flaglint}" \
  --prettier "${PRETTIER_MODULES:-$cases/node/node_modules}" \
  --judgements "$here/fix-eval-judgements.tsv" "$@"
