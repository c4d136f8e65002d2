#!/usr/bin/env bash
# Checks that `flaglint check --format sarif` writes valid SARIF 2.1.0, on the bundled demo
# (which has findings of most rules, an unused flag without a place in the code among them):
#
#  1. against the SARIF 2.1.0 JSON schema (sarif-2.1.0.json, as shipped with the SARIF
#     Multitool by the SARIF SDK), with ajv (draft 2020-12, formats such as uri and
#     uri-reference checked by ajv-formats);
#  2. with the SARIF Multitool's `validate`: its SARIF rules (SARIF1xxx errors, SARIF2xxx
#     warnings), then its GitHub code scanning ingestion rules (`--rule-kind Gh`).
#
# VALIDATE_SARIF=FILE checks that file instead of the demo's output (to see the checks fail).
# Exits non-zero on any schema error, or any Multitool result at level error or warning
# (notes, such as "consider message ids instead of text", are listed and allowed).
# Installs the tools from the npm registry into .ci/.tools (ignored by git); the Multitool
# is a self-contained .NET program for linux-x64 packaged for npm: no .NET runtime needed.
set -euo pipefail
cd "$(dirname "$0")/.."

AJV_CLI=5.0.0
AJV_FORMATS=3.0.1
MULTITOOL=5.7.0

TOOLS=.ci/.tools
BIN="$TOOLS/node_modules/.bin"
MULTITOOL_DIR="$TOOLS/node_modules/@microsoft/sarif-multitool-linux"
SCHEMA="$MULTITOOL_DIR/sarif-2.1.0.json"

command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "validate-sarif: node and npm are needed (Debian: apt-get install nodejs npm)" >&2; exit 2; }
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "validate-sarif: the SARIF Multitool package for npm runs on linux-x64 only, not $(uname -sm)" >&2
  exit 2
fi

installed() { # package version
  node -p "require('./$TOOLS/node_modules/$1/package.json').version" 2>/dev/null | grep -qx "$2"
}
if ! installed ajv-cli "$AJV_CLI" || ! installed ajv-formats "$AJV_FORMATS" ||
  ! installed @microsoft/sarif-multitool-linux "$MULTITOOL"; then
  echo "validate-sarif: installing ajv-cli $AJV_CLI, ajv-formats $AJV_FORMATS, SARIF Multitool $MULTITOOL into $TOOLS"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
    "ajv-cli@$AJV_CLI" "ajv-formats@$AJV_FORMATS" "@microsoft/sarif-multitool-linux@$MULTITOOL"
fi
printf '*\n' >"$TOOLS/.gitignore"
chmod u+x "$MULTITOOL_DIR/Sarif.Multitool"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sarif="$work/demo.sarif"

if [ -n "${VALIDATE_SARIF:-}" ]; then
  cp "$VALIDATE_SARIF" "$sarif"
else
  cargo build --locked --quiet --bin flaglint
  status=0
  target/debug/flaglint check demo --now 2026-11-25 --format sarif --fail-on never -o "$sarif" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "validate-sarif: flaglint check exited $status" >&2
    exit 1
  fi
fi
node -e '
  const run = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runs[0];
  const counts = {};
  for (const r of run.results) counts[r.ruleId] = (counts[r.ruleId] || 0) + 1;
  const rules = run.tool.driver.rules.map(r => r.id);
  console.log(`validate-sarif: ${run.results.length} results: ` +
    rules.map(id => `${id} ${counts[id] || 0}`).join(", "));
  if (run.results.length === 0) { console.error("validate-sarif: the demo gave no results"); process.exit(1); }
' "$sarif"

failed=0

# 1. The JSON schema. ajv-cli picks a parser by the file's extension: give it .json.
cp "$sarif" "$work/demo.sarif.json"
if "$BIN/ajv" validate --spec=draft2020 -c ajv-formats --errors=text \
  -s "$SCHEMA" -d "$work/demo.sarif.json"; then
  echo "validate-sarif: schema: valid"
else
  echo "validate-sarif: schema: INVALID" >&2
  failed=1
fi

# 2. The SARIF Multitool. Called directly, not through its npm bin.js, which passes the
# arguments through a shell. Invariant globalization: no ICU library needed.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_BUNDLE_EXTRACT_BASE_DIR="$PWD/$TOOLS/.net"
multitool() { # name, extra arguments...
  local name=$1 log="$work/$1.validation.sarif"
  shift
  if ! "$MULTITOOL_DIR/Sarif.Multitool" validate "$sarif" -o "$log" --log ForceOverwrite "$@" \
    >"$work/$name.out" 2>&1; then
    cat "$work/$name.out" >&2
    echo "validate-sarif: $name: the Multitool failed to run" >&2
    return 1
  fi
  # The Multitool exits 0 whatever it finds: read its own SARIF log for the levels, and
  # show its console lines for the errors and warnings.
  grep -E '(error|warning) (SARIF|GH)[0-9]+:' "$work/$name.out" || true
  node -e '
    const [file, name] = process.argv.slice(1);
    const results = JSON.parse(require("fs").readFileSync(file, "utf8")).runs[0].results || [];
    const level = r => r.level || "warning";
    const count = {};
    for (const r of results) count[`${level(r)} ${r.ruleId}`] = (count[`${level(r)} ${r.ruleId}`] || 0) + 1;
    const bad = results.filter(r => level(r) !== "note" && level(r) !== "none").length;
    const list = Object.entries(count).sort().map(([k, n]) => `${k} x${n}`).join(", ");
    console.log(`validate-sarif: ${name}: ${bad} errors or warnings` + (list ? ` (${list})` : ""));
    process.exit(bad ? 1 : 0);
  ' "$log" "$name"
}
multitool multitool-sarif-rules --level "Error;Warning;Note" || failed=1
multitool multitool-github-rules --rule-kind Gh || failed=1

if [ "$failed" -ne 0 ]; then
  echo "validate-sarif: FAILED" >&2
  exit 1
fi
echo "validate-sarif: ok"
