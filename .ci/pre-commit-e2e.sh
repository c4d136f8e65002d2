#!/usr/bin/env bash
# Runs flaglint's hook through the real pre-commit framework (from PyPI) on a sample repo:
# a clean commit passes, a commit that adds an undefined flag is refused.
#
# The hook is the `flaglint` one from .pre-commit-hooks.yaml, `language: node`: pre-commit
# npm-installs the prebuilt flaglint into its own environment. Its manifest pins
# flaglint@<Cargo.toml version> from the npm registry; nothing is published from here, so the
# sample's config swaps in the tarballs npm/pack.sh makes (additional_dependencies is the
# user-facing knob for that), and the registry is pointed at a closed port so nothing can come
# from it. The hook then runs with no cargo, rustc or flaglint on PATH: it needs no Rust.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in python3 git node npm cargo; do
    command -v "$tool" >/dev/null || { echo "pre-commit-e2e: $tool not found on PATH" >&2; exit 2; }
done

version="$(cargo metadata --no-deps --format-version 1 --locked --manifest-path "$repo/Cargo.toml" |
    node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).packages.find((p) => p.name === "flaglint").version)')"
# What users get from `rev: vX.Y.Z` must be flaglint X.Y.Z.
grep -q "additional_dependencies: \[\"flaglint@$version\"\]" "$repo/.pre-commit-hooks.yaml" || {
    echo "FAIL: .pre-commit-hooks.yaml does not pin flaglint@$version (Cargo.toml's version)" >&2
    exit 1
}

bash "$repo/npm/pack.sh" "$work/dist" >/dev/null
launcher="$work/dist/flaglint-$version.tgz"
platform="$(ls "$work"/dist/flaglint-cli-*-"$version".tgz)"

python3 -m venv "$work/venv"
# The oldest pre-commit the hook declares (minimum_pre_commit_version): the first that installs
# a `language: node` hook from additional_dependencies alone.
"$work/venv/bin/pip" install --quiet pre-commit==4.6.1

# From here on: no Rust and no flaglint on PATH, and no registry for flaglint's packages.
# (The previous version of this test put target/debug on PATH for `flaglint-system`.)
path=""
IFS=: read -ra dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
    if [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/flaglint" ]; then continue; fi
    path="${path:+$path:}$dir"
done
export PATH="$work/venv/bin:$path"
for tool in cargo rustc flaglint; do
    if command -v "$tool" >/dev/null; then echo "pre-commit-e2e: $tool still on PATH" >&2; exit 2; fi
done
command -v node >/dev/null || { echo "pre-commit-e2e: node shares a folder with cargo; cannot strip Rust from PATH" >&2; exit 2; }
export PRE_COMMIT_HOME="$work/pre-commit-home"
export npm_config_cache="$work/npm-cache" npm_config_registry="http://127.0.0.1:9/" npm_config_fetch_retries=0

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
      - id: flaglint
        additional_dependencies: ["$launcher", "$platform"]
        args: [--baseline, .flaglint-baseline.json, --now, "2026-11-25", --fail-on, error]
YAML
pre-commit install-hooks
hook_bin="$(find "$PRE_COMMIT_HOME" -path '*/node_env-*/bin/flaglint' | head -n 1)"
[ -x "$hook_bin" ] || { echo "FAIL: pre-commit's node environment has no bin/flaglint" >&2; exit 1; }
[ "$("$hook_bin" --version)" = "flaglint $version" ] || { echo "FAIL: the hook's flaglint is not $version" >&2; exit 1; }
echo "ok: pre-commit installed flaglint $version with npm, without Rust"
# The demo itself has findings; accept them as a baseline, as a team adopting flaglint would.
"$hook_bin" check --now 2026-11-25 --write-baseline .flaglint-baseline.json
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
