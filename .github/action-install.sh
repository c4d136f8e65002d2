#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): the prebuilt flaglint from npm, into the
# runner's temp folder, on PATH for the later steps. No Rust, nothing compiled; node and npm
# are on every GitHub-hosted runner.
#
# FLAGLINT_VERSION  the version to install; empty means the action's own, the version in the
#                   Cargo.toml beside this file, so `uses: flaglint/flaglint@v0.1.0` runs 0.1.0.
# FLAGLINT_PACKAGES what to give npm instead of flaglint@VERSION (tarballs from npm/pack.sh);
#                   .ci/npm-e2e.sh uses it to run this script before anything is published.
# RUNNER_TEMP, GITHUB_PATH  set by the runner.
set -euo pipefail
action_dir="$(cd "$(dirname "$0")/.." && pwd)"
: "${RUNNER_TEMP:?RUNNER_TEMP is not set (run inside GitHub Actions)}"
: "${GITHUB_PATH:?GITHUB_PATH is not set (run inside GitHub Actions)}"
command -v npm >/dev/null || { echo "flaglint action: npm not found; add actions/setup-node before this action" >&2; exit 2; }

version="${FLAGLINT_VERSION:-}"
if [ -z "$version" ]; then
    # [package] comes first in Cargo.toml, so its version line is the first one.
    version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_dir/Cargo.toml" | head -n 1)"
fi
[ -n "$version" ] || { echo "flaglint action: no version given and none found in $action_dir/Cargo.toml" >&2; exit 2; }
version="${version#v}"

prefix="$RUNNER_TEMP/flaglint-$version"
if [ -n "${FLAGLINT_PACKAGES:-}" ]; then
    # shellcheck disable=SC2206 # a list of paths, split on spaces
    packages=($FLAGLINT_PACKAGES)
else
    packages=("flaglint@$version")
fi
echo "flaglint action: npm install ${packages[*]}"
npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel error "${packages[@]}"

# npm puts global bins in PREFIX/bin on Unix and in PREFIX itself on Windows.
bin="$prefix/bin"
[ -d "$bin" ] || bin="$prefix"
got="$("$bin/flaglint" --version)"
[ "$got" = "flaglint $version" ] || { echo "flaglint action: installed '$got', expected flaglint $version" >&2; exit 2; }
echo "$bin" >> "$GITHUB_PATH"
echo "flaglint action: $got, prebuilt, from npm"
