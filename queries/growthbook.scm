; sdk: growthbook
; packages: @growthbook/growthbook @growthbook/growthbook-react
; triggers: isOn isOff getFeatureValue evalFeature feature( useFeatureIsOn useFeatureValue useFeature useExperiment IfFeatureEnabled FeatureString GrowthBook GrowthBookClient setFeatures initSync
;
; Read from the packages' own type definitions (npm pack):
;   @growthbook/growthbook@1.8.0: dist/GrowthBook.d.ts (GrowthBook.isOn(key), isOff(key),
;     getFeatureValue(key, defaultValue), feature(id), evalFeature(id)),
;     dist/GrowthBookClient.d.ts (GrowthBookClient.isOn(key, userContext), isOff, getFeatureValue(key,
;     defaultValue, userContext), evalFeature(id, userContext); UserScopedGrowthBook from
;     createScopedInstance() with the GrowthBook signatures), dist/types/growthbook.d.ts (Experiment<T>
;     = { key: string, variations, ... })
;   @growthbook/growthbook-react@1.8.0: dist/GrowthBookReact.d.ts (useFeatureIsOn(id), useFeatureValue(id,
;     fallback), useFeature(id), useExperiment(exp: Experiment<T>) - an object whose `key` is the
;     experiment key, useGrowthBook() returns the GrowthBook instance, IfFeatureEnabled({ feature }),
;     FeatureString({ default, feature }))
;   Checked again at @growthbook/growthbook@1.8.0 and @growthbook/growthbook-react@1.8.0 (the latest):
;     dist/index.d.ts of the React package exports no other feature hook or component (no useGBFeature*);
;     dist/GrowthBook.d.ts also gives new GrowthBook({ features }) (Options.features: Record<key,
;     FeatureDefinition>), setFeatures(features), and GrowthBookClient initSync({ payload: { features } }),
;     features defined in code, matched as defaults (reference kind `default`).
; Not matched, like run(): withRunExperiment's runExperiment(experiment) and GrowthBookClient's
; runInlineExperiment(experiment, userContext) (inline experiments, defined in code, not features).
; The other GrowthBook packages on npm (@growthbook/edge-utils, @flags-sdk/growthbook) read no flag keys of
; their own: the Vercel flags adapter's keys are in flag({ key }), see vercel.scm.
; Every method takes the key first, in the browser and the multi-user server client alike.
; The method names are generic, so every pattern requires the receiver to come from the SDK (#sdk?).

; gb.isOn("x"), gb.getFeatureValue("x", fallback), useGrowthBook().feature("x"), client.isOn("x", ctx)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "isOn" "isOff" "getFeatureValue" "evalFeature" "feature"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; useFeatureIsOn("x"), useFeatureValue("x", fallback), useFeature("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFeatureIsOn" "useFeatureValue" "useFeature")) @reference.hook

; useExperiment({ key: "x", variations: [0, 1] })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_key
        (#eq? @_key "key")
        value: (_) @key)))
  (#sdk? @receiver "useExperiment")) @reference.hook

; <IfFeatureEnabled feature="x">...</IfFeatureEnabled>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "feature")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "IfFeatureEnabled" "FeatureString")) @reference.jsx

; <FeatureString feature="x" default="" />, <IfFeatureEnabled feature="x" />
(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "feature")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "IfFeatureEnabled" "FeatureString")) @reference.jsx

;; Features defined in code: defaults keyed by feature.

; new GrowthBook({ features: { "x": { defaultValue: true } } }), new GrowthBookClient({ features })
(new_expression
  constructor: (_) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_features
        (#eq? @_features "features")
        value: (object (pair key: (_) @key)))))
  (#sdk? @receiver)) @reference.default

; gb.setFeatures({ "x": { defaultValue: true } })
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#eq? @_method "setFeatures"))
  arguments: (arguments . (object (pair key: (_) @key)))
  (#sdk? @receiver)) @reference.default

; gb.initSync({ payload: { features: { "x": { defaultValue: true } } } })
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#eq? @_method "initSync"))
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_payload
        (#eq? @_payload "payload")
        value: (object
          (pair
            key: (property_identifier) @_features
            (#eq? @_features "features")
            value: (object (pair key: (_) @key)))))))
  (#sdk? @receiver)) @reference.default
