; sdk: posthog
; packages: posthog-js posthog-node @posthog/react
; triggers: isFeatureEnabled getFeatureFlag getFeatureFlagPayload getFeatureFlagResult getRemoteConfigPayload isEnabled getFlag getFlagPayload useFeatureFlagEnabled useFeatureFlagVariantKey useFeatureFlagPayload useFeatureFlagResult PostHogFeature evaluateFlags FeatureFlagEvaluations getAllFlags getFlagVariants
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

; useFeatureFlagEnabled("x"), useFeatureFlagVariantKey("x"), useFeatureFlagPayload("x"), useFeatureFlagResult("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFeatureFlagEnabled" "useFeatureFlagVariantKey" "useFeatureFlagPayload"
    "useFeatureFlagResult")) @reference.hook

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

;; Flag maps: posthog-node getAllFlags(distinctId), posthog-js featureFlags.getFlagVariants().

; flags.x on getAllFlags / getFlagVariants()
(member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants")) @reference.member

; flags["x"], flags[KEY], flags?.[key]
(subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants")) @reference.member

; "x" in flags
(binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @receiver
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants")) @reference.member

; flags.hasOwnProperty("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_has
    (#eq? @_has "hasOwnProperty"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants")) @reference.member

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
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants")) @reference.member

; Object.hasOwn(flags, "x")
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_has)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_has "hasOwn")
  (#sdk-from? @receiver "getAllFlags" "getFlagVariants")) @reference.member
