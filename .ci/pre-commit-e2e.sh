#!/usr/bin/env bash
# Runs flaglint's hook through the real pre-commit framework (from PyPI) on a sample repo:
# a clean commit passes, a commit that adds an undefined flag is refused.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pre-commit
export PATH="$repo/target/debug:$work/venv/bin:$PATH"
command -v flaglint >/dev/null || { echo "build flaglint first (cargo build)" >&2; exit 2; }

sample="$work/sample"
cp -r "$repo/demo" "$sample"
cd "$sample"
git init -q
git config user.email ci@example.com
git config user.name CI
# The hook repository as a user would pin it: this checkout, at its HEAD.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $(git -C "$repo" rev-parse HEAD)
    hooks:
      - id: flaglint-system
        args: [--now, "2026-11-25", --fail-on, error]
YAML
# The demo itself has findings; accept them as a baseline, as a team adopting flaglint would.
flaglint check --now 2026-11-25 --write-baseline .flaglint-baseline.json
sed -i 's/args: \[/args: [--baseline, .flaglint-baseline.json, /' .pre-commit-config.yaml
git add -A
pre-commit install >/dev/null
git commit -q -m "clean start"
echo "ok: a commit with only accepted findings passes"

printf "import flagsmith from 'flagsmith';\nexport const x = flagsmith.hasFeature('no_such_flag');\n" > src/typo.ts
git add src/typo.ts
if git commit -q -m "typo" > "$work/hook.log" 2>&1; then
  echo "FAIL: the hook let an undefined flag through" >&2
  exit 1
fi
grep -q "undefined-flag" "$work/hook.log" || { cat "$work/hook.log" >&2; echo "FAIL: no undefined-flag in the hook output" >&2; exit 1; }
echo "ok: a commit adding an undefined flag is refused"
