#!/usr/bin/env python3
"""Writes the Markdown table of a bench/monorepo.sh run and prints it.

    python3 bench/monorepo_report.py RUN_DIR OUT.md

RUN_DIR is the raw-data folder monorepo.sh names at its start: meta.json, composition.tsv,
hyperfine JSON (hf-*.json), /usr/bin/time -v outputs (rss-*.txt), `refs --stats` outputs
(stats-*.txt, per-repo/*.stats) and flaglint's JSON (refs.json, refs-warm.json). Standard
library only, so that it runs wherever the script does.
"""

import csv
import json
import re
import statistics
import sys
from pathlib import Path

# Issue 13's figures for the 8-repository union (one run, 2 cores), and its targets.
ISSUE = {
    "flaglint refs": 3.30,
    "ast-grep scan": 9.59,
    "ripgrep (6 Flagsmith words)": 0.16,
    "flaglint/ripgrep": 20.6,
    "ast-grep/flaglint": 2.9,
    "threads": 1.22,
    "rss_mb": 137,
    "references": 63,
    "files_parsed": 759,
    "modules_loaded": 584,
    "files": 25_000,
    "mb": 116,
    "stage1": 0.28,
    "stage2": 3.1,
    "parse_cpu": 1.8,
    "match_cpu": 2.2,
}
TARGETS = {
    "cold": 3.0,     # flaglint --no-cache / ripgrep, at most
    "warm": 1.5,     # warm flaglint / ripgrep, at most
    "ast-grep": 20,  # ast-grep / flaglint, at least
    "threads": 1.8,  # 1 -> 2 threads, at least
    "rss_mb": 100,   # under
}


def load_json(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def hyperfine_results(run):
    results = {}
    for path in sorted(run.glob("hf-*.json")):
        data = load_json(path) or {}
        for r in data.get("results", []):
            results[r["command"]] = r
    return results


def max_rss_mb(path):
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) / 1024 if m else None


STATS_PATTERNS = {
    "stage1_files": r"walk, read and prefilter: (\d+) files",
    "stage1_mb": r"walk, read and prefilter: \d+ files, ([\d.]+) MB",
    "stage1": r"walk, read and prefilter: .* in ([\d.]+) s",
    "sdks": r"SDKs in use: (.*?); \d+ files",
    "candidates": r"; (\d+) files hold their trigger words",
    "patterns": r"queries: (\d+) patterns",
    "compile": r"queries: .* compiled in ([\d.]+) s",
    "parsed": r"parse, match and resolve: (\d+) files",
    "modules": r"and (\d+) imported modules",
    "stage2": r"parse, match and resolve: .* in ([\d.]+) s",
    "parse_cpu": r"parsing ([\d.]+) s",
    "match_cpu": r"matching ([\d.]+) s",
}


def parse_stats(text):
    out = {"raw": text.strip()}
    for key, pattern in STATS_PATTERNS.items():
        m = re.search(pattern, text)
        if not m:
            continue
        value = m.group(1)
        try:
            out[key] = float(value) if "." in value else int(value)
        except ValueError:
            out[key] = value
    return out


def fmt_s(value):
    return "n/a" if value is None else f"{value:.3f} s"


def fmt_x(value):
    return "n/a" if value is None else f"{value:.1f}x"


def verdict(value, limit, at_most):
    if value is None:
        return "n/a"
    ok = value <= limit if at_most else value >= limit
    return "PASS" if ok else "FAIL"


def refs_lines(data):
    return sorted(json.dumps(r, sort_keys=True) for r in (data or {}).get("references", []))


def main():
    run, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    meta = load_json(run / "meta.json") or {}
    union = meta.get("name") == "union"
    n = meta.get("threads_n", 2)
    hf = hyperfine_results(run)
    mean = lambda name: hf[name]["mean"] if name in hf else None  # noqa: E731

    rg6 = mean("ripgrep (6 Flagsmith words)")
    fl = mean("flaglint refs")
    fl1 = mean("flaglint refs --threads 1")
    fln = mean(f"flaglint refs --threads {n}")
    if fln is None and meta.get("ncpu") == n:
        fln = fl  # the default thread count is N
    warm = mean("flaglint refs (warm)")
    sg = mean("ast-grep scan")

    refs = load_json(run / "refs.json") or {}
    summary = refs.get("summary", {})
    warm_json = run / "refs-warm.json"
    identical = None
    if warm_json.exists():
        identical = warm_json.read_bytes() == (run / "refs.json").read_bytes()
    baseline = load_json(meta.get("baseline", "")) if meta.get("baseline") else None
    base_lines, now_lines = set(refs_lines(baseline)), set(refs_lines(refs))
    added, removed = sorted(now_lines - base_lines), sorted(base_lines - now_lines)
    (run / "refs-vs-baseline.diff").write_text(
        "".join(f"- {line}\n" for line in removed) + "".join(f"+ {line}\n" for line in added)
    )

    rss_runs = [v for v in (max_rss_mb(p) for p in sorted(run.glob("rss-flaglint-[0-9]*.txt"))) if v]
    rss = max(rss_runs) if rss_runs else None

    stats_runs = [parse_stats(p.read_text()) for p in sorted(run.glob("stats-*.txt"))]
    stats_runs = [s for s in stats_runs if "stage2" in s]
    median_stats = None
    if stats_runs:
        ordered = sorted(stats_runs, key=lambda s: s["stage2"])
        median_stats = ordered[(len(ordered) - 1) // 2]

    comp = list(csv.DictReader(open(run / "composition.tsv"), delimiter="\t"))
    total_files = sum(int(r["jsts_files"]) for r in comp)
    total_mb = sum(int(r["jsts_bytes"]) for r in comp) / 1e6

    def count_lines(name):
        path = run / name
        if not path.exists():
            return None, None
        rows = [l.rsplit(":", 1) for l in path.read_text().splitlines() if ":" in l]
        return sum(int(c) for _, c in rows), len(rows)

    rg6_lines, rg6_files = count_lines("rg6-counts.txt")
    rga_lines, rga_files = count_lines("rgall-counts.txt")
    sg_matches = None
    if (run / "ast-grep.jsonl").exists():
        sg_matches = sum(1 for l in open(run / "ast-grep.jsonl") if l.strip())

    L = []
    w = L.append
    w(f"# flaglint on real monorepos: {meta.get('name', '?')}")
    w("")
    w(f"Written by `bash bench/monorepo.sh` (list `{Path(meta.get('list', '?')).name}`) on "
      f"{meta.get('date', '?')}. Raw data: `{meta.get('run_dir', run)}`.")
    w("")
    w(f"- Machine: {meta.get('nproc')} cores ({meta.get('cpu', '?')}), {meta.get('mem', '?')}, "
      f"{meta.get('kernel', '?')}"
      + (f"; timed commands pinned to CPUs {meta['cpus']} ({meta['ncpu']})" if meta.get("cpus") else "")
      + ".")
    w(f"- Tools: {meta.get('flaglint')}; {meta.get('rg')}; {meta.get('ast_grep') or 'ast-grep not run'}; "
      f"{meta.get('hyperfine')}.")
    sg_runs = f" (ast-grep {meta.get('sg_runs')})" if "ast-grep scan" in hf else ""
    w(f"- hyperfine, warm page cache, `--warmup 1`, {meta.get('runs')} runs{sg_runs}; "
      "one invocation of the script.")
    flags = []
    if meta.get("flaglint_flags"):
        flags.append(f"every flaglint command: `{meta['flaglint_flags']}`")
    flags.append(f"cold: `{meta.get('cold_flags') or '(none)'}`")
    if meta.get("warm"):
        flags.append(f"warm: `{meta.get('warm_flags') or '(none)'}` after a run that fills the cache")
    else:
        flags.append("warm: not timed (this flaglint has no `--no-cache`, so no cache)")
    w(f"- flaglint flags: {'; '.join(flags)}.")
    others, capacity = meta.get("others_cpu_s", 0.0), meta.get("capacity_cpu_s", 0.0)
    share = 100 * others / capacity if capacity else 0.0
    w(f"- **Machine load**: {meta.get('busy_before')}% busy in the 2 s before timing; load average "
      f"{meta.get('load_before')} before, {meta.get('load_after')} after; while timing "
      f"({meta.get('timed_wall_s', 0):.0f} s), other processes used {others:.0f} of "
      f"{capacity:.0f} core-seconds ({share:.0f}%).")
    if meta.get("busy_before", 0) > 15 or share > 10:
        w("")
        w("> **Noisy run**: other work shared the cores, so wall times are high and the ratios "
          "uncertain. Re-run on a quiet machine (`bash bench/monorepo.sh --flaglint BIN --runs 10`; "
          "`--cpus 0,1` to hold a bigger machine to 2 cores).")
    w("")

    w("## Corpus")
    w("")
    w(f"Each repository's tree at its commit, extracted with `git archive | tar -x` into "
      f"`{meta.get('corpus')}/<name>` (selection: {meta.get('select')}). JS/TS files are what "
      "flaglint's walk reads (.gitignore applied; hidden files, node_modules and declaration "
      "files left out); MB are 10^6 bytes.")
    w("")
    w("| repository | commit | JS/TS files | MB | files extracted | MB extracted | not in the snapshot (≥ 4 MiB) |")
    w("|---|---|---:|---:|---:|---:|---|")
    for r in comp:
        w(f"| {r['slug']} | `{r['commit'][:8]}` | {int(r['jsts_files']):,} | "
          f"{int(r['jsts_bytes']) / 1e6:.1f} | {int(r['all_files']):,} | "
          f"{int(r['all_bytes']) / 1e6:.1f} | {r['missing_blobs'].replace(' ', ', ') if r['missing_blobs'] != '-' else '–'} |")
    w(f"| **total** | | **{total_files:,}** | **{total_mb:.1f}** | "
      f"{sum(int(r['all_files']) for r in comp):,} | {sum(int(r['all_bytes']) for r in comp) / 1e6:.1f} | |")
    if union:
        w("")
        w(f"The issue: about {ISSUE['files']:,} JS/TS files and {ISSUE['mb']} MB.")
    w("")

    w("## Wall time")
    w("")
    issue_col = " issue (2 cores) |" if union else ""
    w("user+sys is the CPU time of one run (hyperfine's mean), which other processes inflate less than")
    w("the wall time.")
    w("")
    w(f"| command | mean ± σ | min | user+sys | vs ripgrep (6 words) |{issue_col}")
    w("|---|---:|---:|---:|---:|" + ("---:|" if union else ""))
    rows = [
        ("ripgrep (6 Flagsmith words)", "ripgrep, 6 Flagsmith words"),
        ("ripgrep (all prefilter words)", "ripgrep, every trigger word of queries/*.scm"),
        ("flaglint refs", "flaglint refs (cold)"),
        ("flaglint refs --threads 1", "flaglint refs --threads 1"),
        (f"flaglint refs --threads {n}", f"flaglint refs --threads {n}"),
        ("flaglint refs (warm)", "flaglint refs (warm cache)"),
        ("ast-grep scan", "ast-grep scan, 6 call shapes × 3 languages"),
    ]
    for key, label in rows:
        if key == f"flaglint refs --threads {n}" and key not in hf and meta.get("ncpu") == n:
            w(f"| flaglint refs --threads {n} | = flaglint refs (default: one thread per core, {n} cores) | | | |"
              + (" |" if union else ""))
            continue
        if key not in hf:
            continue
        r = hf[key]
        ratio = f"{r['mean'] / rg6:.1f}x" if rg6 else "n/a"
        issue = ""
        if union:
            issue = f" {ISSUE[key]:.2f} s |" if key in ISSUE else " |"
        cpu = (r.get("user") or 0) + (r.get("system") or 0)
        w(f"| {label} | {r['mean']:.3f} ± {r['stddev'] or 0:.3f} s | {r['min']:.3f} s | {cpu:.3f} s | {ratio} |{issue}")
    w("")

    w("## Ratios and the issue's targets")
    w("")
    w("| | " + ("today in the issue | " if union else "") + "this run | target | |")
    w("|---|" + ("---:|" if union else "") + "---:|---:|---|")

    def ratio_row(label, issue_value, value, target_text, ok):
        w(f"| {label} | " + (f"{issue_value} | " if union else "") + f"{value} | {target_text} | {ok} |")

    r_cold = fl / rg6 if fl and rg6 else None
    r_warm = warm / rg6 if warm and rg6 else None
    r_sg = sg / fl if sg and fl else None
    r_thr = fl1 / fln if fl1 and fln else None
    ratio_row("flaglint (cold) / ripgrep", "20.6x", fmt_x(r_cold), f"≤ {TARGETS['cold']}x",
              verdict(r_cold, TARGETS["cold"], True))
    ratio_row("flaglint (warm) / ripgrep", "–", fmt_x(r_warm), f"≤ {TARGETS['warm']}x",
              verdict(r_warm, TARGETS["warm"], True))
    ratio_row("ast-grep / flaglint (cold)", "2.9x", fmt_x(r_sg), f"≥ {TARGETS['ast-grep']}x",
              verdict(r_sg, TARGETS["ast-grep"], False))
    ratio_row(f"1 → {n} threads (flaglint)", "1.22x", "n/a" if r_thr is None else f"{r_thr:.2f}x",
              f"≥ {TARGETS['threads']}x", verdict(r_thr, TARGETS["threads"], False))
    ratio_row("flaglint peak RSS", "137 MB", "n/a" if rss is None else f"{rss:.0f} MB",
              f"< {TARGETS['rss_mb']} MB", verdict(rss, TARGETS["rss_mb"] - 1e-9, True))
    ratio_row("warm output byte-identical to cold", "–",
              "n/a" if identical is None else ("yes" if identical else "**no**"), "yes",
              "n/a" if identical is None else ("PASS" if identical else "FAIL"))
    cpu = lambda name: (hf[name].get("user", 0) + hf[name].get("system", 0)) if name in hf else None  # noqa: E731
    c_rg, c_fl, c_sg = cpu("ripgrep (6 Flagsmith words)"), cpu("flaglint refs"), cpu("ast-grep scan")
    if c_rg and c_fl:
        w("")
        w(f"On CPU time (user+sys, less sensitive to other load): flaglint / ripgrep {c_fl / c_rg:.1f}x"
          + (f", ast-grep / flaglint {c_sg / c_fl:.1f}x" if c_sg else "")
          + f"; flaglint ran {c_fl / fl:.2f} cores on average over its wall time." if fl else "")
    w("")
    base_note = ("no baseline yet: this run's references are the baseline"
                 if baseline is None else
                 f"{len(added)} added, {len(removed)} removed (`refs-vs-baseline.diff` in the raw data)")
    w(f"References against the first run's (`{meta.get('baseline')}`): {base_note}.")
    w("")

    w("## What was found")
    w("")
    w("| | this run |" + (" issue |" if union else ""))
    w("|---|---:|" + ("---:|" if union else ""))

    def found(label, value, issue_key=None):
        issue = ""
        if union:
            issue = f" {ISSUE[issue_key]} |" if issue_key else " |"
        w(f"| {label} | {value if value is not None else 'n/a'} |{issue}")

    found("flaglint: references", summary.get("references"), "references")
    found("flaglint: distinct flags", summary.get("flags"))
    found("flaglint: dynamic (unresolved) references", summary.get("dynamic"))
    found("flaglint: JS/TS files read", summary.get("files_scanned"))
    found("flaglint: files parsed (held a trigger word of an SDK in use)", summary.get("files_parsed"), "files_parsed")
    found("flaglint: imported modules parsed", summary.get("modules_loaded", median_stats and median_stats.get("modules")), "modules_loaded")
    found("flaglint: files with syntax errors (skipped over)", len(summary.get("syntax_errors", [])))
    found("flaglint: files skipped (too large, binary)", len(summary.get("skipped", [])))
    found("ripgrep, 6 words: matching lines (files)", f"{rg6_lines} ({rg6_files})" if rg6_lines is not None else None)
    found("ripgrep, every trigger word: matching lines (files)", f"{rga_lines} ({rga_files})" if rga_lines is not None else None)
    found("ast-grep: matches", sg_matches)
    w("")

    if median_stats:
        w(f"## Where the time goes (`refs --stats`, median of {len(stats_runs)} runs by stage 2)")
        w("")
        w("| stage | this run | min – max |" + (" issue |" if union else ""))
        w("|---|---:|---:|" + ("---:|" if union else ""))

        def stage(label, key, issue_key=None, unit=" s"):
            vals = [s[key] for s in stats_runs if key in s]
            if not vals:
                return
            issue = ""
            if union:
                issue = f" {ISSUE[issue_key]}{unit} |" if issue_key else " |"
            w(f"| {label} | {median_stats.get(key, '?')}{unit} | {min(vals)} – {max(vals)}{unit} |{issue}")

        stage("1: walk, read, prefilter (wall)", "stage1", "stage1")
        stage("queries compiled (wall)", "compile")
        stage("2: parse, match, resolve (wall)", "stage2", "stage2")
        stage("2: parsing, worker time", "parse_cpu", "parse_cpu")
        stage("2: matching and resolving, worker time", "match_cpu", "match_cpu")
        w("")
        w(f"SDKs in use: {median_stats.get('sdks', '?')}; {median_stats.get('candidates', '?')} files hold "
          f"their trigger words; {median_stats.get('patterns', '?')} patterns compiled.")
        w("")
        w("```")
        w(median_stats["raw"])
        w("```")
        w("")

    per_repo = sorted((run / "per-repo").glob("*.stats")) if (run / "per-repo").is_dir() else []
    if per_repo:
        w("## One repository at a time (`refs <repo> --stats`, one run each)")
        w("")
        w("| repository | files | SDKs in use | files parsed | modules | stage 1 | stage 2 | parsing | matching | references |")
        w("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        sums = {"stage1": 0.0, "stage2": 0.0, "parse_cpu": 0.0, "match_cpu": 0.0, "parsed": 0, "modules": 0, "refs": 0}
        for path in per_repo:
            s = parse_stats(path.read_text())
            j = (load_json(path.with_suffix(".json")) or {}).get("summary", {})
            for key in sums:
                if key == "refs":
                    sums[key] += j.get("references", 0)
                else:
                    sums[key] += s.get(key, 0) or 0
            w(f"| {path.stem} | {s.get('stage1_files', '?')} | {s.get('sdks', '') or '–'} | "
              f"{s.get('parsed', 0)} | {s.get('modules', 0)} | {s.get('stage1', 0):.3f} s | "
              f"{s.get('stage2', 0):.3f} s | {s.get('parse_cpu', 0):.3f} s | {s.get('match_cpu', 0):.3f} s | "
              f"{j.get('references', '?')} |")
        w(f"| **sum** | | | {sums['parsed']} | {sums['modules']} | {sums['stage1']:.3f} s | "
          f"{sums['stage2']:.3f} s | {sums['parse_cpu']:.3f} s | {sums['match_cpu']:.3f} s | {sums['refs']} |")
        if median_stats:
            w(f"| **union** | | {median_stats.get('sdks', '')} | {median_stats.get('parsed')} | "
              f"{median_stats.get('modules')} | {median_stats.get('stage1')} s | {median_stats.get('stage2')} s | "
              f"{median_stats.get('parse_cpu')} s | {median_stats.get('match_cpu')} s | {summary.get('references')} |")
        w("")

    w("## Peak memory (`/usr/bin/time -v`)")
    w("")
    w("| command | peak RSS |")
    w("|---|---:|")
    if rss_runs:
        w(f"| flaglint refs (cold, default threads; largest of {len(rss_runs)}) | {rss:.0f} MB "
          f"(runs: {', '.join(f'{v:.0f}' for v in rss_runs)}) |")
    for name, label in [("rss-flaglint-j1.txt", "flaglint refs --threads 1"),
                        ("rss-flaglint-warm.txt", "flaglint refs (warm)"),
                        ("rss-rg.txt", "ripgrep (6 words)"), ("rss-ast-grep.txt", "ast-grep scan")]:
        v = max_rss_mb(run / name)
        if v is not None:
            w(f"| {label} | {v:.0f} MB |")
    w("")

    w("## Commands")
    w("")
    w(f"Six Flagsmith words: `{meta.get('words6')}`. Every trigger word (flaglint's prefilter): "
      f"`{meta.get('words_all')}`.")
    w("")
    for label, cmd in (meta.get("commands") or {}).items():
        if label == "flaglint refs (warm)" and not meta.get("warm"):
            continue
        if label == "flaglint refs --threads N":
            label = f"flaglint refs --threads {n}"
        if label == "ripgrep (all prefilter words)":
            words = (meta.get("words_all") or "").split()
            pattern = "\\|".join(re.sub(r"([][.+*?(){}^$|\\])", r"\\\\\\\1", x) for x in words)
            if pattern and pattern in cmd:
                cmd = cmd.replace(pattern, "<every trigger word above, joined by \\|>")
        w(f"- {label}: `{cmd}`")
    w("")

    text = "\n".join(L)
    out_path.write_text(text)
    (run / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
