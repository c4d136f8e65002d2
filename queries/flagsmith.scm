; sdk: flagsmith
; packages: flagsmith @flagsmith/flagsmith react-native-flagsmith flagsmith-nodejs flagsmith-es
; triggers: hasFeature getValue isFeatureEnabled getFeatureValue getFlag getExperimentFlag trackExposureEvent useFlags useExperiment getAllFlags defaultFlags
; globals: flagsmith
;
; Read from the packages' own type definitions (npm pack):
;   flagsmith@10.0.0 and @flagsmith/flagsmith@12.4.0: types.d.ts (IFlagsmith.hasFeature(key, options),
;     IFlagsmith.getValue(key, options, skipAnalytics), IFlagsmith.getAllFlags(), IInitConfig.defaultFlags;
;     12.4.0 adds getExperimentFlag(featureName), trackExposureEvent(featureName, opts)),
;     react.d.ts (useFlags(flags[], traits[]), useFlagsmith(), useExperiment(featureName) in 12.4.0,
;     FlagsmithProvider options)
;   flagsmith-nodejs@8.1.2: build/esm/sdk/index.d.ts (getEnvironmentFlags(), getIdentityFlags(identifier)
;     return Flags), build/esm/sdk/models.d.ts (Flags.isFeatureEnabled(featureName),
;     Flags.getFeatureValue(featureName), Flags.getFlag(featureName))
;   react-native-flagsmith@9.3.5: types.d.ts (the same IFlagsmith as flagsmith@10), react.d.ts (useFlags,
;     useFlagsmith, no useExperiment), next-middleware.d.ts (a default flagsmith instance and
;     createFlagsmithInstance(), as in flagsmith/next-middleware)
;   Checked again at the latest: flagsmith@10.0.0, @flagsmith/flagsmith@12.4.0, flagsmith-nodejs@8.1.2.
;   flagsmith-es is kept for code that still imports it, though the npm registry no longer has it.
; Not listed: @openfeature/flagsmith-client-provider (reads go through OpenFeature, see openfeature.scm).
; The method names are generic, so every pattern requires the receiver to come from the SDK (#sdk?);
; `(#sdk? @receiver "useFlags")` also requires the name it is bound to (through import aliases and
; destructuring) to be one of those given.

; flagsmith.hasFeature("x"), flagsmith.getValue("x", { fallback }), flags.isFeatureEnabled("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "hasFeature" "getValue" "isFeatureEnabled" "getFeatureValue" "getFlag"
      "getExperimentFlag" "trackExposureEvent"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; const { hasFeature, getValue } = useFlagsmith(); hasFeature("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "hasFeature" "getValue" "isFeatureEnabled" "getFeatureValue" "getFlag")) @reference.call

; useExperiment("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useExperiment")) @reference.hook

; useFlags(["x", "y"], ["trait"]), useFlags(FEATURE_FLAGS)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFlags")) @reference.hook

; const flags = useFlags(["x"]); flags.x.enabled (a property listed in the flags argument; the rest are traits)
(member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "useFlags")
  (#listed-in-origin-arg? @key 0)) @reference.member

; flags["x-y"]
(subscript_expression
  object: (_) @receiver
  index: (string) @key
  (#sdk-from? @receiver "useFlags")
  (#listed-in-origin-arg? @key 0)) @reference.member

; flagsmith.getAllFlags().x
(member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "getAllFlags")) @reference.member

(subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#sdk-from? @receiver "getAllFlags")) @reference.member

; flagsmith.init({ defaultFlags: { x: { enabled: true } } })
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_init
    (#eq? @_init "init"))
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_defaults
        (#eq? @_defaults "defaultFlags")
        value: (object (pair key: (_) @key)))))
  (#sdk? @receiver)) @reference.default

; <FlagsmithProvider options={{ defaultFlags: { x: { enabled: true } } }} flagsmith={flagsmith}>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_options
    (#eq? @_options "options")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_defaults
          (#eq? @_defaults "defaultFlags")
          value: (object (pair key: (_) @key))))))
  (#sdk? @receiver)) @reference.default

;; Keyed reads of the flag maps, by key: "x" in flags, hasOwnProperty forms, computed reads.

; "x" in flags
(binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @receiver
  (#sdk-from? @receiver "getAllFlags")) @reference.member

; flags.hasOwnProperty("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_has
    (#eq? @_has "hasOwnProperty"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "getAllFlags")) @reference.member

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
  (#sdk-from? @receiver "getAllFlags")) @reference.member

; Object.hasOwn(flags, "x")
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_has)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_has "hasOwn")
  (#sdk-from? @receiver "getAllFlags")) @reference.member

; flags[KEY], flags?.[key] (a string index has patterns of its own)
(subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#not-match? @key "^[\"']")
  (#sdk-from? @receiver "useFlags")) @reference.member
