#!/usr/bin/env python3
"""Evaluates `flaglint fix` on real flag removals that developers made by hand.

For each case of CASES_DIR (cases.tsv and one folder per case, as /work/fixcases lays them
out: case.json, before/ and after/ copies of the changed files, the mirror of the repo):

1. extracts the parent commit's tree into RUN_DIR/<case> (tools/extract.py of the cases dir)
   and commits it to a fresh git repository there;
2. writes the flaglint.toml a user of that app would write (the wrappers below);
3. runs `flaglint fix FLAG --value VALUE --write` at the tree's root;
4. compares each file of the case with what the developer committed, keeping only the
   developer's hunks that remove the flag (`flag_hunks`; `other_hunks` and
   `dead_code_hunks` are left out), both sides through prettier so that formatting does
   not count (nor do blank lines, which prettier keeps as written); a file flaglint changed
   that the developer did not is reported too.

Nothing from the evaluated repositories is written outside RUN_DIR.

usage: fix_eval.py CASES_DIR RUN_DIR [--flaglint BIN] [--prettier NODE_MODULES]
       [--judgements TSV] [--keep] [CASE...]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

CODE = re.compile(r"\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$")

# The wrappers a user of each app declares: its own helpers around its flag service.
CONFIGS = {
    "Unleash/unleash": """
[[wrappers]]
pattern = "useUiFlag($KEY)"
[[wrappers]]
pattern = "$_.flagResolver.isEnabled($KEY)"
[[wrappers]]
pattern = "flagResolver.isEnabled($KEY)"
[[wrappers]]
pattern = "uiConfig.flags.$KEY"
""",
    "Flagsmith/flagsmith": """
[[wrappers]]
pattern = "Utils.getFlagsmithHasFeature($KEY)"
[[wrappers]]
pattern = "Utils.getFlagsmithValue($KEY)"
[[wrappers]]
pattern = "$_.hasFeature($KEY)"
""",
    "growthbook/growthbook": "",
    "novuhq/novu": """
[[wrappers]]
pattern = "useFeatureFlag($KEY)"
[[wrappers]]
pattern = "useGetFlagByKey($KEY)"
""",
}

# What a user removing one flag declares besides: the app's helper that reads only it.
CASE_CONFIGS = {
    "novu-7692900918": """
[[wrappers]]
pattern = "useIsMultiProviderConfigurationEnabled()"
key = "IS_MULTI_PROVIDER_CONFIGURATION_ENABLED"
""",
}


def git(*args, cwd=None, check=True):
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, errors="replace")
    if check and result.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr}")
    return result.stdout


def hunk_id(path, old_start, old_count, new_start, new_count):
    old = f"{old_start}-{old_start + old_count - 1}" if old_count else f"{old_start}(+0)"
    new = f"{new_start}-{new_start + new_count - 1}" if new_count else f"{new_start}(-0)"
    return f"{path}:-{old} +{new}"


def hunks(mirror, commit, path):
    """The commit's -U0 hunks of one file: (id, old_start, old_count, new lines)."""
    diff = git("--git-dir", mirror, "diff", "--no-renames", "-U0", commit + "^", commit, "--", path)
    out = []
    for line in diff.splitlines():
        m = re.match(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        if m:
            a, b = int(m[1]), int(m[2] if m[2] is not None else 1)
            c, d = int(m[3]), int(m[4] if m[4] is not None else 1)
            out.append([hunk_id(path, a, b, c, d), a, b, []])
        elif out and line[:1] == "+" and not line.startswith("+++"):
            out[-1][3].append(line[1:] + "\n")
    return out


def expected_text(before, file_hunks, keep):
    """`before` with only the hunks whose ids are in `keep` applied."""
    lines = before.splitlines(keepends=True)
    for hid, start, count, new in sorted(file_hunks, key=lambda h: h[1], reverse=True):
        if hid not in keep:
            continue
        # A pure insertion (count 0) goes after line `start`.
        at = start if count == 0 else start - 1
        lines[at:at + count] = new
    return "".join(lines)


PRETTIER_SCRIPT = r"""
const prettier = require('prettier');
const fs = require('fs');
(async () => {
  const jobs = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = [];
  for (const job of jobs) {
    try {
      out.push(await prettier.format(job.text, { filepath: job.path }));
    } catch (e) {
      out.push(null);
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def normalize_all(texts, prettier_modules):
    """Each (path, text) through prettier (default options); None where it fails."""
    env = dict(os.environ, NODE_PATH=prettier_modules)
    jobs = [{"path": p, "text": t} for p, t in texts]
    result = subprocess.run(["node", "-e", PRETTIER_SCRIPT], input=json.dumps(jobs), capture_output=True,
                            text=True, env=env)
    if result.returncode:
        raise RuntimeError("prettier: " + result.stderr)
    return json.loads(result.stdout)


def blankless(text):
    return "".join(line for line in text.splitlines(keepends=True) if line.strip())


def tokens(text):
    """A formatting-blind fallback: the text without whitespace or trailing commas."""
    return re.sub(r",(\s*[)\]}])", r"\1", re.sub(r"\s+", "", text))


def run_case(case_dir, run_root, flaglint, prettier_modules, keep_tree):
    case = json.load(open(os.path.join(case_dir, "case.json")))
    name = os.path.basename(case_dir.rstrip("/"))
    tree = os.path.join(run_root, name)
    shutil.rmtree(tree, ignore_errors=True)
    extract = os.path.join(os.path.dirname(case_dir.rstrip("/")), "tools", "extract.py")
    subprocess.run([sys.executable, extract, case_dir, tree], check=True, capture_output=True)
    with open(os.path.join(tree, "flaglint.toml"), "w") as f:
        f.write(CONFIGS.get(case["repo"], "") + CASE_CONFIGS.get(name, ""))
    git("init", "-q", cwd=tree)
    git("add", "-A", cwd=tree)
    git("-c", "user.name=eval", "-c", "user.email=eval@localhost", "commit", "-qm", "parent", cwd=tree)
    value = json.dumps(case["value"]) if not isinstance(case["value"], bool) else ("on" if case["value"] else "off")
    started = time.time()
    run = subprocess.run([flaglint, "fix", case["flag"], "--value", value, "--write"], cwd=tree,
                         capture_output=True, text=True)
    seconds = time.time() - started
    changed = [p for p in git("diff", "--name-only", cwd=tree).splitlines() if p != "flaglint.toml"]
    keep = set(case["flag_hunks"])
    files = [p for p in case["case_files"] if CODE.search(p)]
    pairs = []
    for path in files:
        before_path = os.path.join(case_dir, "before", path)
        if not os.path.exists(before_path):
            continue
        before = open(before_path, encoding="utf-8", errors="replace").read()
        expected = expected_text(before, hunks(case["mirror"], case["commit"], path), keep)
        mine_path = os.path.join(tree, path)
        mine = open(mine_path, encoding="utf-8", errors="replace").read() if os.path.exists(mine_path) else ""
        pairs.append((path, before, expected, mine))
    texts = []
    for path, before, expected, mine in pairs:
        texts += [(path, expected), (path, mine)]
    normalized = normalize_all(texts, prettier_modules) if texts else []
    report = {"case": name, "repo": case["repo"], "flag": case["flag"], "value": case["value"],
              "quality": case["quality"], "seconds": round(seconds, 2), "exit": run.returncode,
              "stderr": run.stderr.strip(), "files": [], "extra": []}
    for i, (path, before, expected, mine) in enumerate(pairs):
        exp_n, mine_n = normalized[2 * i], normalized[2 * i + 1]
        # Blank lines are formatting too: prettier keeps them as written.
        exp_n = blankless(exp_n) if exp_n is not None else None
        mine_n = blankless(mine_n) if mine_n is not None else None
        if exp_n is not None and mine_n is not None:
            same = exp_n == mine_n
        else:
            same = tokens(expected) == tokens(mine)
        human_changed = expected != before
        if mine_n is None and mine != before:
            report.setdefault("unparsable", []).append(path)
        report["files"].append({"path": path, "same": same, "human_changed": human_changed,
                                "flaglint_changed": mine != before,
                                "diff": None if same else unified(exp_n or expected, mine_n or mine, path)})
    report["extra"] = [p for p in changed if p not in files]
    if not keep_tree:
        shutil.rmtree(tree, ignore_errors=True)
    return report


def unified(expected, mine, path):
    import difflib
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True), mine.splitlines(keepends=True),
                                        f"human/{path}", f"flaglint/{path}", n=2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("run")
    ap.add_argument("--flaglint", default="flaglint")
    ap.add_argument("--prettier", required=True, help="a node_modules folder holding prettier")
    ap.add_argument("--judgements", help="TSV: case, class (identical|equivalent|wrong), note")
    ap.add_argument("--quality", default="best,good")
    ap.add_argument("--keep", action="store_true", help="keep the extracted trees")
    ap.add_argument("--details", action="store_true", help="print the differing files' diffs")
    ap.add_argument("names", nargs="*")
    a = ap.parse_intermixed_args()
    a.flaglint = os.path.abspath(a.flaglint) if os.sep in a.flaglint else shutil.which(a.flaglint)
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(a.cases, "cases.tsv"))][1:]
    wanted = set(a.quality.split(","))
    names = a.names or [r[0] for r in rows if r[7] in wanted]
    judgements = {}
    if a.judgements and os.path.exists(a.judgements):
        for line in open(a.judgements):
            if line.strip() and not line.startswith("#"):
                case, klass, note = (line.rstrip("\n").split("\t") + ["", ""])[:3]
                judgements[case] = (klass, note)
    os.makedirs(a.run, exist_ok=True)
    results = []
    for name in names:
        r = run_case(os.path.join(a.cases, name), a.run, a.flaglint, a.prettier, a.keep)
        results.append(r)
        same = all(f["same"] for f in r["files"]) and not r["extra"]
        auto = "identical" if same else "different"
        klass, note = judgements.get(name, (auto, ""))
        if same:
            klass = "identical"
        r["class"], r["note"] = klass, note
        differing = [f["path"].split("/")[-1] for f in r["files"] if not f["same"]]
        if r.get("unparsable"):
            print(f"{name}: prettier cannot parse flaglint's {', '.join(r['unparsable'])}", flush=True)
        print(f"{name}\t{r['repo']}\t{klass}\t{r['seconds']}s\texit {r['exit']}\t"
              f"differs: {','.join(differing) or '-'}\textra: {','.join(r['extra']) or '-'}\t{note}", flush=True)
        if a.details and not same:
            for f in r["files"]:
                if f["diff"]:
                    print(f["diff"])
            if r["stderr"]:
                print("stderr:", r["stderr"])
    counts = {}
    for r in results:
        counts[r["class"]] = counts.get(r["class"], 0) + 1
    total = len(results)
    print()
    print("| case | repo | result | notes |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| {r['case']} | {r['repo']} | {r['class']} | {r['note']} |")
    print()
    print(f"{total} cases: " + ", ".join(f"{k} {v} ({100 * v // max(total, 1)}%)" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
