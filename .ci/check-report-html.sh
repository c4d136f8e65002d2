#!/usr/bin/env bash
# Browser check for `flaglint report --format html`: render the demo's report in headless
# Chromium and fail on any console error, a load failure or a missing screenshot.
#
#   .ci/check-report-html.sh [REPORT.html]
#
# Without an argument it builds flaglint and writes the demo's report first. Chromium comes
# from Debian (`apt-get install -y chromium`) when it is not installed. The page is rendered
# at 1400 and at 800 px wide; the screenshots are left for a person to look at in a new
# folder of their own (mktemp; $SCREENSHOTS names another), whose path the script prints.
set -euo pipefail
cd "$(dirname "$0")/.."

shots=${SCREENSHOTS:-$(mktemp -d "${TMPDIR:-/tmp}/flaglint-report.XXXXXX")}
mkdir -p "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

browser=""
for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null; then browser=$name; break; fi
done
if [ -z "$browser" ]; then
    echo "installing chromium (Debian package)" >&2
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
    browser=chromium
fi

if [ $# -ge 1 ]; then
    report=$(realpath "$1")
else
    cargo build --locked --quiet
    report="$work/report.html"
    # --no-git: the page is the same whichever commit the demo was last touched in.
    target/debug/flaglint report demo --now 2026-11-25 --no-git --format html --output "$report"
    # Also the hostile names of the escaping test: nothing in them may run or load.
    mkdir -p "$work/evil/src"
    cat >"$work/evil/src/\"><img src=x onerror=alert(1)>.ts" <<'JS'
import flagsmith from 'flagsmith';
flagsmith.hasFeature('<script>alert(1)</script>');
flagsmith.hasFeature('ok_flag');
JS
    cat >"$work/evil/flags.toml" <<'TOML'
provider = "flagsmith"
environments = ["Production"]
[[flags]]
key = "<script>alert(2)</script>"
created = "2026-01-01"
owners = ["</td><script>alert(3)</script>"]
[flags.environments.Production]
enabled = true
value = "<b onmouseover=alert(4)>x</b>"
[[flags]]
key = "ok_flag"
created = "2026-01-01"
TOML
    printf '[service]\nfile = "flags.toml"\n' >"$work/evil/flaglint.toml"
    target/debug/flaglint report "$work/evil" --now 2026-11-25 --no-git --format html --output "$work/evil.html" || true
fi

render() { # render FILE.html SCREENSHOT.png WIDTH -> stderr in $work/stderr.txt
    rm -f "$2"
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$work")" --enable-logging=stderr --v=0 \
        --screenshot="$2" --window-size="$3,2400" --hide-scrollbars "file://$1" \
        >"$work/stdout.txt" 2>"$work/stderr.txt" || {
        cat "$work/stderr.txt" >&2
        echo "FAIL: $browser exited with an error on $1" >&2
        return 1
    }
    # The page has no script, so any console message is a fault: an exception, a CSP
    # violation ("Refused to ..."), a failed load. Chromium logs them as CONSOLE lines
    # (`:INFO:CONSOLE:12] "..."` now, `CONSOLE(12)` with a level in older versions).
    if grep -E "Uncaught|CONSOLE[:(]|Refused to|net::ERR_" "$work/stderr.txt" >"$work/errors.txt"; then
        cat "$work/errors.txt" >&2
        echo "FAIL: console errors while rendering $1" >&2
        return 1
    fi
    # Self-contained: nothing loaded from anywhere, no script at all.
    if grep -n -i -E "<script|(src|href)=\"(https?:)?//|url\((['\"])?(https?:)?//|@import" "$1" >"$work/external.txt"; then
        cat "$work/external.txt" >&2
        echo "FAIL: $1 has a script or an external resource" >&2
        return 1
    fi
    if ! [ -s "$2" ]; then
        cat "$work/stderr.txt" >&2
        echo "FAIL: no screenshot written for $1" >&2
        return 1
    fi
    echo "ok: $1 rendered without console errors ($2, $(wc -c <"$2") bytes)"
}

for width in 1400 800; do
    render "$report" "$shots/report-$width.png" "$width"
done
if [ -f "$work/evil.html" ]; then
    # Injection would show as a console message (alert() in headless is logged) or a fetch of "x".
    render "$work/evil.html" "$shots/report-escaping.png" 1400
fi
echo "screenshots to look at: $shots"
