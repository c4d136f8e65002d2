#!/usr/bin/env node
// flaglint's npm launcher. flaglint is a native program; the package manager installs it from
// whichever optional dependency in platforms.json fits this machine (their os, cpu and libc
// fields let npm, pnpm, yarn and bun skip the others). This file finds that binary and runs it
// with our arguments, standard streams, exit code and signals. It downloads nothing and needs
// no install script, so installs with scripts turned off work too.
//
// FLAGLINT_BINARY=/path/to/flaglint runs that binary instead (a source build on a platform
// without a package, say).
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const PLATFORMS = require("../platforms.json");

// Which C library this Linux runs on: a glibc binary does not start on musl (Alpine).
// /usr/bin/ldd names its libc and is read in microseconds; the Node report says it too but
// takes milliseconds, so it is only the fallback.
function linuxLibc() {
  try {
    const ldd = fs.readFileSync("/usr/bin/ldd", "latin1");
    if (ldd.includes("musl")) return "musl";
    if (ldd.includes("GNU C Library") || ldd.includes("GLIBC")) return "glibc";
  } catch (_) {
    // no ldd: ask Node
  }
  const header = process.report && process.report.getReport().header;
  return header && header.glibcVersionRuntime ? "glibc" : "musl";
}

// The packages that can run here, best first. On glibc the static musl build runs as well,
// so it is the second choice (a lockfile made on Alpine, say).
function candidates() {
  const libc = process.platform === "linux" ? linuxLibc() : undefined;
  const fits = PLATFORMS.filter(
    (p) =>
      p.os === process.platform &&
      p.cpu === process.arch &&
      (!p.libc || p.libc === libc || (libc === "glibc" && p.libc === "musl")),
  );
  fits.sort((a, b) => (a.libc === libc ? 0 : 1) - (b.libc === libc ? 0 : 1));
  return { libc, fits };
}

function describe(p) {
  return `${p.os}-${p.cpu}${p.libc ? ` (${p.libc})` : ""}`;
}

function findBinary() {
  if (process.env.FLAGLINT_BINARY) return process.env.FLAGLINT_BINARY;
  const { libc, fits } = candidates();
  const missing = [];
  for (const p of fits) {
    let dir;
    try {
      dir = path.dirname(require.resolve(`${p.package}/package.json`));
    } catch (_) {
      missing.push(`${p.package} is not installed`);
      continue;
    }
    const exe = path.join(dir, p.os === "win32" ? "flaglint.exe" : "flaglint");
    if (fs.existsSync(exe)) return exe;
    missing.push(`${p.package} is installed at ${dir} but has no ${path.basename(exe)}`);
  }
  const here = `${process.platform}-${process.arch}${libc ? ` with ${libc}` : ""}`;
  const lines = [`flaglint: no flaglint binary for this platform, ${here} (Node ${process.version}).`];
  if (fits.length > 0) {
    lines.push(
      ...missing.map((m) => `  ${m}`),
      "Its package is an optional dependency of flaglint: reinstall with optional dependencies on",
      "(not --omit=optional, --no-optional or --ignore-optional), and do not reuse a node_modules",
      "or lockfile made on another platform.",
    );
  } else {
    lines.push(`The npm package ships binaries for ${PLATFORMS.map(describe).join(", ")}.`);
  }
  lines.push(
    "Or build flaglint from source with a Rust toolchain (https://rustup.rs):",
    "  cargo install --locked flaglint",
    "then run that binary, or set FLAGLINT_BINARY to its path.",
  );
  process.stderr.write(lines.join("\n") + "\n");
  // 2: flaglint could not do its job, as the binary itself reports such failures.
  process.exit(2);
}

const binary = findBinary();
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });

// A signal sent to this process alone (a CI timeout, `kill`) goes on to flaglint, which then
// ends as it would on its own; Ctrl-C reaches both anyway.
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];
const forward = (signal) => child.kill(signal);
for (const signal of FORWARDED) process.on(signal, forward);

child.on("error", (err) => {
  process.stderr.write(`flaglint: could not run ${binary}: ${err.message}\n`);
  process.exit(2);
});

child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so the shell or CI sees what flaglint saw; if this process
    // survives it, exit as a shell would report it.
    for (const s of FORWARDED) process.removeListener(s, forward);
    try {
      process.kill(process.pid, signal);
    } catch (_) {
      // unknown to this platform: fall through
    }
    process.exit(128 + (os.constants.signals[signal] || 0));
  }
  process.exit(code);
});
