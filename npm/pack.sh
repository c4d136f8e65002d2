#!/usr/bin/env bash
# Builds the release binary and writes two npm tarballs into OUT_DIR: the `flaglint` launcher
# and the platform package holding the binary (for instance @flaglint/cli-linux-x64-gnu).
#
#   bash npm/pack.sh [--target TRIPLE[.GLIBC]] [--build "cargo zigbuild"] OUT_DIR
#
# Without --target it builds for this machine with `cargo build` into target/release (the
# binary the other CI steps use too). The release workflow passes each platform's Rust target
# and, for Linux, cargo-zigbuild with a glibc version suffix (x86_64-unknown-linux-gnu.2.17),
# so the binary runs on old distributions too.
#
# Every version comes from Cargo.toml, stamped here into copies of the package.json files, so
# the npm packages cannot drift from the crate; npm/flaglint/package.json has no version of its
# own and cannot be published as it is. platforms.json is the one list of platform packages:
# the launcher reads it at run time and this script writes the optionalDependencies from it.
set -euo pipefail
npm_dir="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$npm_dir")"

target=""
build="cargo build"
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target="$2"; shift 2 ;;
        --build) build="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        -*) echo "pack.sh: unknown option $1" >&2; exit 2 ;;
        *) [ -z "$out" ] || { echo "pack.sh: one OUT_DIR only" >&2; exit 2; }; out="$1"; shift ;;
    esac
done
[ -n "$out" ] || { echo "usage: bash npm/pack.sh [--target TRIPLE] [--build CMD] OUT_DIR" >&2; exit 2; }
for tool in cargo node npm; do
    command -v "$tool" >/dev/null || { echo "pack.sh: $tool not found on PATH" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cd "$repo"
# The triple without zigbuild's glibc suffix names the platform and the output folder.
triple="${target%%.[0-9]*}"
if [ -n "$target" ]; then
    # shellcheck disable=SC2086 # $build is a command with its arguments
    $build --release --locked --target "$target"
    bin_dir="target/$triple/release"
else
    triple="$(rustc -vV | sed -n 's/^host: //p')"
    # shellcheck disable=SC2086
    $build --release --locked
    bin_dir="target/release"
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$npm_dir/flaglint" "$stage/launcher"

# Stamp the versions and write the platform package, from Cargo.toml and platforms.json.
# Prints the platform package's binary name for the copy below.
exe="$(cargo metadata --no-deps --format-version 1 --locked | node -e '
const fs = require("fs");
const [stage, triple] = process.argv.slice(1);
const crate = JSON.parse(fs.readFileSync(0, "utf8")).packages.find((p) => p.name === "flaglint");
const platforms = require(stage + "/launcher/platforms.json");
const platform = platforms.find((p) => p.target === triple);
if (!platform) {
  console.error(`pack.sh: no npm package for ${triple} in npm/flaglint/platforms.json`);
  process.exit(2);
}
const launcherFile = stage + "/launcher/package.json";
const { name, ...rest } = JSON.parse(fs.readFileSync(launcherFile, "utf8"));
const launcher = {
  name,
  version: crate.version,
  ...rest,
  optionalDependencies: Object.fromEntries(platforms.map((p) => [p.package, crate.version])),
};
fs.writeFileSync(launcherFile, JSON.stringify(launcher, null, 2) + "\n");

const exe = platform.os === "win32" ? "flaglint.exe" : "flaglint";
const where = `${platform.os}-${platform.cpu}${platform.libc ? ` (${platform.libc})` : ""}`;
fs.mkdirSync(stage + "/platform");
fs.writeFileSync(stage + "/platform/package.json", JSON.stringify({
  name: platform.package,
  version: crate.version,
  description: `The flaglint binary for ${where}; install flaglint, which picks it`,
  license: launcher.license,
  homepage: launcher.homepage,
  repository: launcher.repository,
  os: [platform.os],
  cpu: [platform.cpu],
  ...(platform.libc ? { libc: [platform.libc] } : {}),
  files: [exe],
  // yarn berry keeps packages zipped; a binary has to be unpacked to run.
  preferUnplugged: true,
  publishConfig: { access: "public" },
}, null, 2) + "\n");
fs.writeFileSync(stage + "/platform/README.md",
  `# ${platform.package}\n\nThe flaglint binary for ${where}. Install [flaglint](https://www.npmjs.com/package/flaglint) instead: it depends on this package on that platform and runs the binary.\n`);
console.log(exe);
' "$stage" "$triple")"

cp "$bin_dir/$exe" "$stage/platform/$exe"
chmod 755 "$stage/platform/$exe"
cp README.md "$stage/launcher/README.md"

# Prints the two tarballs' paths.
for package in launcher platform; do
    tarball="$(cd "$stage/$package" && npm pack --silent --pack-destination "$out")"
    echo "$out/$tarball"
done
