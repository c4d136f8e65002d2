#!/usr/bin/env python3
"""Runs PolyglotPiranha (PyPI polyglot-piranha) on the real cleanups bench/fix_eval.py uses,
with the rules a user has to write for TypeScript: Piranha 0.4.9 ships no cleanup rules for
TS/TSX, so the folding rules below are written by hand once (GENERIC), plus seed rules per
app for its flag reads (SEEDS). Each case file is rewritten on its own; a rewrite whose
output does not parse makes Piranha give up on that file. The result is compared with the
developer's commit as fix_eval.py compares flaglint's.

usage: piranha_eval.py CASES_DIR RUN_DIR --prettier NODE_MODULES [CASE...]
       (run it with the Python that has polyglot_piranha installed)
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fix_eval  # noqa: E402

from polyglot_piranha import (  # noqa: E402
    Filter, OutgoingEdges, PiranhaArguments, Rule, RuleGraph, execute_piranha)

LITERAL = "[(true) (false)]"


def generic_rules(jsx):
    """Constant folding a user writes once for TS/TSX (the JSX rules only for TSX: the
    TypeScript grammar has no JSX nodes, and a query naming one does not compile)."""
    r = []

    def rule(name, query, replace_node, replace, **kw):
        r.append(Rule(name=name, query=query, replace_node=replace_node, replace=replace, is_seed_rule=False, **kw))

    # const v = true; -> gone, and every use of v becomes the literal
    rule("delete_const", f"((lexical_declaration (variable_declarator name: (identifier) @v value: {LITERAL} @lit) .) @decl)",
         "decl", "")
    rule("replace_uses", '(((identifier) @u (#eq? @u "@v")))', "u", "@lit", holes={"v", "lit"})
    rule("not_true", '((unary_expression operator: "!" argument: (true)) @n)', "n", "false")
    rule("not_false", '((unary_expression operator: "!" argument: (false)) @n)', "n", "true")
    # `(true)` -> `true` only where the parentheses are not the syntax of an `if`: Piranha
    # gives up on any file whose result does not parse.
    rule("paren_literal", f"((parenthesized_expression {LITERAL} @lit) @p)", "p", "@lit",
         filters={Filter(not_enclosing_node="(if_statement) @i")})
    rule("and_true_left", '((binary_expression left: (true) operator: "&&" right: (_) @r) @b)', "b", "@r")
    rule("and_true_right", '((binary_expression left: (_) @l operator: "&&" right: (true)) @b)', "b", "@l")
    rule("and_false_left", '((binary_expression left: (false) operator: "&&") @b)', "b", "false")
    rule("and_false_right", '((binary_expression operator: "&&" right: (false)) @b)', "b", "false")
    rule("or_true_left", '((binary_expression left: (true) operator: "||") @b)', "b", "true")
    rule("or_true_right", '((binary_expression operator: "||" right: (true)) @b)', "b", "true")
    rule("or_false_left", '((binary_expression left: (false) operator: "||" right: (_) @r) @b)', "b", "@r")
    rule("or_false_right", '((binary_expression left: (_) @l operator: "||" right: (false)) @b)', "b", "@l")
    rule("ternary_true", "((ternary_expression condition: (true) consequence: (_) @c) @t)", "t", "@c")
    rule("ternary_false", "((ternary_expression condition: (false) alternative: (_) @a) @t)", "t", "@a")
    # if statements: the live block replaces the statement (braces and all)
    rule("if_true", "((if_statement condition: (parenthesized_expression (true)) consequence: (_) @c) @i)", "i", "@c")
    rule("if_false_else", "((if_statement condition: (parenthesized_expression (false)) alternative: (else_clause (_) @e)) @i)",
         "i", "@e")
    rule("if_false", "((if_statement condition: (parenthesized_expression (false)) !alternative) @i)", "i", "")
    if not jsx:
        return r
    # JSX children
    rule("jsx_and_true_paren", '((jsx_expression (binary_expression left: (true) operator: "&&" right: (parenthesized_expression (_) @x))) @j)', "j", "@x")
    rule("jsx_and_true", '((jsx_expression (binary_expression left: (true) operator: "&&" right: [(jsx_element) (jsx_self_closing_element)] @x)) @j)', "j", "@x")
    rule("jsx_false", f"((jsx_expression {LITERAL}) @j)", "j", "")
    rule("jsx_ternary_true_paren", "((jsx_expression (ternary_expression condition: (true) consequence: (parenthesized_expression (_) @x))) @j)", "j", "@x")
    rule("jsx_ternary_true", "((jsx_expression (ternary_expression condition: (true) consequence: [(jsx_element) (jsx_self_closing_element)] @x)) @j)", "j", "@x")
    rule("jsx_ternary_false_paren", "((jsx_expression (ternary_expression condition: (false) alternative: (parenthesized_expression (_) @x))) @j)", "j", "@x")
    rule("jsx_ternary_false", "((jsx_expression (ternary_expression condition: (false) alternative: [(jsx_element) (jsx_self_closing_element)] @x)) @j)", "j", "@x")
    rule("jsx_null", "((jsx_expression (null)) @j)", "j", "")
    rule("jsx_unwrap_paren", "((jsx_expression (parenthesized_expression [(jsx_element) (jsx_self_closing_element)] @x)) @j)",
         "j", "@x")
    return r


def declaration_rules(key):
    """The flag's own declarations, for one key: a union member and an object entry. (A
    rule deleting a type's property leaves its `;` behind, which Piranha rejects.)"""
    union = Rule(name="union_member", is_seed_rule=True, replace_node="u", replace="@l", query=f"""(
        (union_type (_) @l (literal_type (string (string_fragment) @k))) @u (#eq? @k "{key}"))""")
    entry = Rule(name="object_entry", is_seed_rule=True, replace_node="p", replace="", query=f"""(
        (pair key: (property_identifier) @k) @p (#eq? @k "{key}"))""")
    return [union, entry]


def call_seed(name, function, key, value):
    """`function('KEY')` becomes the value."""
    return Rule(name=name, is_seed_rule=True, replace_node="call", replace=value, query=f"""(
        (call_expression function: (identifier) @f arguments: (arguments . (string (string_fragment) @k)))
        @call (#eq? @f "{function}") (#eq? @k "{key}"))""")


def method_seed(name, method, key, value):
    """`anything.method('KEY')` (also `?.`) becomes the value."""
    return Rule(name=name, is_seed_rule=True, replace_node="call", replace=value, query=f"""(
        (call_expression function: (member_expression property: (property_identifier) @m)
            arguments: (arguments . (string (string_fragment) @k)))
        @call (#eq? @m "{method}") (#eq? @k "{key}"))""")


def import_rule(name, function):
    """`import { function } from '...'` goes when the file no longer calls it."""
    return Rule(name=name, is_seed_rule=False, replace_node="imp", replace="", query=f"""(
        (import_statement (import_clause (named_imports . (import_specifier name: (identifier) @n) .))) @imp
        (#eq? @n "{function}"))""",
                filters={Filter(enclosing_node="(program) @p",
                                not_contains=[f'((call_expression function: (identifier) @f) (#eq? @f "{function}"))'])})


def seeds(repo, key, value):
    """The app's own flag reads: what a user declares per app (and per flag key)."""
    if repo == "Unleash/unleash":
        return [call_seed("ui_flag", "useUiFlag", key, value),
                method_seed("flag_resolver", "isEnabled", key, value)], [import_rule("ui_flag_import", "useUiFlag")]
    if repo == "Flagsmith/flagsmith":
        return [method_seed("flagsmith_utils", "getFlagsmithHasFeature", key, value),
                method_seed("has_feature", "hasFeature", key, value)], []
    if repo == "growthbook/growthbook":
        on = Rule(name="use_feature_on", is_seed_rule=True, replace_node="m", replace=value, query=f"""(
            (member_expression object: (call_expression function: (identifier) @f
                arguments: (arguments . (string (string_fragment) @k))) property: (property_identifier) @p)
            @m (#eq? @f "useFeature") (#eq? @k "{key}") (#eq? @p "on"))""")
        return [call_seed("feature_is_on", "useFeatureIsOn", key, value), method_seed("is_on", "isOn", key, value), on], [
            import_rule("feature_is_on_import", "useFeatureIsOn"), import_rule("use_feature_import", "useFeature")]
    if repo == "novuhq/novu":
        member = Rule(name="novu_flag", is_seed_rule=True, replace_node="call", replace=value, query=f"""(
            (call_expression function: (identifier) @f arguments: (arguments . (member_expression property: (property_identifier) @k)))
            @call (#match? @f "^use(FeatureFlag|GetFlagByKey)$") (#eq? @k "{key}"))""")
        return [member], []
    return [], []


def graph(repo, key, value, jsx=True):
    generic = generic_rules(jsx) + declaration_rules(key)
    seed_rules, import_rules = seeds(repo, key, value)
    folds = [r.name for r in generic if r.name not in ("replace_uses", "union_member", "object_entry")]
    edges = [OutgoingEdges(s.name, to=folds, scope="Parent") for s in seed_rules]
    edges += [OutgoingEdges(s.name, to=[i.name for i in import_rules], scope="Global") for s in seed_rules if import_rules]
    edges.append(OutgoingEdges("delete_const", to=["replace_uses"], scope="Global"))
    edges.append(OutgoingEdges("replace_uses", to=folds, scope="Parent"))
    for f in folds:
        edges.append(OutgoingEdges(f, to=folds, scope="Parent"))
    rules = generic + seed_rules + import_rules
    return RuleGraph(rules=rules, edges=edges), len(generic), len(seed_rules) + len(import_rules)


def run_file(path, repo, key, value):
    """Piranha's new text of one file, or why there is none."""
    language = "typescript" if path.endswith(".ts") else "tsx"
    rule_graph, _, _ = graph(repo, key, value, jsx=language == "tsx")
    source = open(path, encoding="utf-8").read()
    try:
        # As a snippet: given paths, Piranha reads only files with its language's extension,
        # and JavaScript is not one of its languages (TSX parses JS with JSX).
        summaries = execute_piranha(PiranhaArguments(language=language, code_snippet=source,
                                                     rule_graph=rule_graph, dry_run=True))
    except BaseException as e:  # a Rust panic arrives as PanicException, a BaseException
        return None, f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
    for s in summaries:
        return s.content, None
    return source, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("run")
    ap.add_argument("--prettier", required=True)
    ap.add_argument("--quality", default="best,good")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_intermixed_args()
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(a.cases, "cases.tsv"))][1:]
    names = a.names or [r[0] for r in rows if r[7] in set(a.quality.split(","))]
    counts = {}
    print("| case | repo | rules (generic + app) | result | notes |")
    print("|---|---|---|---|---|")
    for name in names:
        case_dir = os.path.join(a.cases, name)
        case = json.load(open(os.path.join(case_dir, "case.json")))
        value = "true" if case["value"] is True else "false" if case["value"] is False else json.dumps(case["value"])
        _, generic, app = graph(case["repo"], case["flag"], value)
        keep = set(case["flag_hunks"])
        pairs, errors = [], []
        for path in [p for p in case["case_files"] if fix_eval.CODE.search(p)]:
            before_path = os.path.join(case_dir, "before", path)
            if not os.path.exists(before_path):
                continue
            before = open(before_path, encoding="utf-8", errors="replace").read()
            expected = fix_eval.expected_text(before, fix_eval.hunks(case["mirror"], case["commit"], path), keep)
            work = os.path.join(a.run, "piranha", name, path)
            os.makedirs(os.path.dirname(work), exist_ok=True)
            shutil.copy(before_path, work)
            out, error = run_file(work, case["repo"], case["flag"], value)
            if error:
                errors.append(f"{os.path.basename(path)}: {error}")
                out = before
            pairs.append((path, before, expected, out))
        texts = [(p, t) for p, _, e, m in pairs for t in (e, m)]
        normalized = fix_eval.normalize_all(texts, a.prettier) if texts else []
        differing = []
        for i, (path, before, expected, mine) in enumerate(pairs):
            e, m = normalized[2 * i], normalized[2 * i + 1]
            same = (fix_eval.blankless(e) == fix_eval.blankless(m)) if e is not None and m is not None \
                else fix_eval.tokens(expected) == fix_eval.tokens(mine)
            if not same:
                differing.append(os.path.basename(path))
                if a.details:
                    print(fix_eval.unified(fix_eval.blankless(e or expected), fix_eval.blankless(m or mine), path))
        result = "identical" if not differing and not errors else "gave up" if errors and len(errors) == len(pairs) \
            else "different"
        counts[result] = counts.get(result, 0) + 1
        notes = "; ".join(errors + ([f"differs: {', '.join(differing)}"] if differing else []))
        print(f"| {name} | {case['repo']} | {generic} + {app} | {result} | {notes} |", flush=True)
        shutil.rmtree(os.path.join(a.run, "piranha", name), ignore_errors=True)
    total = sum(counts.values())
    print()
    print(f"{total} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
