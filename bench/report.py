#!/usr/bin/env python3
"""Turn the raw files bench/run.sh left in its scratch folder into the results table.

usage: report.py WORK_DIR OUT_FILE   (run.sh passes machine facts in BENCH_* variables)

Prints the markdown and writes it to OUT_FILE. Exit status: 0 when every target is met,
2 when one is missed or could not be measured (run.sh --strict turns that into a failure).
"""

import collections
import json
import os
import re
import sys

# The product's targets.
MAX_RG_RATIO = 1.5          # flaglint wall time / ripgrep wall time
MIN_SG_RATIO = 20.0         # ast-grep wall time / flaglint wall time
MAX_RSS_MB = 200.0          # flaglint peak RSS
MIN_EFFICIENCY = 0.85       # speed-up from 1 to N threads >= 0.85 * N ("near-linear")

IGNORED_DIRS = ("node_modules/", "dist/")


def env(name, default=""):
    return os.environ.get("BENCH_" + name, default)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def hyperfine(work, name):
    data = load_json(os.path.join(work, "hf-%s.json" % name))
    if not data:
        return {}
    return {r["command"]: r for r in data["results"]}


def peak_rss_mb(work, name):
    try:
        text = open(os.path.join(work, "rss-%s.txt" % name)).read()
    except OSError:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) / 1024.0 if m else None


def fmt_time(r):
    if not r:
        return "n/a", "n/a"
    return "%.3f ± %.3f" % (r["mean"], r["stddev"] or 0.0), "%.3f" % r["min"]


def fmt_mb(v):
    return "n/a" if v is None else "%.1f" % v


def under_ignored(path, root):
    rel = os.path.relpath(path, root) if os.path.isabs(path) else path
    rel = rel.replace(os.sep, "/")
    return any(rel.startswith(d) or ("/" + d) in rel for d in IGNORED_DIRS)


def main():
    work, out_file = sys.argv[1], sys.argv[2]
    corpus = env("CORPUS")
    nproc = int(env("NPROC", "1"))
    expected = load_json(os.path.join(corpus, ".expected.json")) or {}
    bd = expected.get("breakdown", {})

    rg = hyperfine(work, "rg")
    fl = hyperfine(work, "flaglint")
    sg = hyperfine(work, "ast-grep")
    chk = hyperfine(work, "check")
    t_rg = rg.get("ripgrep")
    t_fl = fl.get("flaglint refs")
    t_sg = sg.get("ast-grep scan")
    t_fl1 = fl.get("flaglint refs --threads 1")
    t_fln = fl.get("flaglint refs --threads %d" % nproc)
    t_rg1 = rg.get("ripgrep -j 1")
    t_rgn = rg.get("ripgrep -j %d" % nproc)
    rss = {k: peak_rss_mb(work, k) for k in ("flaglint", "rg", "ast-grep")}

    # ---- match counts
    rg_files = rg_lines = 0
    rg_ignored = 0
    try:
        for line in open(os.path.join(work, "rg-counts.txt")):
            path, _, n = line.rstrip("\n").rpartition(":")
            rg_files += 1
            rg_lines += int(n)
            rg_ignored += under_ignored(path, corpus)
    except OSError:
        pass
    try:
        rg_occ = int(open(os.path.join(work, "rg-occurrences.txt")).read().strip())
    except (OSError, ValueError):
        rg_occ = None

    sg_matches, sg_files, sg_ignored = 0, set(), 0
    sg_methods = collections.Counter()
    try:
        for line in open(os.path.join(work, "ast-grep.jsonl")):
            if not line.strip():
                continue
            m = json.loads(line)
            sg_matches += 1
            sg_files.add(m["file"])
            sg_ignored += under_ignored(m["file"], corpus)
            pair = re.match(r"\s*(\w+)\s*:", m["text"])
            name = re.search(r"(\w+)\s*(?:<[^>]*>)?\s*\($", m["text"].split("(", 1)[0] + "(")
            sg_methods[pair.group(1) if pair else name.group(1) if name else "?"] += 1
    except OSError:
        pass

    fl_refs = None
    if env("FLAGLINT_OK") == "1":
        data = load_json(os.path.join(work, "flaglint.json"))
        if isinstance(data, list):
            fl_refs = data
        elif isinstance(data, dict):
            fl_refs = data.get("references", data.get("refs"))
    fl_kinds = collections.Counter(r.get("kind", "?") for r in fl_refs or [])
    fl_files = len({r.get("file") for r in fl_refs or []})
    fl_dynamic = sum(1 for r in fl_refs or [] if r.get("key") is None)
    canary = expected.get("ignored_canary_key", "")
    fl_ignored = sum(1 for r in fl_refs or []
                     if under_ignored(r.get("file", ""), corpus) or (canary and r.get("key") == canary))

    # ---- targets
    rows, missed = [], False

    def target(name, value, goal, ok):
        nonlocal missed
        verdict = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        if ok is not True:
            missed = True
        rows.append("| %s | %s | %s | %s |" % (name, value, goal, verdict))

    if t_fl and t_rg:
        ratio = t_fl["mean"] / t_rg["mean"]
        target("flaglint / ripgrep wall time", "%.2fx" % ratio, "≤ %.1fx" % MAX_RG_RATIO, ratio <= MAX_RG_RATIO)
    else:
        target("flaglint / ripgrep wall time", "n/a", "≤ %.1fx" % MAX_RG_RATIO, None)
    if t_fl and t_sg:
        ratio = t_sg["mean"] / t_fl["mean"]
        target("ast-grep / flaglint wall time", "%.1fx" % ratio, "≥ %.0fx" % MIN_SG_RATIO, ratio >= MIN_SG_RATIO)
    else:
        target("ast-grep / flaglint wall time", "n/a", "≥ %.0fx" % MIN_SG_RATIO, None)
    if rss["flaglint"] is not None:
        target("flaglint peak RSS", "%.1f MB" % rss["flaglint"], "< %.0f MB" % MAX_RSS_MB,
               rss["flaglint"] < MAX_RSS_MB)
    else:
        target("flaglint peak RSS", "n/a", "< %.0f MB" % MAX_RSS_MB, None)
    goal_speedup = MIN_EFFICIENCY * nproc
    if t_fl1 and t_fln:
        sp = t_fl1["mean"] / t_fln["mean"]
        target("flaglint speed-up, 1 → %d threads" % nproc, "%.2fx" % sp,
               "≥ %.2fx (%.0f%% of linear)" % (goal_speedup, MIN_EFFICIENCY * 100), sp >= goal_speedup)
    else:
        target("flaglint speed-up, 1 → %d threads" % nproc, "n/a",
               "≥ %.2fx (%.0f%% of linear)" % (goal_speedup, MIN_EFFICIENCY * 100), None)
    ignored_total = rg_ignored + sg_ignored + fl_ignored
    target("results from node_modules/ or dist/ (rg, ast-grep, flaglint)",
           "%d, %d, %s" % (rg_ignored, sg_ignored, fl_ignored if fl_refs is not None else "n/a"),
           "0", ignored_total == 0 if fl_refs is not None else None)

    # ---- markdown
    L = []
    L.append("# flaglint benchmark results")
    L.append("")
    L.append("Written by `bash bench/run.sh` (overwritten on every run); see bench/README.md.")
    L.append("")
    L.append("- date: %s" % env("DATE"))
    L.append("- machine: `nproc` = %d, %s, %s RAM, %s" % (nproc, env("CPU") or "unknown CPU", env("MEM"), env("KERNEL")))
    L.append("- versions: %s; %s; %s; %s; %s" % (
        env("V_FLAGLINT"), env("V_RG"), env("V_SG"), env("V_HYPERFINE"), env("V_PYTHON")))
    if expected:
        L.append("- corpus: `%s` (seed %s): %d source files, %.1f MB; %d files (%.1f%%) read flags "
                 "(%d SDK call sites, %d expected references); %d trap files; %d files in ignored "
                 "node_modules/ and dist/; git: %s" % (
                     corpus, expected.get("seed"), expected["source_files"], expected["source_bytes"] / 1e6,
                     expected["sdk_files"], 100.0 * expected["sdk_files"] / expected["source_files"],
                     expected["call_sites"], expected["expected_references"], expected["trap_files"],
                     expected.get("ignored_files", 0),
                     "committed, 2 files staged" if (expected.get("git") or {}).get("committed")
                     else ("initialised, nothing committed" if expected.get("git") else "none")))
        if expected["source_files"] < 20000 or expected["source_bytes"] < 100e6:
            L.append("- **corpus is smaller than the spec (20,000 files, 100 MB): not a valid result**")
    L.append("- trigger words (%s): `%s`" % (env("WORDS_SOURCE"), env("WORDS")))
    L.append("- timing: hyperfine, warm page cache, `--warmup 1`, %s runs (ast-grep %s runs); every tool "
             "uses all %d cores unless a thread count is given" % (env("RUNS"), env("SG_RUNS"), nproc))
    busy = env("BUSY_BEFORE")
    L.append("- other load: %s%% of the CPU was busy in the 2 s before timing%s" % (
        busy or "?", " (**busy machine: the numbers are noisy**)" if busy and int(busy) > 15 else ""))
    if env("FLAGLINT_OK") != "1":
        L.append("- **flaglint was not measured**: %s" % (env("FLAGLINT_PROBLEM") or "unavailable"))
    L.append("")
    L.append("## Wall time and memory")
    L.append("")
    L.append("| tool | mean ± σ (s) | min (s) | peak RSS (MB) | matches | files with matches |")
    L.append("|---|---|---|---|---|---|")
    m, mn = fmt_time(t_fl)
    L.append("| flaglint refs | %s | %s | %s | %s | %s |" % (
        m, mn, fmt_mb(rss["flaglint"]), "%d references" % len(fl_refs) if fl_refs is not None else "n/a",
        fl_files if fl_refs is not None else "n/a"))
    m, mn = fmt_time(t_rg)
    L.append("| ripgrep | %s | %s | %s | %d lines (%s occurrences) | %d |" % (
        m, mn, fmt_mb(rss["rg"]), rg_lines, rg_occ if rg_occ is not None else "?", rg_files))
    m, mn = fmt_time(t_sg)
    L.append("| ast-grep scan | %s | %s | %s | %d calls | %d |" % (
        m, mn, fmt_mb(rss["ast-grep"]), sg_matches, len(sg_files)))
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | goal | result |")
    L.append("|---|---|---|---|")
    L.extend(rows)
    L.append("")
    L.append("## Thread scaling")
    L.append("")
    L.append("| command | threads | mean ± σ (s) | speed-up vs 1 thread |")
    L.append("|---|---|---|---|")
    for label, one, many in (("flaglint refs --threads N", t_fl1, t_fln), ("ripgrep -j N", t_rg1, t_rgn)):
        for threads, r in ((1, one), (nproc, many)):
            sp = "%.2fx" % (one["mean"] / r["mean"]) if (one and r) else "n/a"
            L.append("| %s | %d | %s | %s |" % (label, threads, fmt_time(r)[0], sp))
    L.append("")
    L.append("## What was found")
    L.append("")
    L.append("| | calls | hook keys | member reads | defaults | unresolved keys | total |")
    L.append("|---|---|---|---|---|---|---|")
    if bd:
        L.append("| expected (.expected.json) | %d | %d | %d | %d | %d | %d |" % (
            bd["sdk_calls"], bd["hook_keys"], bd["member_reads"], bd["default_flags"],
            bd["sdk_call_keys"]["dynamic"], expected["expected_references"]))
    if fl_refs is not None:
        L.append("| flaglint refs | %d | %d | %d | %d | %d | %d |" % (
            fl_kinds.get("call", 0), fl_kinds.get("hook", 0), fl_kinds.get("member", 0),
            fl_kinds.get("default", 0), fl_dynamic, len(fl_refs)))
        other = {k: v for k, v in fl_kinds.items() if k not in ("call", "hook", "member", "default")}
        if other:
            L.append("")
            L.append("flaglint also reported kinds: %s" % ", ".join("%s %d" % kv for kv in sorted(other.items())))
    L.append("")
    if bd:
        L.append("ripgrep counts every line with a trigger word, including the corpus's %d trap sites "
                 "(`settings.getValue()`, comments, strings) and imports; ast-grep counts every call "
                 "shaped like an SDK read (%s), including calls on non-SDK objects and keyless calls "
                 "such as `getAllFlags()`; neither resolves `FLAGS.X` / enum keys nor sees `flags.key.enabled` "
                 "reads. Expected SDK call sites: %d (%d method calls + %d `useFlags` calls)." % (
                     bd["trap_sites"], ", ".join("%s %d" % kv for kv in sg_methods.most_common()),
                     expected["call_sites"], bd["sdk_calls"], bd["hook_calls"]))
    L.append("")
    L.append("## flaglint check --staged")
    L.append("")
    if chk:
        r = chk.get("flaglint check --staged")
        L.append("`%s`: %s s (%s)" % (env("CMD_CHECK"), fmt_time(r)[0], env("CHECK_STATUS")))
    else:
        L.append(env("CHECK_STATUS") or "not run")
    L.append("")
    L.append("## Commands")
    L.append("")
    for label, key in (("flaglint", "CMD_FL"), ("flaglint, 1 thread", "CMD_FL_J1"),
                       ("flaglint, N threads", "CMD_FL_JN"), ("ripgrep", "CMD_RG"), ("ast-grep", "CMD_SG")):
        L.append("- %s: `%s`" % (label, env(key).strip()))
    L.append("")
    text = "\n".join(L)
    print(text)
    with open(out_file, "w") as f:
        f.write(text)
    return 2 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
