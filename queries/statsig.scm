; sdk: statsig
; packages: statsig-node @statsig/statsig-node-core statsig-js @statsig/js-client statsig-react @statsig/react-bindings @statsig/react-native-bindings @statsig/expo-bindings @statsig/angular-bindings @statsig/js-on-device-eval-client statsig-react-native statsig-react-native-expo
; triggers: checkGate getFeatureGate getConfig getDynamicConfig getExperiment getLayer useGate useFeatureGate useExperiment useDynamicConfig useConfig useLayer checkGateSync checkGateWithExposureLoggingDisabled checkGateWithExposureLoggingDisabledSync getConfigSync getConfigWithExposureLoggingDisabled getConfigWithExposureLoggingDisabledSync getExperimentSync getExperimentWithExposureLoggingDisabled getExperimentWithExposureLoggingDisabledSync getFeatureGateSync getFeatureGateWithExposureLoggingDisabled getFeatureGateWithExposureLoggingDisabledSync getLayerSync getLayerWithExposureLoggingDisabled getLayerWithExposureLoggingDisabledSync useConfigWithExposureLoggingDisabled useExperimentWithExposureLoggingDisabled useGateValue useGateWithExposureLoggingDisabled useLayerWithExposureLoggingDisabled
;
; Read from the packages' own type definitions (npm pack):
;   statsig-node@6.5.2: dist/index.d.ts (default export Statsig: checkGate(user, gateName, options?),
;     getFeatureGate(user, gateName), getConfig(user, configName), getExperiment(user, experimentName),
;     getLayer(user, layerName), their *WithExposureLoggingDisabled and *Sync variants, all user first),
;     dist/StatsigServer.d.ts (new StatsigServer(secretKey): the same methods)
;   @statsig/statsig-node-core@0.23.2: index.d.ts, statsig-generated.d.ts (new Statsig(sdkKey) /
;     Statsig.shared(): checkGate(user, gateName), getFeatureGate(user, gateName),
;     getDynamicConfig(user, configName), getExperiment(user, experimentName), getLayer(user, layerName))
;   statsig-js@5.1.0: dist/index.d.ts (default export Statsig, static checkGate(gateName, ignoreOverrides?),
;     getFeatureGate(gateName, options?), getConfig(configName, ignoreOverrides?),
;     getExperiment(experimentName, keepDeviceValue?, ignoreOverrides?), getLayer(layerName, keepDeviceValue?)
;     and *WithExposureLoggingDisabled), dist/StatsigClient.d.ts (the same, name first)
;   @statsig/js-client@3.33.5: src/StatsigClient.d.ts (new StatsigClient(sdkKey, user) /
;     StatsigClient.instance(): checkGate(name, options?), getFeatureGate, getDynamicConfig,
;     getExperiment, getLayer (name, options?); the getters are bound arrow properties)
;   @statsig/react-bindings@3.33.5: src/useGateValue.d.ts, useFeatureGate.d.ts, useExperiment.d.ts,
;     useDynamicConfig.d.ts, useLayer.d.ts (hook(name, options?)), useStatsigClient.d.ts (returns
;     { client, checkGate, getFeatureGate, getDynamicConfig, getExperiment, getLayer, ... })
;   statsig-react@2.1.0: dist/index.d.ts, useGate.d.ts, useFeatureGate.d.ts, useExperiment.d.ts,
;     useConfig.d.ts, useLayer.d.ts and the *WithExposureLoggingDisabled hooks (hook(name, ...)),
;     Statsig (static, name first as in statsig-js)
;   @statsig/react-native-bindings@3.33.4 and @statsig/expo-bindings@3.33.5: src/index.d.ts (the React
;     bindings' hooks re-exported; new StatsigClientRN(sdkKey, user) / new StatsigClientExpo(...), browser
;     clients, name first)
;   @statsig/js-on-device-eval-client@3.33.5: src/StatsigOnDeviceEvalClient.d.ts (new
;     StatsigOnDeviceEvalClient(sdkKey) / StatsigOnDeviceEvalClient.instance(): checkGate(name, user, options?),
;     getFeatureGate, getDynamicConfig, getExperiment, getLayer: the name FIRST, the user second)
;   @statsig/angular-bindings@3.20.2: statsig.service.d.ts (StatsigService, injected: checkGate(gateName,
;     options?), getDynamicConfig, getExperiment, getLayer, name first); checkGate.directive.d.ts (the
;     stgCheckGate directive lives in templates, which are not scanned)
;   statsig-react-native@4.15.0 and statsig-react-native-expo@4.7.2: dist/index.d.ts (statsig-react's hooks
;     and its static, name-first Statsig, re-exported)
; Not listed: @statsig/next@3.33.4 (StatsigBootstrapProvider only: no name is read through it),
; @statsig/js-local-overrides (overrides, not reads).
;
; The server SDKs take the user first and the name second; the browser SDKs take the name first
; and options (an object or a boolean) second. The method names are the same, and `#sdk?` cannot
; tell which of the SDK's packages a receiver comes from, so the position is read from the
; arguments themselves, by what the declared parameter types allow:
;   - one argument: the name (browser);
;   - a string literal first (a user is never a string): the name (browser);
;   - an object literal, boolean, null or undefined second (a name is always a string): browser;
;   - an object literal or `new StatsigUser(...)` first (a name is never an object): server;
;   - a string literal second: the name (server).
; When both arguments are plain expressions (`checkGate(user, GATE)` or `checkGate(GATE, opts)`) only
; a receiver made by a known constructor or typed with a known class decides (`new StatsigServer()`,
; node-core's `new Statsig()` / `Statsig.shared()`, a StatsigServer-typed parameter: server;
; `new StatsigClient()` and its React Native, Expo and on-device forms, `StatsigClient.instance()`, a
; parameter typed with one of them or with Angular's StatsigService: browser). For
; the default-imported statsig-node / statsig-js object, and a parameter typed with node-core's
; `Statsig` (a name statsig-react's static, name-first `Statsig` shares), the call is left out: that
; needs a predicate that restricts `#sdk?` to some of the SDK's packages.

; Browser: client.checkGate("x"), Statsig.checkGate(GATE) - one argument
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments . (_) @key .)
  (#sdk? @receiver)) @reference.call

; Browser: client.getExperiment("x", { disableExposureLog: true }) - a string literal first
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments . [(string) (template_string)] @key . (_))
  (#sdk? @receiver)) @reference.call

; Browser: Statsig.getExperiment(EXPERIMENT, true), client.checkGate(GATE, { ... }) - options second
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)] @key
    . [(object) (true) (false) (null) (undefined)])
  (#sdk? @receiver)) @reference.call

; Server: Statsig.checkGate({ userID: "u" }, GATE), statsig.getExperiment(new StatsigUser({ ... }), "x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments . [(object) (new_expression)] . (_) @key)
  (#sdk? @receiver)) @reference.call

; Server: Statsig.checkGate(user, "x") - a string literal second
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)]
    . [(string) (template_string)] @key)
  (#sdk? @receiver)) @reference.call

; Server, both arguments plain expressions: server.checkGate(user, GATE) on `new StatsigServer()`,
; node-core's `new Statsig()`, `Statsig.shared()`
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)]
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)] @key)
  (#sdk-from? @receiver "StatsigServer" "Statsig" "shared" "newShared")) @reference.call

; Browser, both arguments plain expressions: client.checkGate(GATE, options) on `new StatsigClient()`,
; `StatsigClient.instance()`
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)] @key
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)])
  (#sdk-from? @receiver "StatsigClient" "instance" "StatsigClientRN" "StatsigClientExpo"
    "StatsigOnDeviceEvalClient")) @reference.call

; Server, both arguments plain expressions, a receiver typed StatsigServer:
; constructor(private statsig: StatsigServer) {} ... this.statsig.checkGate(user, GATE)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)]
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)] @key)
  (#sdk? @receiver "StatsigServer")) @reference.call

; Browser, both arguments plain expressions, a receiver typed StatsigClient:
; function show(client: StatsigClient) { client.checkGate(GATE, options) }
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGate" "getFeatureGate" "getConfig" "getDynamicConfig" "getExperiment"
      "getLayer" "checkGateWithExposureLoggingDisabled" "getFeatureGateWithExposureLoggingDisabled"
      "getConfigWithExposureLoggingDisabled" "getExperimentWithExposureLoggingDisabled"
      "getLayerWithExposureLoggingDisabled"))
  arguments: (arguments
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)] @key
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (await_expression)
      (parenthesized_expression) (binary_expression) (ternary_expression)])
  (#sdk? @receiver "StatsigClient" "StatsigClientRN" "StatsigClientExpo" "StatsigOnDeviceEvalClient"
    "StatsigService")) @reference.call

; Server only (statsig-node): Statsig.checkGateSync(user, GATE), getExperimentSync(user, "x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "checkGateSync" "getFeatureGateSync" "getConfigSync" "getExperimentSync"
      "getLayerSync" "checkGateWithExposureLoggingDisabledSync"
      "getFeatureGateWithExposureLoggingDisabledSync" "getConfigWithExposureLoggingDisabledSync"
      "getExperimentWithExposureLoggingDisabledSync" "getLayerWithExposureLoggingDisabledSync"))
  arguments: (arguments . (_) . (_) @key)
  (#sdk? @receiver)) @reference.call

; const { checkGate, getExperiment } = useStatsigClient(); checkGate("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "checkGate" "getFeatureGate" "getDynamicConfig" "getExperiment" "getLayer")) @reference.call

; useGateValue("x"), useFeatureGate("x"), useExperiment("x"), useDynamicConfig("x"), useLayer("x"),
; statsig-react's useGate("x"), useConfig("x") and their *WithExposureLoggingDisabled forms
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useGate" "useGateValue" "useFeatureGate" "useExperiment" "useDynamicConfig"
    "useConfig" "useLayer" "useGateWithExposureLoggingDisabled" "useConfigWithExposureLoggingDisabled"
    "useExperimentWithExposureLoggingDisabled" "useLayerWithExposureLoggingDisabled")) @reference.hook
