; sdk: launchdarkly
; packages: launchdarkly-js-client-sdk @launchdarkly/js-client-sdk @launchdarkly/node-server-sdk launchdarkly-node-server-sdk launchdarkly-react-client-sdk @launchdarkly/react-sdk @launchdarkly/react-native-client-sdk launchdarkly-react-native-client-sdk @launchdarkly/vercel-server-sdk @launchdarkly/cloudflare-server-sdk @launchdarkly/akamai-server-base-sdk @launchdarkly/shopify-oxygen-sdk @launchdarkly/js-server-sdk-common-edge @launchdarkly/js-server-sdk-common @launchdarkly/js-client-sdk-common launchdarkly-electron-client-sdk launchdarkly-node-client-sdk
; triggers: useCamelCaseFlagKeys variation getFlagValue getFlagReason allFlags allValues createMigration useFlags withLDConsumer LDProvider variationDetail boolVariation boolVariationDetail stringVariation stringVariationDetail numberVariation numberVariationDetail jsonVariation jsonVariationDetail migrationVariation withLDProvider asyncWithLDProvider useBoolVariation useBoolVariationDetail useStringVariation useStringVariationDetail useNumberVariation useNumberVariationDetail useJsonVariation useJsonVariationDetail useTypedVariation useTypedVariationDetail
; globals: LDClient
; case-off-when: useCamelCaseFlagKeys: false
;
; Read from the packages' own type definitions (npm pack):
;   launchdarkly-js-client-sdk@3.9.5: typings.d.ts (initialize(envKey, context, options) -> LDClient),
;     launchdarkly-js-sdk-common@5.8.3 typings.d.ts (LDClientBase.variation(key, defaultValue),
;     variationDetail(key, defaultValue), allFlags(): LDFlagSet; no typed variations in 3.x)
;   @launchdarkly/js-client-sdk@4.10.3: dist/index.d.ts (createClient(clientSideId, context, options)),
;     @launchdarkly/js-client-sdk-common@1.32.1 dist/esm/api/LDClient.d.ts (variation, variationDetail,
;     boolVariation, stringVariation, numberVariation, jsonVariation and their *Detail forms, all
;     (key, defaultValue); allFlags())
;   @launchdarkly/node-server-sdk@9.13.7: dist/src/index.d.ts (init(sdkKey, options)),
;     @launchdarkly/js-server-sdk-common@2.21.5 dist/index.d.ts (LDClient.variation(key, context, defaultValue),
;     variationDetail, boolVariation, numberVariation, stringVariation, jsonVariation, their *Detail forms
;     and migrationVariation: the key is FIRST, the context second; allFlagsState(context) -> LDFlagsState
;     with getFlagValue(key), getFlagReason(key), allValues(); createMigration(client, config) -> LDMigration
;     with read(key, context, defaultStage) and write(key, context, defaultStage))
;   launchdarkly-node-server-sdk@7.0.4: index.d.ts (init(key, options); variation(key, context, defaultValue,
;     callback), variationDetail(key, context, defaultValue, callback), allFlagsState, LDFlagsState as above)
;   launchdarkly-react-client-sdk@3.9.4: lib/types/useFlags.d.ts (useFlags() -> LDFlagSet, keys camelCased
;     unless reactOptions.useCamelCaseFlagKeys is false), useLDClient.d.ts (-> LDClient of
;     launchdarkly-js-client-sdk), withLDConsumer.d.ts (withLDConsumer(options)(Component): props `flags`
;     camelCased with lodash.camelcase, `ldClient`; type LDProps), types.d.ts (ProviderConfig.flags: the flags
;     to subscribe to, "in their original form", values are defaults; used by withLDProvider,
;     asyncWithLDProvider and the LDProvider component), index.d.ts (re-exports launchdarkly-js-client-sdk)
;   @launchdarkly/react-sdk@4.1.5 (the new React SDK): dist/index.d.ts (re-exports @launchdarkly/js-client-sdk;
;     createClient(clientSideID, context, options) -> LDReactClient extends LDClient; useLDClient(); useFlags()
;     camelCased unless useCamelCaseFlagKeys is false; hooks useBoolVariation, useStringVariation,
;     useNumberVariation, useJsonVariation and their *Detail forms, all (key, defaultValue, reactContext?)),
;     dist/server.d.ts (createLDServerSession(client, context) / createLDServerWrapper and useLDServerSession()
;     -> LDServerSession with boolVariation(key, defaultValue) ... jsonVariationDetail, allFlagsState())
;   @launchdarkly/react-native-client-sdk@10.20.3: dist/src/index.d.ts (new ReactNativeLDClient(mobileKey, ...)
;     extends the js-client-sdk-common client: variation(key, defaultValue) and the typed forms),
;     dist/src/hooks/useLDClient.d.ts, hooks/variation/useVariation.d.ts (useBoolVariation,
;     useNumberVariation, useStringVariation, useJsonVariation and *Detail, all (key, defaultValue)),
;     hooks/variation/useTypedVariation.d.ts (useTypedVariation(key, defaultValue), useTypedVariationDetail);
;     its LDProvider takes a `client` prop, no flags
;   launchdarkly-react-native-client-sdk@9.0.3 (the earlier React Native SDK): index.d.ts (new LDClient();
;     boolVariation(flagKey, defaultValue, environment?) ... jsonVariationDetail, allFlags(environment?))
;   Edge and other server runtimes, all init(...) -> the js-server-sdk-common LDClient above (key first):
;     @launchdarkly/vercel-server-sdk@1.3.55 dist/cjs/src/index.d.ts (init(sdkKey, edgeConfig, options)),
;     @launchdarkly/cloudflare-server-sdk@2.2.3 dist/index.d.ts (init(sdkKey, kvNamespace, options)),
;     @launchdarkly/akamai-server-base-sdk@1.0.7 dist/cjs/src/index.d.ts (init({ sdkKey, featureStoreProvider })),
;     @launchdarkly/shopify-oxygen-sdk@0.1.26 dist/index.d.ts (init(sdkKey, options)),
;     @launchdarkly/js-server-sdk-common-edge@2.6.28 dist/cjs/src/index.d.ts (re-exports js-server-sdk-common)
;   launchdarkly-electron-client-sdk@1.7.0: typings.d.ts (initializeInMain(envKey, user) and
;     initializeInRenderer() -> clients with variation(key, defaultValue), allFlags();
;     createNodeSdkAdapter(client).variation(key, user, defaultValue))
;   launchdarkly-node-client-sdk@3.4.3: typings.d.ts (initialize(envKey, context) -> LDClient as in the browser)
; Not listed: @launchdarkly/openfeature-node-server (its reads go through an OpenFeature client, see
; openfeature.scm); @launchdarkly/server-sdk-ai (AI Configs, not flags); @launchdarkly/akamai-server-edgekv-sdk,
; @launchdarkly/node-client-sdk, @launchdarkly/electron-client-sdk, @launchdarkly/svelte-client-sdk and
; @launchdarkly/fastly-server-sdk are in the vendor's repository but not in the npm registry.
; The method names are generic, so every method pattern requires the receiver to come from the SDK (#sdk?).
; React reads of camelCased keys carry (#set! case "camel"); a string key that cannot be a lodash camelCase
; (it holds `-`, `_`, `.`, a space...) is taken as the original key (useCamelCaseFlagKeys: false).

; client.variation("x", false), ldClient.boolVariation("x", false), server client.variation("x", context, false)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "variation" "variationDetail" "boolVariation" "boolVariationDetail"
      "stringVariation" "stringVariationDetail" "numberVariation" "numberVariationDetail"
      "jsonVariation" "jsonVariationDetail" "migrationVariation"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; React and React Native hooks: useBoolVariation("x", false), useStringVariationDetail("x", "a"),
; useTypedVariation("x", 0) (the key first, the default second)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useBoolVariation" "useBoolVariationDetail" "useStringVariation"
    "useStringVariationDetail" "useNumberVariation" "useNumberVariationDetail" "useJsonVariation"
    "useJsonVariationDetail" "useTypedVariation" "useTypedVariationDetail")) @reference.hook

; (await client.allFlagsState(context)).getFlagValue("x"), state.getFlagReason("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getFlagValue" "getFlagReason"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; const migration = createMigration(client, config); migration.read("x", context, LDMigrationStage.Off)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "read" "write"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "createMigration")) @reference.call

; client.allFlags()["x"], state.allValues().x (original keys)
(member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member

(subscript_expression
  object: (_) @receiver
  index: (string) @key
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member

; React: const flags = useFlags(); flags.myFlagV2 (camelCased)
((member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; flags["myFlagV2"] (camelCased)
((subscript_expression
  object: (_) @receiver
  index: (string (string_fragment) @_text) @key
  (#match? @_text "^[A-Za-z0-9]+$")
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; flags["my-flag-v2"] (useCamelCaseFlagKeys: false)
(subscript_expression
  object: (_) @receiver
  index: (string (string_fragment) @_text) @key
  (#not-match? @_text "^[A-Za-z0-9]+$")
  (#sdk-from? @receiver "useFlags")) @reference.member

; const { myFlagV2, other: renamed, withDefault = false } = useFlags()
((variable_declarator
  name: (object_pattern
    [
      (shorthand_property_identifier_pattern) @key
      (object_assignment_pattern left: (shorthand_property_identifier_pattern) @key)
      (pair_pattern key: (property_identifier) @key)
    ])
  value: (_) @receiver
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; const { "myFlagV2": renamed } = useFlags() and const { "my-flag-v2": renamed } = useFlags()
((variable_declarator
  name: (object_pattern
    (pair_pattern key: (string (string_fragment) @_text) @key))
  value: (_) @receiver
  (#match? @_text "^[A-Za-z0-9]+$")
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

(variable_declarator
  name: (object_pattern
    (pair_pattern key: (string (string_fragment) @_text) @key))
  value: (_) @receiver
  (#not-match? @_text "^[A-Za-z0-9]+$")
  (#sdk-from? @receiver "useFlags")) @reference.member

; withLDConsumer()(Component): props.flags.myFlagV2 in a file that imports withLDConsumer
((member_expression
  object: (member_expression
    object: (identifier) @_props
    property: (property_identifier) @_flags)
  property: (property_identifier) @key
  (#eq? @_props "props")
  (#eq? @_flags "flags")
  (#imports? "withLDConsumer")) @reference.member
  (#set! case "camel"))

; this.props.flags.myFlagV2
((member_expression
  object: (member_expression
    object: (member_expression
      object: (this)
      property: (property_identifier) @_props)
    property: (property_identifier) @_flags)
  property: (property_identifier) @key
  (#eq? @_props "props")
  (#eq? @_flags "flags")
  (#imports? "withLDConsumer")) @reference.member
  (#set! case "camel"))

; ({ flags }) => flags.myFlagV2, const { flags } = this.props; flags.myFlagV2
((member_expression
  object: (identifier) @_flags
  property: (property_identifier) @key
  (#eq? @_flags "flags")
  (#imports? "withLDConsumer")) @reference.member
  (#set! case "camel"))

; withLDProvider({ clientSideID, flags: { "my-flag": false } }), asyncWithLDProvider({ ... }) (original keys)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_flags
        (#eq? @_flags "flags")
        value: (object (pair key: (_) @key)))))
  (#sdk? @receiver "withLDProvider" "asyncWithLDProvider")) @reference.default

; <LDProvider clientSideID="..." flags={{ "my-flag": false }}>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_flags
    (#eq? @_flags "flags")
    (jsx_expression (object (pair key: (_) @key))))
  (#sdk? @receiver "LDProvider")) @reference.default

(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_flags
    (#eq? @_flags "flags")
    (jsx_expression (object (pair key: (_) @key))))
  (#sdk? @receiver "LDProvider")) @reference.default

;; Keyed reads of the flag maps, useFlags() camelCased, allFlags() and allValues() as the service names them.

; flags[KEY], flags?.[key] (a string index has patterns of its own)
((subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#not-match? @key "^[\"']")
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; "x" in flags
((binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @receiver
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; flags.hasOwnProperty("x")
((call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_has
    (#eq? @_has "hasOwnProperty"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; Object.prototype.hasOwnProperty.call(flags, "x")
((call_expression
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
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; Object.hasOwn(flags, "x")
((call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_has)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_has "hasOwn")
  (#sdk-from? @receiver "useFlags")) @reference.member
  (#set! case "camel"))

; flags[KEY], flags?.[key] (a string index has patterns of its own)
(subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#not-match? @key "^[\"']")
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member

; "x" in flags
(binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @receiver
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member

; flags.hasOwnProperty("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_has
    (#eq? @_has "hasOwnProperty"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member

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
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member

; Object.hasOwn(flags, "x")
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_has)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_has "hasOwn")
  (#sdk-from? @receiver "allFlags" "allValues")) @reference.member
