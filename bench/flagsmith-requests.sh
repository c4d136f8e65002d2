#!/usr/bin/env bash
# How many requests flaglint's Flagsmith read takes as a project grows: 10, 100 and 1,000
# features x 3 environments, on Core and Edge projects (migrated and not), v1 and v2 feature
# versioning. The projects are synthetic, built in the test from the recorded response shapes
# (tests/support/synthetic.rs) and served on 127.0.0.1: no network, no Flagsmith needed.
#
# Prints two tables: a server whose default page size is 999 (SaaS and the Docker image run
# Flagsmith's production settings) and one on development settings (10). The numbers are also
# the `requests_table` test's snapshots, so a change in them fails `cargo test` until the
# snapshots (and the README table) are updated.
#
# Usage: bash bench/flagsmith-requests.sh [--release]
set -euo pipefail

cd "$(dirname "$0")/.."
profile=()
case "${1:-}" in
  "") ;;
  --release) profile=(--release) ;;
  -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
esac

output=$(mktemp)
trap 'rm -f "$output"' EXIT
status=0
INSTA_UPDATE=no cargo test --locked "${profile[@]}" --test flagsmith_scale -- \
  --exact requests_table --nocapture >"$output" 2>&1 || status=$?
grep -E '^(\||Server default)' "$output" | sed 's/^Server default\(.*\)$/\nServer default\1\n/' || true
if [ "$status" -ne 0 ]; then
  echo >&2
  echo "the requests_table test failed (exit $status); its output:" >&2
  cat "$output" >&2
fi
exit "$status"
