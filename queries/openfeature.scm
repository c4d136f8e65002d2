; sdk: openfeature
; packages: @openfeature/server-sdk @openfeature/web-sdk @openfeature/react-sdk @openfeature/js-sdk @openfeature/nestjs-sdk @openfeature/angular-sdk
; triggers: getBooleanValue getStringValue getNumberValue getObjectValue getBooleanDetails getStringDetails getNumberDetails getObjectDetails useFlag useSuspenseFlag FeatureFlag flagValueMap InMemoryProvider putConfiguration useBooleanFlagValue useBooleanFlagDetails useStringFlagValue useStringFlagDetails useNumberFlagValue useNumberFlagDetails useObjectFlagValue useObjectFlagDetails OpenFeatureTestProvider TypedInMemoryProvider BooleanFeatureFlag StringFeatureFlag NumberFeatureFlag ObjectFeatureFlag RequireFlagsEnabled
;
; Read from the packages' own type definitions (npm pack):
;   @openfeature/server-sdk@1.23.0: dist/types.d.ts (OpenFeature: OpenFeatureAPI with getClient(),
;     getClient(domain, context?), getClient(domain, version, context?) -> Client; Features:
;     get{Boolean,String,Number,Object}{Value,Details}(flagKey, defaultValue, context?, options?);
;     InMemoryProvider / TypedInMemoryProvider(flagConfiguration), putConfiguration(flagConfiguration):
;     FlagConfiguration maps each flag key to { variants, defaultVariant, disabled?, contextEvaluator? })
;   @openfeature/web-sdk@1.10.0: dist/types.d.ts (getClient(domain?, version?) -> Client; Features:
;     get*Value / get*Details(flagKey, defaultValue, options?); the same in-memory providers)
;   @openfeature/js-sdk@1.6.1: dist/types.d.ts (the old name of the server SDK: getClient(name?, version?,
;     context?), get*Value / get*Details(flagKey, defaultValue, context?, options?))
;   @openfeature/react-sdk@1.4.1: dist/types.d.ts (re-exports @openfeature/web-sdk; useFlag(flagKey,
;     defaultValue, options?), useSuspenseFlag(flagKey, defaultValue, options?),
;     use{Boolean,String,Number,Object}Flag{Value,Details}(flagKey, defaultValue, options?),
;     useOpenFeatureClient() -> Client, the experimental <FeatureFlag flagKey defaultValue matchValue>
;     component, <OpenFeatureTestProvider flagValueMap={{ [flagKey]: value }}>)
;   @openfeature/core@1.12.0: dist/types.d.ts (shared types the SDKs re-export; no getClient of its own)
;   @openfeature/nestjs-sdk@0.2.5: dist/types.d.ts (parameter decorators BooleanFeatureFlag, StringFeatureFlag,
;     NumberFeatureFlag, ObjectFeatureFlag(...dataOrPipes: FeatureProps | pipes), FeatureProps { flagKey,
;     defaultValue, domain?, context? }; RequireFlagsEnabled({ flags: { flagKey, defaultValue? }[] }) on a class
;     or method; OpenFeatureClient({ domain? }) injects the server SDK's Client)
;   @openfeature/angular-sdk@1.2.0: types/openfeature-angular-sdk.d.ts (FeatureFlagService, injected:
;     get{Boolean,String,Number,Object}Details(flagKey, defaultValue, domain?, options?) -> Observable; the
;     *booleanFeatureFlag / *stringFeatureFlag ... structural directives live in templates, which are not
;     scanned)
; The method names are generic, so every method pattern requires the receiver to come from the SDK (#sdk?);
; hooks and components must be bound (through aliases) to those SDK names.
; In-memory provider configurations and test-provider maps give values for flags in code: defaults (reference kind `default`).

; OpenFeature.getClient().getBooleanValue("x", false), client.getStringDetails("x", "a", context)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getBooleanValue" "getStringValue" "getNumberValue" "getObjectValue"
      "getBooleanDetails" "getStringDetails" "getNumberDetails" "getObjectDetails"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; useBooleanFlagValue("x", false), useFlag("x", "default"), useSuspenseFlag("x", 0)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFlag" "useSuspenseFlag"
    "useBooleanFlagValue" "useStringFlagValue" "useNumberFlagValue" "useObjectFlagValue"
    "useBooleanFlagDetails" "useStringFlagDetails" "useNumberFlagDetails" "useObjectFlagDetails")) @reference.hook

; <FeatureFlag flagKey="x" defaultValue={false}>...</FeatureFlag>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "flagKey")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "FeatureFlag")) @reference.jsx

(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "flagKey")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "FeatureFlag")) @reference.jsx

; <OpenFeatureTestProvider flagValueMap={{ "x": true }}>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "flagValueMap")
    (jsx_expression (object (pair key: (_) @key))))
  (#sdk? @receiver "OpenFeatureTestProvider")) @reference.default

(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "flagValueMap")
    (jsx_expression (object (pair key: (_) @key))))
  (#sdk? @receiver "OpenFeatureTestProvider")) @reference.default

; new InMemoryProvider({ "x": { variants: { on: true, off: false }, defaultVariant: "on" } })
(new_expression
  constructor: (_) @receiver
  arguments: (arguments . (object (pair key: (_) @key)))
  (#sdk? @receiver "InMemoryProvider" "TypedInMemoryProvider")) @reference.default

; provider.putConfiguration({ "x": { variants: { ... }, defaultVariant: "on" } })
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#eq? @_method "putConfiguration"))
  arguments: (arguments . (object (pair key: (_) @key)))
  (#sdk? @receiver)) @reference.default

; NestJS: @BooleanFeatureFlag({ flagKey: "x", defaultValue: false }) on a handler's parameter (and the
; String, Number, Object forms)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    (object
      (pair
        key: (property_identifier) @_flagKey
        (#eq? @_flagKey "flagKey")
        value: (_) @key)))
  (#sdk? @receiver "BooleanFeatureFlag" "StringFeatureFlag" "NumberFeatureFlag" "ObjectFeatureFlag")) @reference.call

; NestJS: @RequireFlagsEnabled({ flags: [{ flagKey: "x" }, { flagKey: "y", defaultValue: true }] })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_flags
        (#eq? @_flags "flags")
        value: (array
          (object
            (pair
              key: (property_identifier) @_flagKey
              (#eq? @_flagKey "flagKey")
              value: (_) @key))))))
  (#sdk? @receiver "RequireFlagsEnabled")) @reference.call
