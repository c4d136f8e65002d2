#!/usr/bin/env bash
# flaglint as a JavaScript team gets it: npm/pack.sh builds the release binary and packs the
# `flaglint` launcher and this platform's package; then a fresh JS project (the demo app with
# a package.json) installs both tarballs and runs flaglint through npx, an npm script, pnpm
# and the GitHub Action's install step.
#
# Everything after packing runs with cargo and rustc stripped from PATH (no Rust needed),
# with npm's cache in the temp folder, and with the registry pointed at a closed port for
# flaglint's packages: the other platforms' packages, which npm looks up as optional
# dependencies, are not published, and npm and pnpm must carry on without them, as they do
# for a platform that does not match. pnpm itself comes from the npm registry first.
#
# Prints the time from `npm install` of the tarballs to the end of the first check.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
PNPM_VERSION=12.24.0

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cargo node npm git; do
    command -v "$tool" >/dev/null || { echo "npm-e2e: $tool not found on PATH" >&2; exit 2; }
done

version="$(cargo metadata --no-deps --format-version 1 --locked --manifest-path "$repo/Cargo.toml" |
    node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).packages.find((p) => p.name === "flaglint").version)')"
bash "$repo/npm/pack.sh" "$work/dist"
launcher="$work/dist/flaglint-$version.tgz"
platform="$(ls "$work"/dist/flaglint-cli-*-"$version".tgz)"
# The reference output: the same binary, run directly.
release_bin="$repo/target/release/flaglint"

# pnpm from the registry, before the registry is closed below.
npm install --prefix "$work/tools" --no-audit --no-fund --loglevel error "pnpm@$PNPM_VERSION" ||
    fail "pnpm@$PNPM_VERSION did not install from the npm registry"
pnpm="$work/tools/node_modules/.bin/pnpm"

# No Rust from here on.
path=""
IFS=: read -ra dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
    if [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/flaglint" ]; then continue; fi
    path="${path:+$path:}$dir"
done
export PATH="$path"
for tool in cargo rustc rustup flaglint; do
    if command -v "$tool" >/dev/null; then echo "npm-e2e: $tool still on PATH" >&2; exit 2; fi
done
command -v npx >/dev/null || { echo "npm-e2e: node/npx share a folder with cargo; cannot strip Rust from PATH" >&2; exit 2; }
export npm_config_cache="$work/npm-cache" npm_config_registry="http://127.0.0.1:9/" npm_config_fetch_retries=0
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# A JS project: the demo app and a package.json with an npm script.
new_project() {
    cp -r "$repo/demo" "$1"
    cat > "$1/package.json" <<'JSON'
{ "name": "demo-app", "private": true, "scripts": { "lint:flags": "flaglint check" } }
JSON
}

# Runs "$@", keeps stdout, stderr and the exit code in $work/out, $work/err, $status.
run() {
    status=0
    ("$@") > "$work/out" 2> "$work/err" || status=$?
}

expect_demo_check() { # $1: what ran
    [ "$status" -eq 1 ] || { cat "$work/err" >&2; fail "$1 exited $status, expected 1 (the demo has findings)"; }
    grep -q 'error\[undefined-flag\]: `chekout_v3`' "$work/out" || fail "$1: no undefined-flag finding"
    grep -q 'error\[stale-flag\]: `new_checkout` .*(103 days)' "$work/out" || fail "$1: no stale-flag finding"
}

# --- npm, scripts off -----------------------------------------------------------------------
project="$work/app"
new_project "$project"
cd "$project"
t0=$(date +%s%N)
npm install --ignore-scripts --loglevel error "$launcher" "$platform"
run npx flaglint check --now 2026-11-25
t1=$(date +%s%N)
expect_demo_check "npx flaglint check"
(cd "$project" && "$release_bin" check --now 2026-11-25 > "$work/direct" 2>/dev/null) || true
cmp -s "$work/out" "$work/direct" || { diff "$work/direct" "$work/out" >&2 || true; fail "npx output differs from the binary's own"; }
echo "ok: npm install of the tarballs (scripts off), then npx flaglint check on the demo: exit 1, same output as the binary"
echo "npm-e2e: npm install to the end of the first check: $(( (t1 - t0) / 1000000 )) ms"

run npx flaglint --version
[ "$status" -eq 0 ] && [ "$(cat "$work/out")" = "flaglint $version" ] ||
    fail "npx flaglint --version printed '$(cat "$work/out")' (exit $status), expected 'flaglint $version'"
echo "ok: npx flaglint --version prints flaglint $version, Cargo.toml's version"

run npm run --silent lint:flags -- --now 2026-11-25
expect_demo_check "npm run lint:flags"
echo "ok: npm script \"lint:flags\": \"flaglint check\" exits 1 with the findings"

run npx flaglint check --no-such-option
[ "$status" -eq 2 ] || fail "a usage error exited $status through the launcher, expected 2"
echo "ok: exit code 2 from the binary comes through the launcher"

# --- pnpm -----------------------------------------------------------------------------------
project="$work/app-pnpm"
new_project "$project"
cd "$project"
"$pnpm" add --store-dir "$work/pnpm-store" --reporter=silent "$launcher" "$platform"
run "$pnpm" exec flaglint check --now 2026-11-25
expect_demo_check "pnpm exec flaglint check"
run "$pnpm" run --silent lint:flags --now 2026-11-25
expect_demo_check "pnpm run lint:flags"
echo "ok: pnpm $PNPM_VERSION (install scripts off by default) installs the tarballs; pnpm exec flaglint check and pnpm run lint:flags exit 1 with the findings"

# --- the GitHub Action's install step -------------------------------------------------------
export RUNNER_TEMP="$work/runner" GITHUB_PATH="$work/github_path"
mkdir -p "$RUNNER_TEMP"
: > "$GITHUB_PATH"
FLAGLINT_PACKAGES="$launcher $platform" bash "$repo/.github/action-install.sh"
action_bin="$(head -n 1 "$GITHUB_PATH")"
(cd "$work/app" && PATH="$action_bin:$PATH" run flaglint check --now 2026-11-25)
expect_demo_check "the Action's flaglint"
unset RUNNER_TEMP GITHUB_PATH
echo "ok: the Action's install step puts flaglint $version on PATH without Rust"

# --- no package for this platform -----------------------------------------------------------
# Installed with optional dependencies off: the launcher alone.
project="$work/app-no-binary"
new_project "$project"
cd "$project"
npm install --omit=optional --loglevel error "$launcher"
[ ! -e node_modules/@flaglint ] || fail "--omit=optional still installed a platform package"
run npx flaglint --version
[ "$status" -eq 2 ] || fail "without a platform package the launcher exited $status, expected 2"
host="$(node -p 'process.platform + "-" + process.arch')"
grep -q "no flaglint binary for this platform, $host" "$work/err" || { cat "$work/err" >&2; fail "the error does not name $host"; }
grep -q "@flaglint/cli-$host.* is not installed" "$work/err" || { cat "$work/err" >&2; fail "the error does not name the missing package"; }
grep -q "cargo install --locked flaglint" "$work/err" || fail "the error does not say how to build from source"
echo "ok: without its platform package, a clear error naming $host and the package (exit 2)"

# A platform with no package at all; Node is told it runs on FreeBSD before the launcher starts.
printf 'Object.defineProperty(process, "platform", { value: "freebsd" });\n' > "$work/freebsd.js"
run node --require "$work/freebsd.js" node_modules/flaglint/bin/flaglint.js --version
[ "$status" -eq 2 ] || fail "on an unsupported platform the launcher exited $status, expected 2"
grep -q "no flaglint binary for this platform, freebsd-" "$work/err" || { cat "$work/err" >&2; fail "the error does not name freebsd"; }
grep -q "ships binaries for linux-x64 (glibc), linux-x64 (musl)" "$work/err" || fail "the error does not list the platforms"
grep -q "cargo install --locked flaglint" "$work/err" || fail "the error does not say how to build from source"
echo "ok: on a platform without a package, a clear error listing the supported ones (exit 2)"

# --- exit codes and signals, through FLAGLINT_BINARY stand-ins ------------------------------
cd "$work/app"
launcher_js="$work/app/node_modules/flaglint/bin/flaglint.js"
printf '#!/bin/sh\nexit 7\n' > "$work/exit7"
printf '#!/bin/sh\nkill -TERM $$\nsleep 5\n' > "$work/die-term"
# Waits at most 10 s for a SIGTERM, off the test's pipes, so a failing test leaves nothing behind.
cat > "$work/wait-term" <<'SH'
#!/bin/sh
exec > /dev/null 2>&1
trap 'echo "got TERM" > "$MARK"; exit 5' TERM
echo started > "$MARK"
i=0
while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
SH
chmod +x "$work/exit7" "$work/die-term" "$work/wait-term"

run env FLAGLINT_BINARY="$work/exit7" node "$launcher_js"
[ "$status" -eq 7 ] || fail "exit 7 came through as $status"
# A shell cannot tell death by SIGTERM from exit 143; Node's spawnSync can.
died_of="$(FLAGLINT_BINARY="$work/die-term" node -e '
  const r = require("child_process").spawnSync(process.execPath, [process.argv[1]], { stdio: "inherit" });
  console.log(r.signal || `exit ${r.status}`);' "$launcher_js")"
[ "$died_of" = SIGTERM ] || fail "a binary killed by SIGTERM: the launcher ended with $died_of, not SIGTERM"
export MARK="$work/mark"
FLAGLINT_BINARY="$work/wait-term" node "$launcher_js" & pid=$!
for _ in $(seq 100); do [ -s "$MARK" ] && break; sleep 0.1; done
[ "$(cat "$MARK")" = started ] || fail "the stand-in binary did not start"
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
[ "$(cat "$MARK")" = "got TERM" ] || fail "SIGTERM to the launcher did not reach the binary"
[ "$status" -eq 5 ] || fail "after a forwarded SIGTERM the launcher exited $status, expected the binary's 5"
echo "ok: exit codes, death by signal and a SIGTERM to the launcher pass through"

echo "npm-e2e: all passed"
