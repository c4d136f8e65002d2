#!/usr/bin/env python3
"""Which files flaglint's prefilter sends to the parser, and why (issue 13 analysis).

    python3 bench/monorepo_candidates.py CORPUS OUT_DIR [--queries DIR] [--time BIN] [--repeat N]

Re-does, in Python, what `flaglint refs` does before it parses (src/prefilter.rs,
src/scan.rs): read every JS/TS file the walk takes, look for each SDK's trigger words (the
`; triggers:` header of queries/*.scm, matched as whole identifiers) and package names (a
quote, the name, then a quote or `/`), decide the SDKs in use for the whole tree (a package
named by any file or package.json), and keep the files with a trigger word of an SDK in
use. Its count must equal `--stats`'s "N files hold their trigger words"; it says so.

Writes to OUT_DIR:
  candidates.tsv   one line per candidate: repository, file, bytes, grammar, SDKs, words,
                   and the SDKs in use in the file's own repository (scanned alone)
  candidates.md    candidates per repository, per SDK and per trigger word (with the files
                   for which a word is the only reason), the largest candidates, and the
                   candidates that the union alone makes (their repository uses no such SDK)
With --time BIN, also times every candidate alone with that flaglint (`refs FILE SDKDIR
--stats`, SDKDIR holding a package.json naming the SDKs in use, so the file is matched for
the same SDKs as in the union; best of --repeat runs) and writes file-times.tsv and a
"costliest files" section. Times taken on a busy machine are inflated, but the ranking holds.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

JSTS = {".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
        ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"}
IDENT = re.compile(rb"[A-Za-z0-9_$\x80-\xff]+")
RG_FILES = ["rg", "--files", "--type-add", "jsts:*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}", "-t", "jsts",
            "-g", "!*.d.ts", "-g", "!*.d.mts", "-g", "!*.d.cts", "-g", "!.*", "-g", "!node_modules"]


def is_ident(byte):
    return chr(byte).isalnum() and byte < 0x80 or byte in b"_$" or byte >= 0x80


def read_specs(queries):
    specs = []
    for path in sorted(Path(queries).glob("*.scm")):
        header = {}
        for line in path.read_text().splitlines():
            m = re.match(r"\s*;\s*(sdk|packages|triggers):(.*)", line)
            if m and m.group(1) not in header:
                header[m.group(1)] = m.group(2).split()
        specs.append({"name": (header.get("sdk") or [path.stem])[0],
                      "packages": header.get("packages", []), "triggers": header.get("triggers", [])})
    return specs


class Prefilter:
    def __init__(self, specs):
        self.ident_words = collections.defaultdict(set)   # whole-identifier word -> SDKs
        self.other_words = collections.defaultdict(set)   # words with punctuation -> SDKs
        for i, spec in enumerate(specs):
            for word in spec["triggers"]:
                b = word.encode()
                if IDENT.fullmatch(b):
                    self.ident_words[b].add(i)
                else:
                    self.other_words[b].add(i)
        self.packages = []
        for i, spec in enumerate(specs):
            for package in spec["packages"]:
                p = re.escape(package.encode())
                self.packages.append((re.compile(rb"['\"`]" + p + rb"['\"`/]"), i))

    def scan(self, data):
        words, sdks, packages = set(), set(), set()
        for token in set(IDENT.findall(data)):
            if token in self.ident_words:
                words.add(token.decode())
                sdks |= self.ident_words[token]
        for word, owners in self.other_words.items():
            start = 0
            while True:
                at = data.find(word, start)
                if at < 0:
                    break
                start = at + 1
                if is_ident(word[0]) and at > 0 and is_ident(data[at - 1]):
                    continue
                end = at + len(word)
                if is_ident(word[-1]) and end < len(data) and is_ident(data[end]):
                    continue
                words.add(word.decode())
                sdks |= owners
                break
        for pattern, sdk in self.packages:
            if pattern.search(data):
                packages.add(sdk)
        return words, sdks, packages


def rg_list(args, cwd):
    out = subprocess.run(args + ["-0"], cwd=cwd, capture_output=True).stdout
    return sorted(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)


def parse_stats(text):
    out = {}
    for key, pattern in {"parse": r"parsing ([\d.]+) s", "match": r"matching ([\d.]+) s",
                         "modules": r"and (\d+) imported modules", "stage2": r"resolve: .* in ([\d.]+) s"}.items():
        m = re.search(pattern, text)
        if m:
            out[key] = float(m.group(1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--queries", default=str(Path(__file__).resolve().parent.parent / "queries"))
    ap.add_argument("--time", metavar="BIN", help="time each candidate alone with this flaglint")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    corpus, out = Path(args.corpus).resolve(), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    specs = read_specs(args.queries)
    names = [s["name"] for s in specs]
    pf = Prefilter(specs)

    files = rg_list(RG_FILES, corpus)
    manifests = rg_list(["rg", "--files", "-g", "package.json", "-g", "!.*", "-g", "!node_modules"], corpus)
    repo_of = lambda f: f.split("/", 1)[0]  # noqa: E731
    imported_by_repo = collections.defaultdict(set)
    for m in manifests:
        imported_by_repo[repo_of(m)] |= pf.scan((corpus / m).read_bytes())[2]
    hits, skipped = {}, []
    files_by_repo = collections.Counter()
    for f in files:
        data = (corpus / f).read_bytes()
        files_by_repo[repo_of(f)] += 1
        words, sdks, packages = pf.scan(data)
        imported_by_repo[repo_of(f)] |= packages
        if sdks:
            if b"\0" in data:
                skipped.append((f, "binary"))
                continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                skipped.append((f, "not utf-8"))
                continue
            hits[f] = (len(data), words, sdks)
    packageless = {i for i, s in enumerate(specs) if not s["packages"]}
    in_use = set().union(*imported_by_repo.values()) | packageless
    candidates = []
    for f, (size, words, sdks) in hits.items():
        live = sdks & in_use
        if not live:
            continue
        own = (imported_by_repo[repo_of(f)] | packageless) & live
        live_words = sorted(w for w in words
                            if (pf.ident_words.get(w.encode(), set()) | pf.other_words.get(w.encode(), set())) & live)
        candidates.append({"repo": repo_of(f), "file": f, "bytes": size,
                           "lang": JSTS[os.path.splitext(f)[1]], "sdks": sorted(names[i] for i in live),
                           "words": live_words, "own_sdks": sorted(names[i] for i in own)})
    candidates.sort(key=lambda c: -c["bytes"])

    with open(out / "candidates.tsv", "w") as fh:
        fh.write("repo\tfile\tbytes\tlang\tsdks\twords\tsdks_in_use_in_own_repo\n")
        for c in candidates:
            fh.write(f"{c['repo']}\t{c['file']}\t{c['bytes']}\t{c['lang']}\t{','.join(c['sdks'])}\t"
                     f"{','.join(c['words'])}\t{','.join(c['own_sdks']) or '-'}\n")

    times = {}
    if args.time:
        sdk_dir = Path(tempfile.mkdtemp(prefix="flaglint-sdks."))
        deps = {p: "*" for i in sorted(in_use) for p in specs[i]["packages"]}
        (sdk_dir / "package.json").write_text(json.dumps({"name": "sdks", "dependencies": deps}))
        with open(out / "file-times.tsv", "w") as fh:
            fh.write("file\tbytes\tparse_s\tmatch_s\tstage2_s\tmodules\n")
            for n, c in enumerate(candidates):
                best = None
                for _ in range(args.repeat):
                    r = subprocess.run([args.time, "refs", str(corpus / c["file"]), str(sdk_dir),
                                        "--format", "json", "--stats", "--threads", "1"],
                                       capture_output=True, text=True)
                    s = parse_stats(r.stderr)
                    if "stage2" in s and (best is None or s["stage2"] < best["stage2"]):
                        best = s
                if best:
                    times[c["file"]] = best
                    fh.write(f"{c['file']}\t{c['bytes']}\t{best.get('parse', 0)}\t{best.get('match', 0)}\t"
                             f"{best['stage2']}\t{int(best.get('modules', 0))}\n")
                if n % 50 == 0:
                    print(f"timed {n}/{len(candidates)}", file=sys.stderr)

    # ------------------------------------------------------------------ report
    L = []
    w = L.append
    total_bytes = sum(c["bytes"] for c in candidates)
    w("# Candidates of flaglint's prefilter on the union")
    w("")
    w(f"Corpus `{corpus}`: {len(files):,} JS/TS files. SDKs in use for the whole tree: "
      f"{', '.join(names[i] for i in sorted(in_use))}. **{len(candidates)} candidate files, "
      f"{total_bytes / 1e6:.1f} MB** (skipped as binary/not UTF-8: {len(skipped)}).")
    w("")
    w("## Per repository")
    w("")
    w("| repository | JS/TS files | SDKs in use in the repo alone | candidates | MB | candidates only because of the union | their MB |")
    w("|---|---:|---|---:|---:|---:|---:|")
    for repo in sorted(files_by_repo):
        cs = [c for c in candidates if c["repo"] == repo]
        foreign = [c for c in cs if not c["own_sdks"]]
        own = sorted(names[i] for i in (imported_by_repo[repo] | packageless) & in_use)
        w(f"| {repo} | {files_by_repo[repo]:,} | {', '.join(own) or '–'} | {len(cs)} | "
          f"{sum(c['bytes'] for c in cs) / 1e6:.2f} | {len(foreign)} | {sum(c['bytes'] for c in foreign) / 1e6:.2f} |")
    foreign = [c for c in candidates if not c["own_sdks"]]
    partly = [c for c in candidates if c["own_sdks"] and set(c["own_sdks"]) != set(c["sdks"])]
    w(f"| **total** | {len(files):,} | | {len(candidates)} | {total_bytes / 1e6:.2f} | {len(foreign)} | "
      f"{sum(c['bytes'] for c in foreign) / 1e6:.2f} |")
    w("")
    w(f"A candidate \"only because of the union\" has trigger words of SDKs that its own repository "
      f"(its package.json files and imports) never names. Another {len(partly)} candidates are matched "
      "for more SDKs in the union than alone.")
    w("")
    w("## Per SDK (a file can count for several)")
    w("")
    w("| SDK | candidates | MB | of which the repo alone does not use the SDK |")
    w("|---|---:|---:|---:|")
    for i in sorted(in_use):
        cs = [c for c in candidates if names[i] in c["sdks"]]
        w(f"| {names[i]} | {len(cs)} | {sum(c['bytes'] for c in cs) / 1e6:.2f} | "
          f"{sum(1 for c in cs if names[i] not in c['own_sdks'])} |")
    w("")
    w("## Per trigger word")
    w("")
    w("Files holding the word; \"only reason\": files whose only trigger word (of an SDK in use) it is, "
      "i.e. the files that would not be parsed without it.")
    w("")
    w("| word | SDKs | files | MB | only reason: files | only reason: MB |")
    w("|---|---|---:|---:|---:|---:|")
    per_word = collections.defaultdict(list)
    for c in candidates:
        for word in c["words"]:
            per_word[word].append(c)
    for word, cs in sorted(per_word.items(), key=lambda kv: -len(kv[1])):
        sole = [c for c in cs if c["words"] == [word]]
        owners = pf.ident_words.get(word.encode(), set()) | pf.other_words.get(word.encode(), set())
        w(f"| `{word}` | {', '.join(names[i] for i in sorted(owners & in_use))} | {len(cs)} | "
          f"{sum(c['bytes'] for c in cs) / 1e6:.2f} | {len(sole)} | {sum(c['bytes'] for c in sole) / 1e6:.2f} |")
    w("")
    w("## The 25 largest candidates")
    w("")
    w("| file | KB | grammar | SDKs | words | SDKs of its own repo |")
    w("|---|---:|---|---|---|---|")
    for c in candidates[:25]:
        w(f"| `{c['file']}` | {c['bytes'] / 1024:.0f} | {c['lang']} | {', '.join(c['sdks'])} | "
          f"{', '.join(c['words'])} | {', '.join(c['own_sdks']) or '–'} |")
    share = sum(c["bytes"] for c in candidates[:25]) / total_bytes if total_bytes else 0
    w("")
    w(f"These 25 files are {100 * share:.0f}% of the candidates' bytes.")
    w("")
    if times:
        timed = sorted(((times[c["file"]], c) for c in candidates if c["file"] in times),
                       key=lambda tc: -(tc[0].get("parse", 0) + tc[0].get("match", 0)))
        tot_parse = sum(t.get("parse", 0) for t, _ in timed)
        tot_match = sum(t.get("match", 0) for t, _ in timed)
        w(f"## Costliest candidates, each scanned alone (best of {args.repeat}, 1 thread)")
        w("")
        w(f"Sum over the {len(timed)} files: parsing {tot_parse:.2f} s, matching and resolving "
          f"{tot_match:.2f} s (imported modules are parsed again for every file here, so this "
          "overstates matching; in the union each module is parsed once).")
        w("")
        w("| file | KB | parse s | match s | modules | share of parse+match | SDKs | words |")
        w("|---|---:|---:|---:|---:|---:|---|---|")
        for t, c in timed[:25]:
            cost = t.get("parse", 0) + t.get("match", 0)
            w(f"| `{c['file']}` | {c['bytes'] / 1024:.0f} | {t.get('parse', 0):.3f} | {t.get('match', 0):.3f} | "
              f"{int(t.get('modules', 0))} | {100 * cost / (tot_parse + tot_match):.1f}% | {', '.join(c['sdks'])} | "
              f"{', '.join(c['words'])} |")
        w("")
        by_group = collections.defaultdict(lambda: [0, 0.0, 0.0])
        for t, c in timed:
            parts = c["file"].split("/")
            group = "/".join(parts[:3]) if len(parts) > 3 else "/".join(parts[:-1])
            g = by_group[group]
            g[0] += 1
            g[1] += t.get("parse", 0)
            g[2] += t.get("match", 0)
        w("| folder (3 levels) | candidates | parse s | match s | share |")
        w("|---|---:|---:|---:|---:|")
        for group, (n, p, m) in sorted(by_group.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))[:15]:
            w(f"| `{group}` | {n} | {p:.3f} | {m:.3f} | {100 * (p + m) / (tot_parse + tot_match):.1f}% |")
        w("")
    (out / "candidates.md").write_text("\n".join(L))
    print("\n".join(L))


if __name__ == "__main__":
    main()
