; sdk: devcycle
; packages: @devcycle/js-client-sdk @devcycle/nodejs-server-sdk @devcycle/js-cloud-server-sdk @devcycle/react-client-sdk @devcycle/react-native-client-sdk @devcycle/react-native-expo-client-sdk @devcycle/nextjs-sdk
; triggers: variable( useVariable useVariableValue useDVCVariable RenderIfEnabled SwapComponents variableValue variableKey allVariables renderIfEnabled getVariableValue getAllVariables useAllVariables
;
; Read from the packages' own type definitions (npm pack):
;   @devcycle/js-client-sdk@1.47.10: src/Client.d.ts (DevCycleClient.variable(key, defaultValue),
;     variableValue(key, defaultValue)), src/index.d.ts (initializeDevCycle(sdkKey, user?, options?))
;   @devcycle/nodejs-server-sdk@1.55.9: src/client.d.ts (DevCycleClient.variable(user, key, defaultValue),
;     variableValue(user, key, defaultValue)), src/index.d.ts (initializeDevCycle(sdkKey, options?)
;     returns DevCycleClient or, with enableCloudBucketing, DevCycleCloudClient)
;   @devcycle/js-cloud-server-sdk@1.33.7: src/cloudClient.d.ts (DevCycleCloudClient.variable(user, key,
;     defaultValue), variableValue(user, key, defaultValue))
;   @devcycle/react-client-sdk@1.45.10: src/useVariable.d.ts (useVariable(key, defaultValue)),
;     src/useVariableValue.d.ts (useVariableValue(key, defaultValue)), src/useDVCVariable.d.ts
;     (useDVCVariable(key, defaultValue)), src/useDevCycleClient.d.ts (the js-client DevCycleClient),
;     src/RenderIfEnabled.d.ts (RenderIfEnabled({ variableKey, targetValue?, defaultValue? })),
;     src/SwapComponents.d.ts (SwapComponents(OldComponent, NewComponent, variableKey))
;   @devcycle/react-native-client-sdk@2.22.8 and @devcycle/react-native-expo-client-sdk@1.17.0: src/index.d.ts
;     (useVariable, useVariableValue, useDevCycleClient re-exported from the React SDK)
;   @devcycle/nextjs-sdk@3.0.5: index.d.ts, src/client/useVariableValue.d.ts (useVariable(key, defaultValue),
;     useVariableValue(key, defaultValue)), src/client/renderIfEnabled.d.ts (renderIfEnabled(key, importFunc)),
;     src/client/useAllVariables.d.ts (useAllVariables() -> DVCVariableSet, keyed by variable),
;     server.d.ts, src/server/setupDevCycle.d.ts (setupDevCycle({ ... }) -> { getVariableValue(key,
;     defaultValue), getAllVariables() -> DVCVariableSet, getAllFeatures(), ... }), pages.d.ts (the React
;     hooks re-exported; getServerSideDevCycle and appWithDevCycle take no key)
; Not listed: @devcycle/openfeature-web-provider@1.12.10 and @devcycle/openfeature-react-provider@1.12.8
; (providers: the reads go through an OpenFeature client or hook, see openfeature.scm; the Node provider
; ships inside @devcycle/nodejs-server-sdk). allFeatures() / useAllFeatures() are keyed by feature, not
; by variable, and are not matched.
; The client SDK takes (key, default) and the server SDKs (user, key, default): the default is
; required in both, so two arguments mean the key is first and three that it is second.
; The method names are generic, so every pattern requires the receiver to come from the SDK (#sdk?).

; Client: devcycle.variable("x", false), useDevCycleClient().variableValue("x", "default")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "variable" "variableValue"))
  arguments: (arguments . (_) @key . (_) .)
  (#sdk? @receiver)) @reference.call

; Server: devcycleClient.variable(user, "x", false), devcycleClient.variableValue(user, "x", 10)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "variable" "variableValue"))
  arguments: (arguments . (_) . (_) @key . (_) .)
  (#sdk? @receiver)) @reference.call

; useVariableValue("x", false), useVariable("x", "default"), useDVCVariable("x", 0)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useVariable" "useVariableValue" "useDVCVariable")) @reference.hook

; SwapComponents(OldCheckout, NewCheckout, "x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) . (_) . (_) @key)
  (#sdk? @receiver "SwapComponents")) @reference.call

; <RenderIfEnabled variableKey="x">...</RenderIfEnabled>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "variableKey")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "RenderIfEnabled")) @reference.jsx

; <RenderIfEnabled variableKey="x" targetValue={true} defaultValue={false} />
(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "variableKey")
    [(string) @key (jsx_expression (_) @key)])
  (#sdk? @receiver "RenderIfEnabled")) @reference.jsx

; Next.js: renderIfEnabled("x", () => import("./NewCheckout"))
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "renderIfEnabled")) @reference.call

; Next.js server: const { getVariableValue } = setupDevCycle({ ... }); await getVariableValue("x", false)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "getVariableValue")) @reference.call

;; The map of variables: devcycle.allVariables().x, allVariables()["x"]; Next.js useAllVariables(),
;; await getAllVariables().

; flags.x on allVariables()
(member_expression
  object: (_) @receiver
  property: (property_identifier) @key
  (#sdk-from? @receiver "allVariables" "useAllVariables" "getAllVariables")) @reference.member

; flags["x"], flags[KEY], flags?.[key]
(subscript_expression
  object: (_) @receiver
  index: (_) @key
  (#sdk-from? @receiver "allVariables" "useAllVariables" "getAllVariables")) @reference.member

; "x" in flags
(binary_expression
  left: (_) @key
  operator: "in"
  right: (_) @receiver
  (#sdk-from? @receiver "allVariables" "useAllVariables" "getAllVariables")) @reference.member

; flags.hasOwnProperty("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_has
    (#eq? @_has "hasOwnProperty"))
  arguments: (arguments . (_) @key)
  (#sdk-from? @receiver "allVariables" "useAllVariables" "getAllVariables")) @reference.member

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
  (#sdk-from? @receiver "allVariables" "useAllVariables" "getAllVariables")) @reference.member

; Object.hasOwn(flags, "x")
(call_expression
  function: (member_expression
    object: (identifier) @_object
    property: (property_identifier) @_has)
  arguments: (arguments . (_) @receiver . (_) @key)
  (#eq? @_object "Object")
  (#eq? @_has "hasOwn")
  (#sdk-from? @receiver "allVariables" "useAllVariables" "getAllVariables")) @reference.member
