#!/usr/bin/env bash
# The Unleash provider against a real unleash-server (8.2.0, from the npm registry) on a
# private PostgreSQL, both on 127.0.0.1: starts them with shared/unleash/start-unleash.sh,
# runs the ignored e2e test of tests/provider_unleash.rs, and stops them again unless they
# were already running.
#
# Needs node >= 20.19 and npm on PATH; start-unleash.sh installs PostgreSQL and curl with
# apt-get when they are missing (as root) and unleash-server with `npm ci` (pinned lockfile).
#
# Where shared/ is: $FLAGLINT_SHARED, else beside the repository (../shared from its root),
# which is where CI puts its copy and where it is on a developer machine.
#
# Each run gets its own server: UNLEASH_HOME in a new mktemp folder, and free ports for
# unleash-server and PostgreSQL, so that two runs on one machine cannot collide; the folder
# is deleted afterwards. To reuse a server across runs, set UNLEASH_HOME (and the ports, if
# not the defaults): a server already running there is used and left running.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${FLAGLINT_SHARED:-$(cd .. && pwd)/shared}
START=$SHARED/unleash/start-unleash.sh
[ -f "$START" ] || { echo "unleash-e2e: $START not found; set FLAGLINT_SHARED to the shared/ folder" >&2; exit 2; }
command -v node >/dev/null || { echo "unleash-e2e: node not found: install Node.js >= 20.19 and npm first" >&2; exit 2; }

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
t0=$SECONDS

# Build first, so the server does not sit idle while the test compiles.
cargo test --locked --test provider_unleash --no-run

# A port nothing listens on now, from the kernel.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

own_home=0
if [ -z "${UNLEASH_HOME:-}" ]; then
    own_home=1
    UNLEASH_HOME=$(mktemp -d "${TMPDIR:-/tmp}/flaglint-unleash.XXXXXX")
    UNLEASH_PORT=${UNLEASH_PORT:-$(free_port)}
    UNLEASH_PG_PORT=${UNLEASH_PG_PORT:-$(free_port)}
fi
export UNLEASH_HOME UNLEASH_PORT UNLEASH_PG_PORT

started_here=1
if [ "$own_home" = 0 ] && bash "$START" status >/dev/null 2>&1; then
    started_here=0
    echo "unleash-e2e: unleash-server already running in $UNLEASH_HOME; leaving it running afterwards" >&2
fi
stop() {
    if [ "$own_home" = 1 ]; then
        bash "$START" purge || true     # stops both servers and deletes the folder
    elif [ "$started_here" = 1 ]; then
        bash "$START" stop || true
    fi
}
trap stop EXIT

t1=$SECONDS
exports=$(bash "$START")   # an assignment, so a failed start stops the script
eval "$exports"
echo "unleash-e2e: server ready in $((SECONDS - t1)) s at $UNLEASH_URL" >&2

t2=$SECONDS
cargo test --locked --test provider_unleash -- --ignored --nocapture
echo "unleash-e2e: e2e test took $((SECONDS - t2)) s; whole script $((SECONDS - t0)) s" >&2
