; sdk: posthog
; packages: posthog-js posthog-node @posthog/react posthog-react-native posthog-js-lite @posthog/next
; triggers: isFeatureEnabled getFeatureFlag getFeatureFlagPayload getFeatureFlagResult getRemoteConfigPayload isEnabled getFlag getFlagPayload useFeatureFlagEnabled useFeatureFlagVariantKey useFeatureFlagPayload useFeatureFlagResult PostHogFeature evaluateFlags FeatureFlagEvaluations getAllFlags getFlagVariants useFeatureFlag useFeatureFlagWithPayload useFeatureFlags getFeatureFlags getFeatureFlagPayloads useActiveFeatureFlags captureFeatureInteraction captureFeatureView bootstrap bootstrapFlags
; globals: posthog
;
; Read from the packages' own type definitions (npm pack):
;   posthog-js@1.449.2: dist/module.d.ts (PostHog.isFeatureEnabled(key, options?),
;     getFeatureFlag(key, options?), getFeatureFlagPayload(key), getFeatureFlagResult(key, options?)),
;     react/dist/types/index.d.ts (the `posthog-js/react` entry: useFeatureFlagEnabled(flag, defaultValue?),
;     useFeatureFlagVariantKey(flag), useFeatureFlagPayload(flag), useFeatureFlagResult(flag),
;     usePostHog() returns the PostHog instance, PostHogFeature({ flag, match, ... }))
;   @posthog/react@1.11.1: dist/types/index.d.ts (the same hooks and PostHogFeature as posthog-js/react)
;   posthog-node@5.70.0: dist/client.d.ts (isFeatureEnabled(key, distinctId, options?),
;     getFeatureFlag(key, distinctId, options?), getFeatureFlagPayload(key, distinctId, matchValue?, options?),
;     getFeatureFlagResult(key, distinctId?, options?), getRemoteConfigPayload(flagKey),
;     evaluateFlags(distinctId?, options?) returns FeatureFlagEvaluations),
;     dist/feature-flag-evaluations.d.ts (FeatureFlagEvaluations.isEnabled(key, options?), getFlag(key, options?),
;     getFlagPayload(key); only(keys) and onlyAccessed() return another snapshot)
;   posthog-js@1.449.2 dist/module.d.ts again for BootstrapConfig (init(token, { bootstrap: { featureFlags,
;     featureFlagPayloads } }): both keyed by flag) and @posthog/react@1.11.1 for useActiveFeatureFlags() ->
;     string[], captureFeatureInteraction({ flag, posthog }), captureFeatureView({ flag, posthog }),
;     PostHogProvider({ apiKey, options?: Partial<PostHogConfig> })
;   posthog-react-native@4.78.0: dist/index.d.ts (default and named PostHog), dist/posthog-rn.d.ts
;     (new PostHog(apiKey, options?) extends @posthog/core's PostHogCore: isFeatureEnabled(key, options?),
;     getFeatureFlag(key, options?), getFeatureFlagPayload(key), getFeatureFlagResult(key)),
;     dist/hooks/useFeatureFlag.d.ts (useFeatureFlag(flag, client?), useFeatureFlagWithPayload(flag, client?)),
;     dist/hooks/useFeatureFlagResult.d.ts (useFeatureFlagResult(flag, client?)), dist/hooks/useFeatureFlags.d.ts
;     (useFeatureFlags(client?) -> the flag map), dist/hooks/usePostHog.d.ts (-> PostHog),
;     dist/PostHogProvider.d.ts (PostHogProvider({ apiKey, options?: PostHogOptions, client })), with
;     @posthog/core@1.69.2 dist/types.d.ts (PostHogOptions.bootstrap: { featureFlags, featureFlagPayloads })
;     and dist/posthog-core.d.ts (getFeatureFlags() and getFeatureFlagPayloads(): maps keyed by flag)
;   posthog-js-lite@4.12.1: dist/index.d.ts (new PostHog(apiKey, options?) extends the same PostHogCore)
;   @posthog/next@0.8.4: dist/index.d.ts, dist/client/hooks.d.ts (useFeatureFlag is @posthog/react's
;     useFeatureFlagResult(flag); usePostHog, useActiveFeatureFlags, PostHogFeature re-exported),
;     dist/app/PostHogProvider.d.ts (PostHogProvider({ bootstrapFlags?: boolean | { flags?: string[] } })),
;     dist/server/createPostHog.d.ts and dist/pages/getServerSidePostHog.d.ts (posthog-node clients)
;   posthog-node@5.74.0 (the latest) dist/client.d.ts: the same methods; getAllFlags(options) and
;     evaluateFlags(options) may now omit the distinctId. Not matched: the `flagKeys: [...]` option of
;     getAllFlags / evaluateFlags, which, like snapshot.only([...]), scopes an evaluation rather than reads.
; Not listed: @posthog/convex@2.1.5 (isFeatureEnabled(ctx, { key, distinctId }): the key is a property of the
; second argument, while the same method names take it first everywhere else; a pattern cannot tell the
; packages apart, see the report) and @posthog/core (no app imports it).
; Browser and server alike take the flag key first (the server's distinctId comes second).
; The method names are generic, so every pattern requires the receiver to come from the SDK (#sdk?).

; posthog.isFeatureEnabled("x"), posthog.getFeatureFlag("x", "user-1"), usePostHog().getFeatureFlagPayload("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "isFeatureEnabled" "getFeatureFlag" "getFeatureFlagPayload"
      "getFeatureFlagResult" "getRemoteConfigPayload"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; const flags = await posthog.evaluateFlags("user-1"); flags.isEnabled("x"), flags.getFlag("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "isEnabled" "getFlag" "getFlagPayload"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "evaluateFlags" "only" "onlyAccessed")) @reference.call

; function render(flags: FeatureFlagEvaluations) { flags.isEnabled("x") }
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "isEnabled" "getFlag" "getFlagPayload"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "FeatureFlagEvaluations")) @reference.call

; useFeatureFlagEnabled("x"), useFeatureFlagVariantKey("x"), useFeatureFlagPayload("x"), useFeatureFlagResult("x");
; React Native and @posthog/next useFeatureFlag("x"), React Native useFeatureFlagWithPayload("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFeatureFlagEnabled" "useFeatureFlagVariantKey" "useFeatureFlagPayload"
    "useFeatureFlagResult" "useFeatureFlag" "useFeatureFlagWithPayload")) @reference.hook

; const active = useActiveFeatureFlags(); active.includes("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_includes
    (#eq? @_includes "includes"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "useActiveFeatureFlags")) @reference.member

; captureFeatureView({ flag: "x", posthog }), captureFeatureInteraction({ flag: "x", posthog })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_flag
        (#eq? @_flag "flag")
        value: (_) @key)))
  (#sdk? @receiver "captureFeatureView" "captureFeatureInteraction")) @reference.call

; <PostHogFeature flag="x" match="variant">...</PostHogFeature>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "flag")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "PostHogFeature")) @reference.jsx

; <PostHogFeature flag="x" match={true} />
(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "flag")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "PostHogFeature")) @reference.jsx

;; Bootstrapped flag values: defaults keyed by flag.

; posthog.init("phc_...", { bootstrap: { featureFlags: { "x": true }, featureFlagPayloads: { "y": {} } } })
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_init
    (#eq? @_init "init"))
  arguments: (arguments
    . (_)
    . (object
      (pair
        key: (property_identifier) @_bootstrap
        (#eq? @_bootstrap "bootstrap")
        value: (object
          (pair
            key: (property_identifier) @_flags
            (#any-of? @_flags "featureFlags" "featureFlagPayloads")
            value: (object (pair key: (_) @key)))))))
  (#sdk? @receiver)) @reference.default

; new PostHog("phc_...", { bootstrap: { featureFlags: { "x": true } } }) (React Native, posthog-js-lite)
(new_expression
  constructor: (_) @receiver
  arguments: (arguments
    . (_)
    . (object
      (pair
        key: (property_identifier) @_bootstrap
        (#eq? @_bootstrap "bootstrap")
        value: (object
          (pair
            key: (property_identifier) @_flags
            (#any-of? @_flags "featureFlags" "featureFlagPayloads")
            value: (object (pair key: (_) @key)))))))
  (#sdk? @receiver)) @reference.default

; <PostHogProvider apiKey="phc_..." options={{ bootstrap: { featureFlags: { "x": true } } }}>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_options
    (#eq? @_options "options")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_bootstrap
          (#eq? @_bootstrap "bootstrap")
          value: (object
            (pair
              key: (property_identifier) @_flags
              (#any-of? @_flags "featureFlags" "featureFlagPayloads")
              value: (object (pair key: (_) @key))))))))
  (#sdk? @receiver "PostHogProvider")) @reference.default

; <PostHogProvider apiKey="phc_..." options={{ bootstrap: { featureFlags: { "x": true } } }} children={...} />
(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_options
    (#eq? @_options "options")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_bootstrap
          (#eq? @_bootstrap "bootstrap")
          value: (object
            (pair
              key: (property_identifier) @_flags
              (#any-of? @_flags "featureFlags" "featureFlagPayloads")
              value: (object (pair key: (_) @key))))))))
  (#sdk? @receiver "PostHogProvider")) @reference.default

; @posthog/next: <PostHogProvider bootstrapFlags={{ flags: ["x", "y"] }}> evaluates these flags on the server
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_bootstrap
    (#eq? @_bootstrap "bootstrapFlags")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_flags
          (#eq? @_flags "flags")
          value: (array (_) @key)))))
  (#sdk? @receiver "PostHogProvider")) @reference.jsx

; <PostHogProvider apiKey="phc_..." bootstrapFlags={{ flags: ["x"] }} children={...} />
(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_bootstrap
    (#eq? @_bootstrap "bootstrapFlags")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_flags
          (#eq? @_flags "flags")
          value: (array (_) @key)))))
  (#sdk? @receiver "PostHogProvider")) @reference.jsx

;; Flag maps: posthog-node getAllFlags(distinctId), posthog-js featureFlags.getFlagVariants(), React Native
;; and posthog-js-lite getFeatureFlags() / getFeatureFlagPayloads(), React Native useFeatureFlags().

; flags.x on getAllFlags / getFlagVariants()
(member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants" "getFeatureFlags" "getFeatureFlagPayloads"
    "useFeatureFlags")) @reference.member

; flags["x"], flags[KEY], flags?.[key]
(subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants" "getFeatureFlags" "getFeatureFlagPayloads"
    "useFeatureFlags")) @reference.member

; "x" in flags
(binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @receiver
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants" "getFeatureFlags" "getFeatureFlagPayloads"
    "useFeatureFlags")) @reference.member

; flags.hasOwnProperty("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_has
    (#eq? @_has "hasOwnProperty"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants" "getFeatureFlags" "getFeatureFlagPayloads"
    "useFeatureFlags")) @reference.member

; Object.prototype.hasOwnProperty.call(flags, "x")
(call_expression
  function: (member_expression
    object: (member_expression
      object: (member_expression
        object: (identifier) @_object
        property: (property_identifier) @_prototype)
      property: (property_identifier) @_has)
    property: (property_identifier) @_call)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_prototype "prototype")
  (#eq? @_has "hasOwnProperty")
  (#eq? @_call "call")
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants" "getFeatureFlags" "getFeatureFlagPayloads"
    "useFeatureFlags")) @reference.member

; Object.hasOwn(flags, "x")
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_has)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_has "hasOwn")
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants" "getFeatureFlags" "getFeatureFlagPayloads"
    "useFeatureFlags")) @reference.member
