; sdk: vercel
; packages: flags @vercel/flags
; triggers: flags/next flags/sveltekit @vercel/flags reportValue
;
; Read from the packages' own type definitions (npm pack):
;   flags@4.3.1: dist/next.d.ts (flag(definition: FlagDeclaration) for `flags/next`),
;     dist/sveltekit.d.ts (flag(definition) for `flags/sveltekit`), dist/types-DRc4Khkh.d.ts
;     (FlagDeclaration: { key: string, decide, defaultValue?, options?, adapter?, ... }),
;     dist/index.d.ts (reportValue(key, value))
;   @vercel/flags@3.1.1: dist/next.d.ts, dist/sveltekit.d.ts (flag(definition) for `@vercel/flags/next`
;     and `@vercel/flags/sveltekit`), dist/types-swW0-Ony.d.ts (FlagDeclaration with `key: string`),
;     dist/index.d.ts (reportValue(key, value))
;   Checked again at the latest (flags@4.3.1, @vercel/flags@3.1.1): dist/react.d.ts (<FlagValues values> and
;     <FlagDefinitions definitions> report values to the Vercel Toolbar, almost always from evaluate() or
;     the declarations, not literal keys: not matched), dist/next.d.ts (evaluate(flags), precompute(flags),
;     getPrecomputed(flag, ...) take declared flag functions, not keys)
; Not listed: the @flags-sdk/* adapters (@flags-sdk/launchdarkly@0.3.4, statsig@0.2.5, posthog@0.2.2,
; openfeature@0.1.2 ...): they are passed as `adapter:` to flag({ key }), which holds the key.
; A flag is declared once, with its key, and then read by calling the declared function
; (`await showBanner()`), which names no key: the declaration is the reference.

; export const showBanner = flag<boolean>({ key: "show-banner", decide() { return false } })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_key
        (#eq? @_key "key")
        value: (_) @key)))
  (#sdk? @receiver "flag")) @reference.declaration

; reportValue("show-banner", true)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "reportValue")) @reference.call
