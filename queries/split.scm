; sdk: split
; packages: @splitsoftware/splitio @splitsoftware/splitio-react @splitsoftware/splitio-browserjs @splitsoftware/splitio-react-native @splitsoftware/splitio-redux
; triggers: getTreatment getTreatments getTreatmentWithConfig getTreatmentsWithConfig useSplitTreatments useTreatment useTreatments useTreatmentWithConfig useTreatmentsWithConfig SplitTreatments withSplitTreatments splitNames selectTreatmentValue selectTreatmentWithConfig selectTreatmentAndStatus selectTreatmentWithConfigAndStatus connectToggler mapTreatmentToProps mapIsFeatureOnToProps
;
; Read from the packages' own type definitions (npm pack):
;   @splitsoftware/splitio@11.11.2: types/index.d.ts (SplitFactory(settings) returns ISDK / IAsyncSDK for
;     Node settings, IBrowserSDK for browser settings), types/client/index.d.ts (the
;     `@splitsoftware/splitio/client` entry: IBrowserSDK only), types/server/index.d.ts
;   @splitsoftware/splitio-commons@2.12.1 (its types): types/splitio.d.ts
;     (server IClient / IAsyncClient from factory.client(): getTreatment(key, featureFlagName, attributes?,
;     options?), getTreatmentWithConfig(key, featureFlagName, ...), getTreatments(key, featureFlagNames[],
;     ...), getTreatmentsWithConfig(key, featureFlagNames[], ...); browser IBrowserClient from
;     factory.client() / factory.client(key): getTreatment(featureFlagName, attributes?, options?),
;     getTreatmentWithConfig(featureFlagName, ...), getTreatments(featureFlagNames[], ...),
;     getTreatmentsWithConfig(featureFlagNames[], ...); SplitKey = string | { matchingKey, bucketingKey };
;     Attributes is an object)
;   @splitsoftware/splitio-react@2.6.2: types/useSplitTreatments.d.ts, useTreatments.d.ts,
;     useTreatmentsWithConfig.d.ts (options { names: string[] } or { flagSets }), useTreatment.d.ts,
;     useTreatmentWithConfig.d.ts (options { name: string }), SplitTreatments.d.ts (props { names } or
;     { flagSets }), withSplitTreatments.d.ts (withSplitTreatments(names[], attributes?)),
;     useSplitClient.d.ts (returns { client }: a browser client), types.d.ts
;   @splitsoftware/splitio-browserjs@1.7.1: types/index.d.ts (SplitFactory(settings) -> IBrowserSDK, the
;     browser client above)
;   @splitsoftware/splitio-react-native@0.1.0: types/index.d.ts (SplitFactory(settings) -> ISDK whose
;     client() is keyed by core.key: the browser shapes)
;   @splitsoftware/splitio-redux@1.13.0: types/index.d.ts, types/asyncActions.d.ts (getTreatments({ splitNames:
;     string[] | string, key?, attributes? }), a thunk, not the client method), types/selectors.d.ts
;     (selectTreatmentValue(splitState, featureFlagName, key?, default?), selectTreatmentWithConfig,
;     selectTreatmentAndStatus, selectTreatmentWithConfigAndStatus: the name second),
;     types/react-redux/connectToggler.d.ts (connectToggler(featureFlagName, key?), mapTreatmentToProps(...),
;     mapIsFeatureOnToProps(...): the name first); getSplit(name) is the manager's view of a flag, not read
;   @splitsoftware/splitio@11.11.2 and @splitsoftware/splitio-react@2.6.2 are still the latest.
; Not listed: @splitsoftware/openfeature-js-split-provider (reads go through OpenFeature, see openfeature.scm).
;
; One package serves both: whether a client takes the user key first depends on the factory's
; settings (`core.key` set: browser), which the matcher does not follow. The position is read
; from the arguments, by what the declared parameter types allow:
;   - lists: getTreatments([names]) is the browser shape, getTreatments(key, [names]) the server one;
;   - one argument: the flag name (browser);
;   - an object literal, null or undefined second (attributes; a flag name is always a string): browser;
;   - a string literal second (a flag name; attributes are never strings): server;
;   - an object literal first (a SplitKey object) and a plain expression second: server.
; Two plain expressions (`getTreatment(userId, SPLIT)` or `getTreatment(SPLIT, attributes)`) and
; `getTreatment("a", b)` are left out. Flag sets (getTreatmentsByFlagSet, flagSets) are not flags.

; Browser: client.getTreatments(["a", "b"]), client.getTreatmentsWithConfig([A, B], attributes)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getTreatments" "getTreatmentsWithConfig"))
  arguments: (arguments . (array (_) @key))
  (#sdk? @receiver)) @reference.call

; Server: client.getTreatments(userKey, ["a", "b"])
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getTreatments" "getTreatmentsWithConfig"))
  arguments: (arguments . (_) . (array (_) @key))
  (#sdk? @receiver)) @reference.call

; Browser: client.getTreatment("x"), client.getTreatmentWithConfig(SPLITS.X) - one argument
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getTreatment" "getTreatmentWithConfig"))
  arguments: (arguments . (_) @key .)
  (#sdk? @receiver)) @reference.call

; Browser: client.getTreatment("x", { plan: "pro" }) - attributes second
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getTreatment" "getTreatmentWithConfig"))
  arguments: (arguments . (_) @key . [(object) (null) (undefined)])
  (#sdk? @receiver)) @reference.call

; Server: client.getTreatment(userKey, "x", attributes) - a string literal second
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getTreatment" "getTreatmentWithConfig"))
  arguments: (arguments . (_) . [(string) (template_string)] @key)
  (#sdk? @receiver)) @reference.call

; Server: client.getTreatment({ matchingKey: userId, bucketingKey: accountId }, SPLITS.X)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getTreatment" "getTreatmentWithConfig"))
  arguments: (arguments
    . (object)
    . [(identifier) (member_expression) (subscript_expression) (call_expression) (binary_expression)
      (ternary_expression) (parenthesized_expression)] @key)
  (#sdk? @receiver)) @reference.call

; useSplitTreatments({ names: ["a", "b"] }), useTreatments({ names }), useTreatmentsWithConfig({ names })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_names
        (#eq? @_names "names")
        value: (array (_) @key))))
  (#sdk? @receiver "useSplitTreatments" "useTreatments" "useTreatmentsWithConfig")) @reference.hook

; useTreatment({ name: "x" }), useTreatmentWithConfig({ name: "x" })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_name
        (#eq? @_name "name")
        value: (_) @key)))
  (#sdk? @receiver "useTreatment" "useTreatmentWithConfig")) @reference.hook

; withSplitTreatments(["a", "b"])(Component)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (array (_) @key))
  (#sdk? @receiver "withSplitTreatments")) @reference.call

; <SplitTreatments names={["a", "b"]}>{({ treatments }) => ...}</SplitTreatments>
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "names")
    (jsx_expression (array (_) @key)))
  (#sdk? @receiver "SplitTreatments")) @reference.jsx

; <SplitTreatments names={["a"]} children={...} />
(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_prop
    (#eq? @_prop "names")
    (jsx_expression (array (_) @key)))
  (#sdk? @receiver "SplitTreatments")) @reference.jsx

;; Redux: @splitsoftware/splitio-redux.

; dispatch(getTreatments({ splitNames: ["a", "b"] })), getTreatments({ splitNames: "a", key: userId })
(call_expression
  function: (identifier) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_names
        (#eq? @_names "splitNames")
        value: [(array (_) @key) (string) @key (template_string) @key (identifier) @key
          (member_expression) @key])))
  (#sdk? @receiver "getTreatments")) @reference.call

; selectTreatmentValue(state.splitio, "x"), selectTreatmentWithConfig(splitState, SPLITS.X, userKey)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) . (_) @key)
  (#sdk? @receiver "selectTreatmentValue" "selectTreatmentWithConfig" "selectTreatmentAndStatus"
    "selectTreatmentWithConfigAndStatus")) @reference.call

; connectToggler("x")(FeatureOn, FeatureOff), connect(mapIsFeatureOnToProps("x"))(Component)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "connectToggler" "mapTreatmentToProps" "mapIsFeatureOnToProps")) @reference.call
