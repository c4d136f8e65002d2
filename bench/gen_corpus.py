#!/usr/bin/env python3
"""Generate a large, realistic JS/TS/TSX application tree for benchmarking flaglint.

Standard library only and deterministic: the same --seed and options give the same
bytes. The tree looks like a real front-end + API monorepo:

    package.json, tsconfig.json, .gitignore (node_modules/, dist/), README.md
    node_modules/   vendored packages (with flag-like code) that every tool must skip
    dist/           a built bundle, also ignored
    scripts/        a few .mjs/.cjs build scripts
    src/flags.ts    FLAGS object map + Flag enum of flag keys
    src/lib/flagsmith.ts   flagsmith.init({ defaultFlags })
    src/features/<feature>/<area>/{components,hooks,services,utils,__tests__}/...
    src/shared/..., src/server/... (flagsmith-nodejs), src/generated/ (200 KB+ files)

A few percent of the files read Flagsmith flags (browser SDK, React hooks, Node SDK),
with keys as literals, `FLAGS.X` constants, `Flag.X` enum members and a few template
strings. Some other files hold traps: `settings.getValue('x')` on non-SDK objects and
SDK-looking text in comments and strings. Every generated read is counted and the
totals are written to <corpus>/.expected.json.

By default the corpus is an (empty) git repository so that every tool honours its
.gitignore the way it would in a real checkout; --git also commits every file, then
modifies two files and stages them (for `flaglint check --staged`).
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

# ----------------------------------------------------------------------------- words

NOUNS = (
    "account address agent alert amount answer api archive asset audit avatar badge "
    "balance banner basket batch billing booking bucket budget bundle button cache "
    "calendar campaign card cart catalog category channel chart checkout claim client "
    "comment company config contact content contract coupon course credit currency "
    "customer dashboard dataset delivery device discount document domain draft editor "
    "email employee entry event feed field file filter folder form gallery "
    "group guest history inbox invoice issue item job label layout lead ledger "
    "license link list locale location log member menu message metric milestone modal "
    "module note notice offer order owner parcel page panel partner password payment "
    "payout permission plan policy portal post preference price product profile "
    "project promo query queue quote rating receipt record refund region release "
    "report request review role route rule schedule search section segment session "
    "setting shipment signup sku slot snapshot source space stage status step stock "
    "store subscription summary supplier survey tag task team template tenant theme "
    "thread ticket timeline token topic tour trace transfer trial upload usage user "
    "variant vendor version video view voucher wallet warehouse webhook widget "
    "workflow workspace"
).split()

ADJECTIVES = (
    "active archived async basic bulk cached compact current custom default detailed "
    "draft empty expired external featured filtered global hidden inline internal "
    "latest legacy linked local locked main manual merged minimal mobile nested new "
    "optional paged partial pending pinned primary private public raw recent remote "
    "shared simple sorted stale static sticky summary temporary trusted unread "
    "verified visible"
).split()

VERBS = (
    "apply archive build calculate cancel check clear clone compute confirm convert "
    "create decode delete describe detect encode ensure estimate export extract fetch "
    "filter find format group handle hydrate import index load map merge normalize "
    "open parse patch prepare publish queue read refresh register reload remove "
    "render reset resolve restore save schedule select send serialize sort split "
    "submit sync toggle track transform update upload validate verify watch"
).split()

FEATURES = (
    "accounts analytics auth billing booking cart catalog checkout comments "
    "dashboard discovery documents editor inbox integrations inventory invoices "
    "marketing media notifications onboarding orders organizations payments "
    "permissions pricing profile projects promotions reports reviews search "
    "settings shipping subscriptions support tasks teams timeline uploads users "
    "vendors wallet webhooks workflows workspace admin audit calendar chat "
    "experiments feedback help imports exports insights loyalty referrals rewards "
    "scheduling security storage surveys templates themes tours usage"
).split()

AREAS = (
    "core list detail form settings overview history widgets modals filters "
    "summary wizard sidebar header table cards timeline preview"
).split()

TEXTS = [
    "Something went wrong. Please try again.",
    "Your changes have been saved.",
    "Are you sure you want to continue?",
    "No results match your filters.",
    "Loading, please wait\u2026",
    "This action cannot be undone.",
    "We couldn't reach the server.",
    "Welcome back! Here is what changed since your last visit.",
    "Prices include VAT (\u20ac) where applicable.",
    "Caf\u00e9 opening hours may vary on public holidays.",
    "Upload a file up to 10 MB.",
    "Invite your team to collaborate \u2728",
    "Select at least one option.",
    "Session expired, please sign in again.",
    "Export started; you will receive an email when it is ready.",
    "Last updated a few seconds ago.",
]

CLASSES = (
    "flex items-center justify-between gap-2 gap-4 p-2 p-4 px-3 py-2 mt-2 mb-4 "
    "rounded-md rounded-lg shadow-sm border border-gray-200 bg-white bg-gray-50 "
    "text-sm text-xs font-medium font-semibold text-gray-500 text-gray-900 w-full "
    "grid grid-cols-2 grid-cols-3 hidden md:block truncate space-y-2 divide-y"
).split()

TS_TYPES = ["string", "number", "boolean", "string[]", "number | null",
            "Record<string, string>", "Date", "unknown", "string | undefined"]

# ------------------------------------------------------------------------ flag keys

# Flag keys exported from src/flags.ts as `FLAGS.CONST: 'key'`.
CONST_FLAGS = [
    ("NEW_CHECKOUT", "new_checkout"), ("ONE_CLICK_PAY", "one_click_pay"),
    ("SEARCH_RANKING_V2", "search_ranking_v2"), ("INVOICE_PDF_EXPORT", "invoice_pdf_export"),
    ("BULK_UPLOAD", "bulk_upload"), ("SMART_NOTIFICATIONS", "smart_notifications"),
    ("TEAM_ROLES", "team_roles"), ("AUDIT_LOG_STREAMING", "audit_log_streaming"),
    ("REFERRAL_PROGRAM", "referral_program"), ("USAGE_BASED_BILLING", "usage_based_billing"),
    ("INLINE_EDITING", "inline_editing"), ("CALENDAR_SYNC", "calendar_sync"),
    ("AI_SUMMARY", "ai_summary"), ("MAX_UPLOAD_MB", "max_upload_mb"),
    ("CHECKOUT_VARIANT", "checkout_variant"), ("SUPPORT_CHAT", "support_chat"),
    ("WEBHOOK_RETRIES", "webhook_retries"), ("PRICING_TABLE_V3", "pricing_table_v3"),
]
# Flag keys exported from src/flags.ts as `enum Flag { Member = 'key' }`.
ENUM_FLAGS = [
    ("DarkMode", "dark_mode"), ("CompactTables", "compact_tables"),
    ("BetaDashboard", "beta_dashboard"), ("NewOnboarding", "new_onboarding"),
    ("SsoLogin", "sso_login"), ("OfflineMode", "offline_mode"),
    ("ExperimentalEditor", "experimental_editor"), ("RateLimitBanner", "rate_limit_banner"),
    ("GiftCards", "gift_cards"), ("MultiCurrency", "multi_currency"),
]
# Keys only ever written as string literals.
LITERAL_FLAGS = [
    "holiday_banner", "show_changelog", "legacy_reports", "fast_search_index",
    "welcome_tour", "new_pricing_page", "beta_api_keys", "csv_import_v2",
    "enable_sentry_replay", "homepage_hero_variant", "max_items_per_page",
    "support_widget_color", "maintenance_mode", "guest_checkout",
]
# Keys defined in flags.json (for `check`) that no code reads: stale-flag candidates.
UNUSED_FLAGS = ["old_header", "winter_sale_2021", "legacy_export", "beta_mobile_nav",
                "xmas_theme", "v1_api_deprecation"]
DYNAMIC_PREFIXES = ["beta_", "experiment_", "region_", "plan_"]
IGNORED_CANARY = "ignored_dir_canary_flag"


def plural(word):
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def pascal(words):
    return "".join(w[:1].upper() + w[1:] for w in words)


def camel(words):
    return words[0] + pascal(words[1:])


class Stats:
    def __init__(self):
        self.c = {
            "sdk_calls": 0,            # method calls with a key: hasFeature/getValue/...
            "sdk_calls_by_method": {},
            "keys_literal": 0, "keys_const": 0, "keys_enum": 0, "keys_dynamic": 0,
            "hook_calls": 0,           # useFlags([...]) calls
            "hook_keys": 0,            # keys listed in useFlags arrays
            "member_reads": 0,         # flags.key.enabled / flags.key.value
            "default_flags": 0,        # keys in flagsmith.init({ defaultFlags })
            "keyless_calls": 0,        # useFlagsmith(), getAllFlags(), getEnvironmentFlags()
            "trap_sites": 0,           # trigger words that are NOT SDK reads
            "sdk_files": 0, "trap_files": 0,
        }
        self.keys_used = set()

    def call(self, method, kind, key=None):
        self.c["sdk_calls"] += 1
        by = self.c["sdk_calls_by_method"]
        by[method] = by.get(method, 0) + 1
        self.c["keys_" + kind] += 1
        if key:
            self.keys_used.add(key)


# ------------------------------------------------------------------------- generator


class Gen:
    def __init__(self, seed, n_files, min_bytes):
        self.r = random.Random(seed)
        self.n_files = n_files
        self.min_bytes = min_bytes
        self.stats = Stats()
        self.files = []        # (relpath, text) in write order
        self.exports = {}      # feature/shared -> list of (path_noext, [names])
        self.src_bytes = 0
        self.src_count = 0

    # -- small helpers ----------------------------------------------------------
    def noun(self):
        return self.r.choice(NOUNS)

    def ident(self, n=2):
        return camel([self.r.choice(ADJECTIVES + VERBS) if i == 0 else self.noun()
                      for i in range(n)])

    def type_name(self):
        return pascal([self.noun(), self.r.choice(["Info", "Item", "Entry", "Data", "State",
                                                   "Options", "Summary", "Record", ""])])

    def text(self):
        return self.r.choice(TEXTS)

    def cls(self):
        return " ".join(self.r.sample(CLASSES, self.r.randint(2, 5)))

    def jsdoc(self, subject, params=()):
        r = self.r
        lines = ["/**", " * %s %s for the %s %s." % (plural(r.choice(VERBS)).capitalize(),
                                                   subject, r.choice(ADJECTIVES), self.noun())]
        if r.random() < 0.5:
            lines.append(" *")
            lines.append(" * Note: keep this in sync with the %s service; see %s." %
                         (self.noun(), r.choice(["ADR-%03d" % r.randint(1, 120), "the wiki",
                                                 "JIRA-%d" % r.randint(100, 9999)])))
        for p in params:
            lines.append(" * @param %s - the %s %s" % (p, r.choice(ADJECTIVES), self.noun()))
        lines.append(" */")
        return "\n".join(lines) + "\n"

    # -- generic blocks -----------------------------------------------------------
    def block_interface(self, ts):
        r = self.r
        name = self.type_name() + r.choice(["", "Props", "Dto", "Config"])
        fields = r.sample(NOUNS, r.randint(3, 9))
        if ts:
            body = "".join("  %s%s: %s;\n" % (camel([f, self.noun()]) if r.random() < 0.4 else f,
                                              "?" if r.random() < 0.3 else "",
                                              r.choice(TS_TYPES)) for f in fields)
            kw = r.choice(["export interface %s {\n", "interface %s {\n",
                           "export type %s = {\n"]) % name
            return kw + body + ("};\n\n" if "type" in kw else "}\n\n")
        body = "".join(" * @property {%s} %s\n" % (r.choice(["string", "number", "boolean"]), f)
                       for f in fields)
        return "/**\n * @typedef {Object} %s\n%s */\n\n" % (name, body)

    def block_constants(self, ts):
        r = self.r
        name = "_".join(w.upper() for w in [r.choice(ADJECTIVES), self.noun(),
                                            r.choice(["LABELS", "ROUTES", "OPTIONS", "LIMITS"])])
        entries = []
        for f in r.sample(NOUNS, r.randint(4, 12)):
            if r.random() < 0.5:
                entries.append("  %s: '%s',\n" % (f, self.text().replace("'", "\\'")))
            elif r.random() < 0.5:
                entries.append("  %s: '/%s/%s',\n" % (f, self.noun(), f))
            else:
                entries.append("  %s: %d,\n" % (f, r.randint(1, 5000)))
        tail = " as const;\n\n" if ts and r.random() < 0.5 else ";\n\n"
        return "export const %s = {\n%s}%s" % (name, "".join(entries), tail)

    def block_function(self, ts):
        r = self.r
        name = camel([r.choice(VERBS), self.noun(), r.choice(["", "List", "Map", "Value"])])
        a, b = self.noun(), plural(self.noun())
        t = (lambda s: s) if ts else (lambda s: "")
        item = self.type_name()
        lines = [self.jsdoc(name, [a, b]) if r.random() < 0.6 else "",
                 "export function %s(%s%s, %s%s)%s {\n" % (
                     name, a, t(": string"), b, t(": %s[]" % item if r.random() < 0.3 else ": any[]"),
                     t(": Record<string, number>")),
                 "  const result%s = {};\n" % t(": Record<string, number>"),
                 "  if (!%s || %s.length === 0) {\n    return result;\n  }\n" % (b, b)]
        for _ in range(r.randint(1, 3)):
            v = self.noun()
            lines.append(
                "  for (const %s of %s) {\n"
                "    const key = `${%s}:${%s.id ?? '%s'}`;\n"
                "    if (%s.%s %s %d) {\n"
                "      result[key] = (result[key] ?? 0) + 1;\n"
                "    } else if (%s.%s) {\n"
                "      result[key] = Math.max(result[key] ?? 0, %s.%s.length);\n"
                "    }\n"
                "  }\n" % (v, b, a, v, self.noun(), v, self.noun(), r.choice([">", "<", ">="]),
                           r.randint(0, 100), v, self.noun(), v, self.noun()))
        if r.random() < 0.4:
            lines.append("  // %s: %s\n" % (r.choice(["TODO", "NOTE", "FIXME", "HACK"]),
                                           self.text()))
        lines.append("  return result;\n}\n\n")
        return "".join(lines)

    def block_arrow(self, ts):
        r = self.r
        name = camel([r.choice(VERBS), self.noun()])
        t = (lambda s: s) if ts else (lambda s: "")
        items = plural(self.noun())
        return (
            "export const %s = (%s%s)%s =>\n"
            "  %s\n"
            "    .filter((x) => x && x.%s !== %s)\n"
            "    .map((x) => ({ ...x, %s: String(x.%s ?? '').trim().toLowerCase() }))\n"
            "    .sort((a, b) => (a.%s > b.%s ? 1 : -1));\n\n" % (
                name, items, t(": Array<Record<string, any>>"), t(": Array<Record<string, any>>"),
                items, self.noun(), r.choice(["null", "undefined", "''", "0"]),
                self.noun(), self.noun(), self.noun(), self.noun()))

    def block_async(self, ts):
        r = self.r
        name = camel([r.choice(["fetch", "load", "save", "sync", "delete", "update"]), self.noun(),
                      r.choice(["", "s", "ById", "Page"])])
        t = (lambda s: s) if ts else (lambda s: "")
        res = self.type_name()
        return (
            "%sexport async function %s(id%s, options%s = {})%s {\n"
            "  const params = new URLSearchParams({ limit: String(options.limit ?? %d), "
            "sort: '%s' });\n"
            "  const response = await fetch(`${API_BASE_URL}/%s/${encodeURIComponent(id)}?${params}`, {\n"
            "    method: '%s',\n"
            "    headers: { 'Content-Type': 'application/json', 'X-Request-Source': '%s' },\n"
            "    credentials: 'include',\n"
            "  });\n"
            "  if (!response.ok) {\n"
            "    throw new Error(`%s failed with status ${response.status}: %s`);\n"
            "  }\n"
            "  const data%s = await response.json();\n"
            "  return data;\n"
            "}\n\n" % (self.jsdoc(name, ["id", "options"]) if r.random() < 0.5 else "",
                       name, t(": string"), t(": { limit?: number }"),
                       t(": Promise<%s>" % res), r.randint(10, 100), self.noun(),
                       plural(self.noun()), r.choice(["GET", "POST", "PUT", "PATCH", "DELETE"]),
                       self.noun(), name, self.text().replace("`", "'"), t(": %s" % res)))

    def block_class(self, ts):
        r = self.r
        name = pascal([self.noun(), r.choice(["Service", "Repository", "Client", "Manager",
                                               "Store", "Controller"])])
        t = (lambda s: s) if ts else (lambda s: "")
        priv = "private " if ts else ""
        out = ["export class %s {\n" % name]
        if ts:
            out.append("  private readonly cache = new Map<string, unknown>();\n")
        else:
            out.append("  cache = new Map();\n")
        out.append("  constructor(%sbaseUrl%s = '/api/%s', %stimeoutMs%s = %d) {}\n\n" % (
            "private readonly " if ts else "", t(": string"), self.noun(),
            "private readonly " if ts else "", t(": number"), r.choice([1000, 5000, 30000])))
        if not ts:
            out[-1] = ("  constructor(baseUrl = '/api/%s', timeoutMs = %d) {\n"
                       "    this.baseUrl = baseUrl;\n    this.timeoutMs = timeoutMs;\n  }\n\n"
                       % (self.noun(), r.choice([1000, 5000, 30000])))
        for _ in range(r.randint(2, 5)):
            m = camel([r.choice(VERBS), self.noun()])
            if r.random() < 0.5:
                out.append(
                    "  async %s(id%s)%s {\n"
                    "    const cached = this.cache.get(id);\n"
                    "    if (cached) return cached%s;\n"
                    "    const controller = new AbortController();\n"
                    "    const timer = setTimeout(() => controller.abort(), this.timeoutMs);\n"
                    "    try {\n"
                    "      const res = await fetch(`${this.baseUrl}/%s/${id}`, { signal: controller.signal });\n"
                    "      const body = await res.json();\n"
                    "      this.cache.set(id, body);\n"
                    "      return body;\n"
                    "    } finally {\n"
                    "      clearTimeout(timer);\n"
                    "    }\n"
                    "  }\n\n" % (m, t(": string"), t(": Promise<%s>" % self.type_name()),
                                 t(" as any"), plural(self.noun())))
            else:
                items = plural(self.noun())
                out.append(
                    "  %s%s(%s%s)%s {\n"
                    "    // %s\n"
                    "    return %s.map((entry) => ({ id: entry.id, label: `%s ${entry.name}` }));\n"
                    "  }\n\n" % (priv if r.random() < 0.3 else "", m, items,
                                 t(": Array<{ id: string; name: string }>"),
                                 t(": Array<{ id: string; label: string }>"), self.text(),
                                 items, self.noun().capitalize()))
        out.append("}\n\n")
        text = "".join(out)
        return text

    def block_reducer(self, ts):
        r = self.r
        state = self.type_name() + "State"
        t = (lambda s: s) if ts else (lambda s: "")
        actions = [("%s/%s" % (self.noun(), r.choice(VERBS))) for _ in range(r.randint(3, 6))]
        cases = "".join(
            "    case '%s':\n      return { ...state, %s: action.payload, updatedAt: Date.now() };\n"
            % (a, self.noun()) for a in actions)
        return (
            "export function %sReducer(state%s, action%s)%s {\n"
            "  switch (action.type) {\n%s"
            "    default:\n      return state;\n  }\n}\n\n" % (
                camel([self.noun(), "list"]), t(": %s" % state),
                t(": { type: string; payload?: any }"), t(": %s" % state), cases))

    def block_comment(self):
        r = self.r
        lines = ["/*", " * %s" % r.choice(["Implementation notes", "Why this exists",
                                           "Performance", "Edge cases", "Migration plan"])]
        for _ in range(r.randint(2, 6)):
            lines.append(" * - %s %s %s when the %s is %s. %s" % (
                r.choice(VERBS).capitalize(), r.choice(ADJECTIVES), self.noun(), self.noun(),
                r.choice(ADJECTIVES), self.text()))
        lines.append(" */\n\n")
        return "\n".join(lines)

    def block_subcomponent(self, ts):
        r = self.r
        name = pascal([r.choice(ADJECTIVES), self.noun(), r.choice(["Row", "Item", "Badge",
                                                                    "Card", "Cell", "Empty"])])
        t = (lambda s: s) if ts else (lambda s: "")
        p1, p2 = self.r.sample(NOUNS, 2)
        return (
            "function %s({ %s, %s, onSelect }%s) {\n"
            "  return (\n"
            "    <div className=\"%s\" role=\"listitem\" onClick={() => onSelect?.(%s)}>\n"
            "      <span className=\"%s\">{%s}</span>\n"
            "      {%s ? <small className=\"%s\">{String(%s)}</small> : null}\n"
            "      <p>%s</p>\n"
            "    </div>\n"
            "  );\n"
            "}\n\n" % (name, p1, p2, t(": { %s: string; %s?: number; onSelect?: (v: string) => void }"
                                        % (p1, p2)),
                       self.cls(), p1, self.cls(), p1, p2, self.cls(), p2, self.text()))

    def block_enum(self):
        r = self.r
        members = r.sample(NOUNS, r.randint(3, 8))
        return "export enum %s {\n%s}\n\n" % (
            pascal([self.noun(), r.choice(["Kind", "Status", "Mode", "Type"])]),
            "".join("  %s = '%s',\n" % (pascal([m]), m.upper()) for m in members))

    def filler(self, ts, jsx):
        r = self.r.random()
        if r < 0.22:
            return self.block_function(ts)
        if r < 0.36:
            return self.block_arrow(ts)
        if r < 0.48:
            return self.block_async(ts)
        if r < 0.58:
            return self.block_constants(ts)
        if r < 0.68:
            return self.block_interface(ts)
        if r < 0.75:
            return self.block_reducer(ts)
        if r < 0.82:
            return self.block_comment()
        if jsx and r < 0.95:
            return self.block_subcomponent(ts)
        if ts and r < 0.9:
            return self.block_enum()
        return self.block_class(ts)

    # -- flag usage ---------------------------------------------------------------
    def pick_key(self, allow_dynamic=True):
        """Return (expression, kind, key) for a flag key argument."""
        r = self.r.random()
        if r < 0.25:
            const, key = self.r.choice(CONST_FLAGS)
            return "FLAGS.%s" % const, "const", key
        if r < 0.37:
            member, key = self.r.choice(ENUM_FLAGS)
            return "Flag.%s" % member, "enum", key
        if allow_dynamic and r < 0.40:
            prefix = self.r.choice(DYNAMIC_PREFIXES)
            return "`%s${%s}`" % (prefix, self.noun()), "dynamic", None
        key = self.r.choice(LITERAL_FLAGS + [k for _, k in CONST_FLAGS])
        return "'%s'" % key, "literal", key

    def browser_flag_block(self, ts, receiver="flagsmith"):
        """A function or two that read flags through the browser SDK."""
        r = self.r
        t = (lambda s: s) if ts else (lambda s: "")
        out = []
        for _ in range(r.randint(1, 3)):
            expr, kind, key = self.pick_key()
            if r.random() < 0.6:
                self.stats.call("hasFeature", kind, key)
                name = camel(["should", r.choice(VERBS), self.noun()])
                arg = self.noun()
                out.append(
                    "export function %s(%s%s)%s {\n"
                    "  if (!%s.id) {\n    return false;\n  }\n"
                    "  return %s.hasFeature(%s);\n"
                    "}\n\n" % (name, arg, t(": { id: string; %s?: boolean }" % self.noun()),
                               t(": boolean"), arg, receiver, expr))
            else:
                self.stats.call("getValue", kind, key)
                name = camel(["get", self.noun(), r.choice(["Limit", "Variant", "Color", "Config"])])
                fallback = r.choice(["10", "'control'", "'#3b82f6'", "null", "{}"])
                opts = (", { fallback: %s }" % fallback) if r.random() < 0.5 else ""
                out.append(
                    "export function %s()%s {\n"
                    "  const raw = %s.getValue(%s%s);\n"
                    "  return raw ?? %s;\n"
                    "}\n\n" % (name, t(": unknown"), receiver, expr, opts, fallback))
        return "".join(out)

    def node_flag_block(self, ts):
        r = self.r
        t = (lambda s: s) if ts else (lambda s: "")
        name = camel(["handle", self.noun(), r.choice(["Request", "Webhook", "Job", "Sync"])])
        lines = ["export async function %s(req%s, res%s) {\n" % (name, t(": Request"), t(": Response"))]
        if r.random() < 0.6:
            lines.append("  const flags = await flagsmithClient.getEnvironmentFlags();\n")
        else:
            lines.append("  const flags = await flagsmithClient.getIdentityFlags(req.user.id, "
                         "{ plan: req.user.plan });\n")
        self.stats.c["keyless_calls"] += 1
        for _ in range(r.randint(1, 3)):
            expr, kind, key = self.pick_key()
            if r.random() < 0.6:
                self.stats.call("isFeatureEnabled", kind, key)
                lines.append("  if (!flags.isFeatureEnabled(%s)) {\n"
                             "    return res.status(404).json({ error: '%s' });\n  }\n"
                             % (expr, self.text().replace("'", "\\'")))
            else:
                self.stats.call("getFeatureValue", kind, key)
                lines.append("  const %s = flags.getFeatureValue(%s) ?? %s;\n"
                             % (camel([self.noun(), "setting"]), expr, r.choice(["10", "'default'", "0"])))
        lines.append("  const %s = await %s.%s(req.params.id);\n" % (
            self.noun(), camel([self.noun(), "service"]), camel([r.choice(VERBS), self.noun()])))
        lines.append("  return res.json({ ok: true, %s });\n}\n\n" % "data: null")
        return "".join(lines)

    def hook_flag_lines(self, with_jsx=True):
        """Lines for the top of a component or hook body using flagsmith/react hooks,
        plus JSX that reads the flags (components only)."""
        r = self.r
        n = r.randint(1, 3)
        keys = r.sample(LITERAL_FLAGS + [k for _, k in CONST_FLAGS], n)
        self.stats.c["hook_calls"] += 1
        self.stats.c["hook_keys"] += n
        self.stats.keys_used.update(keys)
        traits = ", ['plan', 'country']" if r.random() < 0.2 else ""
        lines = ["  const flags = useFlags([%s]%s);\n" % (", ".join("'%s'" % k for k in keys), traits)]
        jsx = []
        for k in keys:
            if with_jsx and r.random() < 0.7:
                self.stats.c["member_reads"] += 1
                jsx.append("      {flags.%s.enabled && <span className=\"%s\">%s</span>}\n"
                           % (k, self.cls(), self.text()))
            if r.random() < 0.3:
                self.stats.c["member_reads"] += 1
                lines.append("  const %s = flags.%s.value;\n" % (camel([self.noun(), "value"]), k))
        if r.random() < 0.35:
            self.stats.c["keyless_calls"] += 1
            lines.append("  const flagsmith = useFlagsmith();\n")
            expr, kind, key = self.pick_key(allow_dynamic=False)
            self.stats.call("hasFeature", kind, key)
            lines.append("  const %s = flagsmith.hasFeature(%s);\n" % (
                camel(["is", self.noun(), "enabled"]), expr))
        return "".join(lines), "".join(jsx)

    def trap_block(self, ts):
        """Trigger words that are not Flagsmith reads."""
        r = self.r
        t = (lambda s: s) if ts else (lambda s: "")
        out = []
        choice = r.random()
        if choice < 0.4:
            out.append(
                "class SettingsStore {\n"
                "  %svalues = new Map%s();\n"
                "  getValue(key%s)%s {\n    return this.values.get(key);\n  }\n"
                "}\n\n"
                "const settings = new SettingsStore();\n\n"
                "export function %s()%s {\n"
                "  const theme = settings.getValue('theme');\n"
                "  const density = settings.getValue('%s');\n"
                "  return `${theme ?? 'light'}-${density ?? 'comfortable'}`;\n"
                "}\n\n" % ("private " if ts else "", t("<string, string>"), t(": string"),
                           t(": string | undefined"), camel(["resolve", self.noun(), "theme"]),
                           t(": string"), self.noun()))
            self.stats.c["trap_sites"] += 3
        elif choice < 0.7:
            out.append(
                "export function %s(form%s) {\n"
                "  const email = form.getValue('email');\n"
                "  const plugins = registry.hasFeature('%s') ? registry.list() : [];\n"
                "  return { email, plugins };\n"
                "}\n\n" % (camel(["read", self.noun(), "form"]),
                           t(": { getValue(name: string): string }"), self.noun()))
            self.stats.c["trap_sites"] += 2
        else:
            out.append(
                "// Migrated off flagsmith.hasFeature('legacy_%s') in 2023; the value now\n"
                "// comes from the plan. Do not call flagsmith.getValue() here.\n"
                "export const %s_HELP = \"Use useFlags(['x']) in components; "
                "see docs/flags.md\";\n\n" % (self.noun(), self.noun().upper()))
            self.stats.c["trap_sites"] += 3
        return "".join(out)

    # -- file renderers -----------------------------------------------------------
    def imports_for(self, path, scope, ts):
        r = self.r
        lines = []
        pool = self.exports.get(scope, [])
        shared = self.exports.get("shared", [])
        picks = []
        if pool:
            picks += r.sample(pool[-60:], min(len(pool[-60:]), r.randint(0, 3)))
        if shared and r.random() < 0.6:
            picks += r.sample(shared[-80:], min(len(shared[-80:]), r.randint(1, 2)))
        seen = set()
        for target, names in picks:
            if target == path or not names:
                continue
            chosen = [n for n in r.sample(names, min(len(names), r.randint(1, 3))) if n not in seen]
            if not chosen:
                continue
            seen.update(chosen)
            rel = os.path.relpath(os.path.splitext(target)[0], os.path.dirname(path))
            if not rel.startswith("."):
                rel = "./" + rel
            lines.append("import { %s } from '%s';\n" % (", ".join(chosen), rel))
        if r.random() < 0.3:
            lines.insert(0, "import { debounce, groupBy } from 'lodash';\n")
        if r.random() < 0.2:
            lines.insert(0, "import dayjs from 'dayjs';\n")
        return "".join(lines)

    def header(self, path):
        r = self.r
        if r.random() < 0.25:
            return "/**\n * @file %s\n * Copyright (c) %d Acme Corp. All rights reserved.\n */\n\n" % (
                path, r.randint(2018, 2025))
        if r.random() < 0.1:
            return "'use client';\n\n"
        return ""

    def render(self, path, kind, ext, scope, size, flag_style, trap):
        r = self.r
        ts = ext in ("ts", "tsx", "mts", "cts")
        jsx = ext in ("tsx", "jsx")
        parts = [self.header(path)]
        exports = []
        imports = []
        body = []
        tail = []
        if kind == "component":
            imports.append("import React, { useCallback, useEffect, useMemo, useState } from 'react';\n")
        if flag_style == "browser":
            imports.append("import flagsmith from 'flagsmith';\n")
        elif flag_style == "react":
            imports.append("")  # filled in below: only the hooks the file uses
            react_slot = len(imports) - 1
        elif flag_style == "node":
            imports.append("import Flagsmith from 'flagsmith-nodejs';\n")
        if flag_style:
            imports.append("")  # FLAGS / Flag import, filled in below when used
            flags_slot = len(imports) - 1
            self.stats.c["sdk_files"] += 1
        imports.append(self.imports_for(path, scope, ts))
        if flag_style == "node":
            body.append("const flagsmithClient = new Flagsmith({\n"
                        "  environmentKey: process.env.FLAGSMITH_SERVER_KEY ?? '',\n"
                        "  enableLocalEvaluation: %s,\n});\n\n" % r.choice(["true", "false"]))

        main = ""
        if kind == "component":
            name = pascal(os.path.splitext(os.path.basename(path))[0].split("."))
            props = [self.noun() for _ in range(r.randint(2, 5))]
            t = (lambda s: s) if ts else (lambda s: "")
            if ts:
                body.append("export interface %sProps {\n%s}\n\n" % (
                    name, "".join("  %s%s: %s;\n" % (p, "?" if i else "", r.choice(TS_TYPES))
                                  for i, p in enumerate(props))))
            hook_lines, hook_jsx = "", ""
            if flag_style == "react":
                hook_lines, hook_jsx = self.hook_flag_lines()
            browser_jsx = ""
            if flag_style == "browser":
                expr, kind_, key = self.pick_key(allow_dynamic=False)
                self.stats.call("hasFeature", kind_, key)
                browser_jsx = "      {flagsmith.hasFeature(%s) ? <span className=\"%s\">%s</span> : null}\n" % (
                    expr, self.cls(), self.text())
            s1 = self.noun()
            main = (
                "export function %s({ %s }%s) {\n"
                "%s"
                "  const [%s, set%s] = useState%s(%s);\n"
                "  const [loading, setLoading] = useState(false);\n"
                "  useEffect(() => {\n"
                "    let cancelled = false;\n"
                "    setLoading(true);\n"
                "    Promise.resolve(%s).then((value) => {\n"
                "      if (!cancelled) set%s(value);\n"
                "    }).finally(() => setLoading(false));\n"
                "    return () => {\n      cancelled = true;\n    };\n"
                "  }, [%s]);\n"
                "  const visible = useMemo(() => (Array.isArray(%s) ? %s.slice(0, %d) : []), [%s]);\n"
                "  const handleClick = useCallback((event%s) => {\n"
                "    event.preventDefault();\n"
                "    console.debug('[%s] click', %s);\n"
                "  }, [%s]);\n\n"
                "  if (loading) {\n    return <div className=\"%s\">%s</div>;\n  }\n\n"
                "  return (\n"
                "    <section className=\"%s\" data-testid=\"%s\">\n"
                "      <h2 className=\"%s\">{%s ?? '%s'}</h2>\n"
                "%s%s"
                "      <ul className=\"%s\">\n"
                "        {visible.map((entry, index) => (\n"
                "          <li key={entry?.id ?? index} className=\"%s\">{String(entry?.name ?? entry)}</li>\n"
                "        ))}\n"
                "      </ul>\n"
                "      <button type=\"button\" className=\"%s\" onClick={handleClick} disabled={loading}>\n"
                "        %s\n"
                "      </button>\n"
                "    </section>\n"
                "  );\n"
                "}\n\n" % (
                    name, ", ".join(props), t(": %sProps" % name), hook_lines,
                    s1, pascal([s1]), t("<any>"), r.choice(["null", "[]", "''", "0"]),
                    props[0], pascal([s1]), props[0], s1, s1, r.randint(5, 50), s1,
                    t(": React.MouseEvent<HTMLButtonElement>"), name, s1, s1,
                    self.cls(), self.text(), self.cls(), path.replace("/", "-"), self.cls(),
                    props[-1], self.text().replace("'", ""), hook_jsx, browser_jsx,
                    self.cls(), self.cls(), self.cls(),
                    r.choice(["Save", "Continue", "Refresh", "Apply", "Load more"])))
            tail.append("export default %s;\n" % name)
            exports.append(name)
        elif kind == "hook":
            name = camel(["use"] + os.path.splitext(os.path.basename(path))[0][3:].split("."))
            t = (lambda s: s) if ts else (lambda s: "")
            imports.append("import { useEffect, useRef, useState } from 'react';\n")
            hook_lines = ""
            if flag_style == "react":
                hook_lines, _ = self.hook_flag_lines(with_jsx=False)
            main = (
                "export function %s(id%s) {\n"
                "%s"
                "  const [state, setState] = useState%s({ status: 'idle', data: null });\n"
                "  const mounted = useRef(true);\n"
                "  useEffect(() => {\n"
                "    mounted.current = true;\n"
                "    setState({ status: 'loading', data: null });\n"
                "    fetch(`${API_BASE_URL}/%s/${id}`)\n"
                "      .then((res) => res.json())\n"
                "      .then((data) => mounted.current && setState({ status: 'ready', data }))\n"
                "      .catch(() => mounted.current && setState({ status: 'error', data: null }));\n"
                "    return () => {\n      mounted.current = false;\n    };\n"
                "  }, [id]);\n"
                "  return state;\n"
                "}\n\n" % (name, t(": string"), hook_lines,
                           t("<{ status: string; data: unknown }>"), plural(self.noun())))
            exports.append(name)
        elif kind == "test":
            subject = self.r.choice(self.exports.get(scope, [("x", ["noop"])])[-20:])
            sname = subject[1][0] if subject[1] else "noop"
            main = "describe('%s', () => {\n" % sname
            for _ in range(r.randint(2, 6)):
                main += ("  it('%s %s when %s is %s', () => {\n"
                         "    const input = { id: '%s-%d', name: '%s' };\n"
                         "    expect(typeof %s).toBe('function');\n"
                         "    expect(input).toMatchObject({ name: '%s' });\n"
                         "  });\n\n" % (r.choice(VERBS), self.noun(), self.noun(),
                                        r.choice(ADJECTIVES), self.noun(), r.randint(1, 999),
                                        self.noun(), sname, self.noun()))
            main += "});\n\n"
        elif kind in ("service", "server"):
            main = self.block_class(ts)

        # flag blocks that are not part of the main component/hook
        extra = []
        if flag_style == "browser" and kind != "component":
            extra.append(self.browser_flag_block(ts))
        elif flag_style == "browser" and r.random() < 0.5:
            extra.append(self.browser_flag_block(ts))
        if flag_style == "node":
            extra.append(self.node_flag_block(ts))
            if r.random() < 0.4:
                extra.append(self.node_flag_block(ts))
        if trap:
            extra.append(self.trap_block(ts))

        cur = sum(len(p) for p in parts + imports + body + extra + tail) + len(main) + 2
        fillers = []
        while cur < size:
            b = self.filler(ts, jsx)
            fillers.append(b)
            cur += len(b)
        # collect export names of the fillers for other files to import
        for b in fillers:
            if b.startswith("export function ") or b.startswith("export async function "):
                exports.append(b.split("function ", 1)[1].split("(", 1)[0])
            elif b.startswith("export const "):
                exports.append(b[len("export const "):].split(" ", 1)[0])
            elif "\nexport function " in b or "\nexport async function " in b:
                seg = b.split("export ", 1)[1]
                exports.append(seg.split("function ", 1)[1].split("(", 1)[0])
        if flag_style:
            used = "".join(extra) + main
            names = [n for n in ("FLAGS", "Flag") if n + "." in used]
            if names:
                rel = os.path.relpath("src/flags", os.path.dirname(path))
                imports[flags_slot] = "import { %s } from '%s';\n" % (
                    ", ".join(names), rel if rel.startswith(".") else "./" + rel)
            if flag_style == "react":
                hooks = [n for n in ("useFlags", "useFlagsmith") if n + "(" in used]
                imports[react_slot] = "import { %s } from 'flagsmith/react';\n" % ", ".join(hooks)
        if kind != "test" and any("API_BASE_URL" in b for b in fillers + [main]):
            body.insert(0, "const API_BASE_URL = process.env.API_BASE_URL ?? '/api/v%d';\n\n"
                        % r.randint(1, 3))
        # place flag blocks somewhere in the middle
        mid = r.randint(0, len(fillers))
        code = (parts + imports + ["\n"] + body + fillers[:mid] + extra + fillers[mid:] +
                [main] + tail)
        text = "".join(code)
        if kind != "test":
            self.exports.setdefault(scope, []).append((path, [e for e in exports if e]))
        return text

    # -- tree layout -------------------------------------------------------------
    def plan(self):
        """Decide every source file's path, kind and extension."""
        r = self.r
        specs = []
        used = set()

        def add(path, kind, ext, scope):
            base, n = path, 2
            while base + "." + ext in used:
                base = "%s%d" % (path, n)
                n += 1
            full = base + "." + ext
            used.add(full)
            specs.append((full, kind, ext, scope))

        def pick_ext(kind, legacy):
            if kind == "component":
                return "jsx" if legacy else "tsx"
            return "js" if legacy else "ts"

        # shared libraries first so features can import them
        for lib in ("ui", "lib", "api", "hooks", "utils", "i18n", "analytics", "forms"):
            for i in range(120):
                kind = {"ui": "component", "hooks": "hook", "api": "service"}.get(lib, "util")
                words = [r.choice(ADJECTIVES), self.noun()]
                if kind == "component":
                    name = pascal(words)
                elif kind == "hook":
                    name = "use" + pascal(words)
                else:
                    name = camel(words)
                add("src/shared/%s/%s" % (lib, name), kind, pick_ext(kind, r.random() < 0.08), "shared")
        # server (Node SDK)
        for area in ("routes", "services", "jobs", "middleware", "webhooks", "repositories"):
            for i in range(100):
                add("src/server/%s/%s/%s" % (area, self.noun(), camel([r.choice(VERBS), self.noun()])),
                    "server", "js" if r.random() < 0.1 else "ts", "server")
        # features
        per_feature_target = max(10, (self.n_files - len(specs)) // len(FEATURES))
        for feature in FEATURES:
            count = 0
            areas = r.sample(AREAS, r.randint(5, 10))
            while count < per_feature_target:
                for area in areas:
                    legacy = r.random() < 0.1
                    for sub, kind in (("components", "component"), ("components", "component"),
                                      ("hooks", "hook"), ("services", "service"),
                                      ("utils", "util"), ("utils", "util"),
                                      ("__tests__", "test")):
                        words = [r.choice(ADJECTIVES), self.noun()]
                        if kind == "component":
                            name = pascal([feature.rstrip("s")] + words)
                        elif kind == "hook":
                            name = "use" + pascal(words)
                        elif kind == "test":
                            name = camel(words) + ".test"
                        else:
                            name = camel([r.choice(VERBS)] + words[1:])
                        ext = pick_ext(kind, legacy)
                        if kind == "test":
                            ext = "tsx" if r.random() < 0.3 else "ts"
                        add("src/features/%s/%s/%s/%s" % (feature, area, sub, name), kind, ext, feature)
                        count += 1
                        if count >= per_feature_target:
                            break
                    if count >= per_feature_target:
                        break
        return specs

    def sizes(self, n):
        r = self.r
        out = []
        for _ in range(n):
            s = int(r.lognormvariate(8.3, 0.62))
            out.append(min(20000, max(1000, s)))
        return out

    def generate(self, sdk_share, trap_share):
        r = self.r
        specs = self.plan()
        sizes = self.sizes(len(specs))
        eligible = [i for i, s in enumerate(specs) if s[1] != "test"]
        n_sdk = round(sdk_share * len(specs))
        sdk = set(r.sample(eligible, n_sdk))
        rest = [i for i in eligible if i not in sdk]
        traps = set(r.sample(rest, round(trap_share * len(specs))))
        # a few SDK files also hold traps
        traps.update(r.sample(sorted(sdk), max(1, len(sdk) // 20)))
        for i, (path, kind, ext, scope) in enumerate(specs):
            style = None
            if i in sdk:
                if kind == "server":
                    style = "node"
                elif kind in ("component", "hook") and r.random() < 0.6:
                    style = "react"
                else:
                    style = "browser"
            if i in traps:
                self.stats.c["trap_files"] += 1
            text = self.render(path, kind, ext, scope, sizes[i], style, i in traps)
            self.add_src(path, text)
        self.special_files()
        # top up until both minimums hold (normally already true)
        extra = 0
        while self.src_count < self.n_files or self.src_bytes < self.min_bytes:
            extra += 1
            path = "src/features/%s/extra/utils/%s%d.ts" % (r.choice(FEATURES), camel([r.choice(VERBS), self.noun()]), extra)
            self.add_src(path, self.render(path, "util", "ts", "shared", 12000, None, False))

    def add_src(self, path, text):
        self.files.append((path, text))
        self.src_count += 1
        self.src_bytes += len(text.encode("utf-8"))

    # -- special files -------------------------------------------------------------
    def special_files(self):
        r = self.r
        flags_ts = ["/**\n * Feature flag keys used across the app. Keep in sync with Flagsmith.\n"
                    " * Prefer FLAGS.X / Flag.X over string literals.\n */\n",
                    "export const FLAGS = {\n"]
        flags_ts += ["  %s: '%s',\n" % (c, k) for c, k in CONST_FLAGS]
        flags_ts.append("} as const;\n\nexport type FlagKey = (typeof FLAGS)[keyof typeof FLAGS];\n\n")
        flags_ts.append("export enum Flag {\n")
        flags_ts += ["  %s = '%s',\n" % (m, k) for m, k in ENUM_FLAGS]
        flags_ts.append("}\n")
        self.add_src("src/flags.ts", "".join(flags_ts))

        defaults = r.sample(LITERAL_FLAGS, 3)
        self.stats.c["default_flags"] += len(defaults)
        self.stats.keys_used.update(defaults)
        self.stats.c["keyless_calls"] += 1  # getAllFlags() below
        self.stats.c["sdk_files"] += 1
        lib = (
            "import flagsmith from 'flagsmith';\n\n"
            "export async function initFlags(identity?: string): Promise<void> {\n"
            "  await flagsmith.init({\n"
            "    environmentID: import.meta.env.VITE_FLAGSMITH_ENVIRONMENT_ID,\n"
            "    cacheFlags: true,\n"
            "    defaultFlags: {\n%s"
            "    },\n"
            "  });\n"
            "  if (identity) {\n    await flagsmith.identify(identity);\n  }\n"
            "}\n\n"
            "export function debugFlags(): Record<string, unknown> {\n"
            "  return flagsmith.getAllFlags();\n"
            "}\n" % "".join("      %s: { enabled: %s, value: null },\n" % (k, r.choice(["true", "false"]))
                            for k in defaults))
        self.add_src("src/lib/flagsmith.ts", lib)

        app = (
            "import React from 'react';\nimport { createRoot } from 'react-dom/client';\n"
            "import { FlagsmithProvider } from 'flagsmith/react';\nimport flagsmith from 'flagsmith';\n\n"
            "const root = createRoot(document.getElementById('root')!);\n"
            "root.render(\n  <FlagsmithProvider flagsmith={flagsmith} options={{ environmentID: "
            "import.meta.env.VITE_FLAGSMITH_ENVIRONMENT_ID }}>\n    <div id=\"app\" />\n"
            "  </FlagsmithProvider>,\n);\n")
        self.add_src("src/main.tsx", app)

        # declaration files: flaglint skips them
        for name in ("env", "assets", "globals"):
            self.add_src("src/types/%s.d.ts" % name,
                         "declare module '*.svg' {\n  const src: string;\n  export default src;\n}\n"
                         "interface ImportMetaEnv {\n  readonly VITE_FLAGSMITH_ENVIRONMENT_ID: string;\n}\n"
                         "declare function hasFeature(key: string): boolean;\n")

        # build scripts
        self.add_src("scripts/build.mjs", "import { build } from 'esbuild';\n\nawait build({ entryPoints: "
                     "['src/main.tsx'], bundle: true, outdir: 'dist' });\n")
        self.add_src("scripts/release.cjs", "const { execSync } = require('child_process');\n"
                     "execSync('npm run build', { stdio: 'inherit' });\n")

        # big generated files (200 KB+)
        self.add_src("src/generated/graphql.ts", self.gen_graphql(330_000))
        self.add_src("src/generated/icons.tsx", self.gen_icons(260_000))
        self.add_src("src/generated/messages.ts", self.gen_messages(220_000))
        self.add_src("src/generated/apiClient.ts", self.gen_api_client(420_000))
        self.add_src("src/generated/schema.js", self.gen_schema(210_000))

    def gen_graphql(self, size):
        r, out, n = self.r, ["/* eslint-disable */\n// THIS FILE IS GENERATED. DO NOT EDIT.\n"
                             "import { gql } from '@apollo/client';\n\n"], 0
        while n < size:
            t = pascal([self.noun(), self.noun()])
            fields = r.sample(NOUNS, 8)
            block = ("export type %sQuery = {\n  __typename?: 'Query';\n%s};\n\n"
                     "export const %sDocument = gql`\n  query %s($id: ID!) {\n    %s(id: $id) {\n%s    }\n  }\n`;\n\n"
                     % (t, "".join("  %s?: Maybe<Scalars['String']['output']>;\n" % f for f in fields),
                        t, t, camel([self.noun()]), "".join("      %s\n" % f for f in fields)))
            out.append(block)
            n += len(block)
        return "".join(out)

    def gen_icons(self, size):
        r, out, n = self.r, ["// Generated by svgr. Do not edit.\nimport type { SVGProps } from 'react';\n\n"], 0
        i = 0
        while n < size:
            i += 1
            d = " ".join("%s%d %d" % (r.choice("MLCQ"), r.randint(0, 24), r.randint(0, 24)) for _ in range(40))
            block = ("export const Icon%s%d = (props: SVGProps<SVGSVGElement>) => (\n"
                     "  <svg viewBox=\"0 0 24 24\" width={24} height={24} {...props}>\n"
                     "    <path fill=\"currentColor\" d=\"%sZ\" />\n  </svg>\n);\n\n"
                     % (pascal([self.noun()]), i, d))
            out.append(block)
            n += len(block)
        return "".join(out)

    def gen_messages(self, size):
        out, n, i = ["// Generated from locales/en.json\nexport const messages: Record<string, string> = {\n"], 0, 0
        while n < size:
            i += 1
            line = "  '%s.%s.%d': '%s',\n" % (self.noun(), self.noun(), i, self.text().replace("'", "\\'"))
            out.append(line)
            n += len(line)
        out.append("};\n")
        return "".join(out)

    def gen_api_client(self, size):
        out, n = ["/* Generated by openapi-typescript-codegen. */\n"
                  "import { request } from './core/request';\n\n"], 0
        while n < size:
            op = camel([self.r.choice(VERBS), self.noun(), self.noun()])
            block = ("/**\n * %s\n * @returns any OK\n */\nexport const %s = (id: string, body?: unknown) =>\n"
                     "  request({ method: '%s', url: '/api/v2/%s/{id}', path: { id }, body, "
                     "mediaType: 'application/json' });\n\n"
                     % (self.text(), op, self.r.choice(["GET", "POST", "PUT"]), plural(self.noun())))
            out.append(block)
            n += len(block)
        return "".join(out)

    def gen_schema(self, size):
        out, n = ["// Generated JSON schema\nmodule.exports = {\n  definitions: {\n"], 0
        while n < size:
            block = "    %s: { type: 'object', properties: { %s } },\n" % (
                pascal([self.noun(), self.noun()]),
                ", ".join("%s: { type: '%s' }" % (f, self.r.choice(["string", "number", "boolean"]))
                          for f in self.r.sample(NOUNS, 6)))
            out.append(block)
            n += len(block)
        out.append("  },\n};\n")
        return "".join(out)

    # -- files outside src/ ---------------------------------------------------------
    def project_files(self):
        pkg = {
            "name": "acme-web", "version": "3.14.0", "private": True, "type": "module",
            "scripts": {"dev": "vite", "build": "tsc -b && vite build", "test": "vitest run",
                        "lint": "eslint ."},
            "dependencies": {"flagsmith": "^9.0.0", "flagsmith-nodejs": "^5.0.0",
                             "react": "^18.3.1", "react-dom": "^18.3.1", "lodash": "^4.17.21",
                             "dayjs": "^1.11.10", "@apollo/client": "^3.9.0"},
            "devDependencies": {"typescript": "^5.4.0", "vite": "^5.2.0", "vitest": "^1.5.0"},
        }
        tsconfig = {"compilerOptions": {"target": "ES2022", "module": "ESNext", "jsx": "react-jsx",
                                        "strict": True, "moduleResolution": "bundler",
                                        "baseUrl": ".", "paths": {"@/*": ["src/*"]}},
                    "include": ["src"]}
        return [
            ("package.json", json.dumps(pkg, indent=2) + "\n"),
            ("tsconfig.json", json.dumps(tsconfig, indent=2) + "\n"),
            (".gitignore", "node_modules/\ndist/\ncoverage/\n*.log\n.env.local\n"),
            ("README.md", "# acme-web\n\nGenerated benchmark corpus for flaglint.\n"),
        ]

    def ignored_files(self):
        """node_modules/ and dist/: full of trigger words; every tool must skip them."""
        r = self.r
        out = []
        sdk = ("class Flagsmith {\n  hasFeature(key) { return !!(this.flags[key] && this.flags[key].enabled); }\n"
               "  getValue(key, options) { const f = this.flags[key]; return f ? f.value : options?.fallback; }\n"
               "  getAllFlags() { return this.flags; }\n}\n"
               "const flagsmith = new Flagsmith();\n"
               "if (flagsmith.hasFeature('%s')) { flagsmith.getValue('%s'); }\n"
               "module.exports = flagsmith;\n" % (IGNORED_CANARY, IGNORED_CANARY))
        out.append(("node_modules/flagsmith/package.json", '{"name":"flagsmith","version":"9.0.0","main":"index.js"}\n'))
        out.append(("node_modules/flagsmith/index.js", sdk))
        out.append(("node_modules/flagsmith/react.js",
                    "export function useFlags(keys) { return keys.reduce((a, k) => a, {}); }\n"
                    "export function useFlagsmith() { return flagsmith; }\n"
                    "useFlags(['%s']);\n" % IGNORED_CANARY))
        out.append(("node_modules/flagsmith-nodejs/build/index.js",
                    "class Flags {\n  isFeatureEnabled(k) { return true; }\n  getFeatureValue(k) { return null; }\n}\n"
                    "new Flags().isFeatureEnabled('%s');\n" % IGNORED_CANARY))
        for pkg in ("lodash", "react", "dayjs", "clsx", "zod"):
            out.append(("node_modules/%s/package.json" % pkg, '{"name":"%s","version":"1.0.0"}\n' % pkg))
            for i in range(40):
                body = "".join(self.block_function(False) for _ in range(r.randint(1, 4)))
                if i % 10 == 0:
                    body += "exports.x = (s) => s.getValue('%s') || s.hasFeature('%s');\n" % (
                        IGNORED_CANARY, IGNORED_CANARY)
                out.append(("node_modules/%s/lib/%s.js" % (pkg, camel([r.choice(VERBS), self.noun()]) + str(i)), body))
        bundle = "".join(self.block_function(False) for _ in range(200))
        bundle += "var e=flagsmith.hasFeature('%s');\n" % IGNORED_CANARY
        out.append(("dist/assets/index-3f9a1c.js", bundle))
        return out


# ------------------------------------------------------------------------------ git

def git(corpus, *args, env=None):
    subprocess.run(["git", "-c", "user.name=flaglint-bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=corpus, check=True, env=env, stdout=subprocess.DEVNULL)


def make_git(corpus, gen, mode):
    env = dict(os.environ, GIT_AUTHOR_DATE="2024-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")
    git(corpus, "init", "-q", env=env)
    with open(os.path.join(corpus, ".git", "info", "exclude"), "a") as f:
        f.write(".expected.json\n")
    if mode != "commit":
        return None
    git(corpus, "add", "-A", env=env)
    git(corpus, "commit", "-q", "-m", "Initial import", env=env)
    # modify two tracked files and stage them: one gains a flag read, one a plain change
    flag_file = next(p for p, t in gen.files if p.startswith("src/features/")
                     and "import flagsmith from 'flagsmith';" in t and p.endswith(".ts"))
    plain_file = next(p for p, t in gen.files if p.startswith("src/features/")
                      and "flagsmith" not in t and p.endswith(".ts") and p != flag_file)
    with open(os.path.join(corpus, flag_file), "a", encoding="utf-8") as f:
        f.write("\nexport function isNewCheckoutStaged(): boolean {\n"
                "  return flagsmith.hasFeature('new_checkout');\n}\n")
    gen.stats.call("hasFeature", "literal", "new_checkout")
    with open(os.path.join(corpus, plain_file), "a", encoding="utf-8") as f:
        f.write("\nexport const STAGED_CHANGE_MARKER = 'bench';\n")
    git(corpus, "add", flag_file, plain_file, env=env)
    return {"committed": True, "staged": [flag_file, plain_file], "staged_new_call_sites": 1}


def flags_json(stats):
    keys = sorted(stats.keys_used) + UNUSED_FLAGS
    flags = []
    for i, k in enumerate(keys):
        flags.append({"key": k, "created": "2023-%02d-%02dT09:00:00Z" % (1 + i % 12, 1 + i % 28),
                      "archived": False, "tags": [], "owners": [],
                      "environments": {"production": {"enabled": i % 3 != 0}}})
    return {"provider": "file", "project": "acme-web", "environments": ["production"], "flags": flags}


# ----------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="corpus directory (created; must be empty or an earlier corpus)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--files", type=int, default=21000, help="minimum number of source files")
    ap.add_argument("--min-mb", type=float, default=100.0, help="minimum MB (1e6 bytes) of source")
    ap.add_argument("--sdk-share", type=float, default=0.04, help="share of files reading flags")
    ap.add_argument("--trap-share", type=float, default=0.015, help="share of files with non-SDK traps")
    ap.add_argument("--git", action="store_true",
                    help="commit every file, then modify two files and stage them")
    ap.add_argument("--no-git-init", action="store_true",
                    help="plain folder, no .git (then tools may not honour .gitignore)")
    ap.add_argument("--force", action="store_true", help="replace an existing earlier corpus")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        if not os.path.exists(os.path.join(out, ".expected.json")):
            sys.exit("gen_corpus: %s is not empty and not a corpus; refusing to touch it" % out)
        if not args.force:
            sys.exit("gen_corpus: %s already holds a corpus; pass --force to regenerate" % out)
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    t0 = time.time()
    gen = Gen(args.seed, args.files, int(args.min_mb * 1_000_000))
    gen.generate(args.sdk_share, args.trap_share)
    others = gen.project_files() + gen.ignored_files()
    dirs = set()
    total_bytes = 0
    for path, text in others + gen.files:
        full = os.path.join(out, path)
        d = os.path.dirname(full)
        if d not in dirs:
            os.makedirs(d, exist_ok=True)
            dirs.add(d)
        data = text.encode("utf-8")
        with open(full, "wb") as f:
            f.write(data)
        total_bytes += len(data)
    gen_secs = time.time() - t0

    git_info = None
    if args.git:
        with open(os.path.join(out, "flags.json"), "w") as f:
            json.dump(flags_json(gen.stats), f, indent=2)
        with open(os.path.join(out, "bench-flaglint.toml"), "w") as f:
            f.write("# For `flaglint check --staged --config bench-flaglint.toml` in the benchmark.\n"
                    "[service]\nprovider = \"file\"\nfile = \"flags.json\"\n"
                    "environments = [\"production\"]\n")
    if not args.no_git_init:
        git_info = make_git(out, gen, "commit" if args.git else "init")
    total_secs = time.time() - t0

    c = gen.stats.c
    call_sites = c["sdk_calls"] + c["hook_calls"]
    references = c["sdk_calls"] + c["hook_keys"] + c["member_reads"] + c["default_flags"]
    by_ext = {}
    for path, _ in gen.files:
        ext = path.rsplit(".", 1)[-1] if not path.endswith(".d.ts") else "d.ts"
        by_ext[ext] = by_ext.get(ext, 0) + 1
    expected = {
        "seed": args.seed,
        "generator": "bench/gen_corpus.py",
        "requested_files": args.files,
        "requested_min_mb": args.min_mb,
        "source_files": gen.src_count,
        "source_bytes": gen.src_bytes,
        "files_by_extension": dict(sorted(by_ext.items())),
        "ignored_files": len(others) - 4,
        "total_bytes": total_bytes,
        "sdk_files": c["sdk_files"],
        "trap_files": c["trap_files"],
        "call_sites": call_sites,
        "expected_references": references,
        "breakdown": {
            "sdk_calls": c["sdk_calls"],
            "sdk_calls_by_method": dict(sorted(c["sdk_calls_by_method"].items())),
            "sdk_call_keys": {"literal": c["keys_literal"], "const": c["keys_const"],
                              "enum": c["keys_enum"], "dynamic": c["keys_dynamic"]},
            "hook_calls": c["hook_calls"],
            "hook_keys": c["hook_keys"],
            "member_reads": c["member_reads"],
            "default_flags": c["default_flags"],
            "keyless_calls": c["keyless_calls"],
            "trap_sites": c["trap_sites"],
        },
        "notes": ("call_sites = sdk_calls + hook_calls (useFlags calls). expected_references = "
                  "sdk_calls + hook_keys + member_reads + default_flags: one reference per key read. "
                  "Files under node_modules/ and dist/ use the key '%s'; it must never be reported. "
                  "Declaration files (.d.ts) hold a trigger word but no read." % IGNORED_CANARY),
        "ignored_canary_key": IGNORED_CANARY,
        "keys_used": sorted(gen.stats.keys_used),
        "git": git_info or ({"committed": False} if not args.no_git_init else None),
    }
    with open(os.path.join(out, ".expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")

    print("corpus: %s" % out)
    print("  source files:      %d (%s)" % (gen.src_count, ", ".join("%s %d" % kv for kv in sorted(by_ext.items()))))
    print("  source bytes:      %d (%.1f MB)" % (gen.src_bytes, gen.src_bytes / 1e6))
    print("  ignored files:     %d (node_modules/, dist/)" % (len(others) - 4))
    print("  files with SDK:    %d (%.1f%%)" % (c["sdk_files"], 100.0 * c["sdk_files"] / gen.src_count))
    print("  SDK call sites:    %d (%d SDK method calls + %d useFlags calls)" % (
        call_sites, c["sdk_calls"], c["hook_calls"]))
    print("  expected refs:     %d (+%d hook keys, %d member reads, %d defaultFlags)" % (
        references, c["hook_keys"], c["member_reads"], c["default_flags"]))
    print("  trap files/sites:  %d / %d" % (c["trap_files"], c["trap_sites"]))
    if git_info and git_info.get("committed"):
        print("  git:               committed; staged %s" % ", ".join(git_info["staged"]))
    print("  time:              %.1fs (write %.1fs)" % (total_secs, gen_secs))


if __name__ == "__main__":
    main()
