; sdk: configcat
; packages: configcat-js configcat-node configcat-common @configcat/sdk configcat-react configcat-js-ssr configcat-js-chromium-extension configcat-react-native
; triggers: getValue getValueAsync getValueDetails getValueDetailsAsync useFeatureFlag withConfigCatClient createFlagOverridesFromMap
;
; Read from the packages' own type definitions (npm pack):
;   configcat-common@9.4.1: lib/ConfigCatClient.d.ts (IConfigCatClient.getValueAsync(key, defaultValue, user?),
;     getValueDetailsAsync(key, defaultValue, user?), snapshot() returns IConfigCatClientSnapshot with
;     getValue(key, defaultValue, user?) and getValueDetails(key, defaultValue, user?));
;     configcat-common@7.0.1 (the callback API: getValue(key, defaultValue, callback, user?)) and 8.2.0
;     (no callback, the snapshot API) for the older shapes: the key is first in all of them
;   configcat-js@9.6.1: lib/index.d.ts, configcat-node@11.4.1: lib/client.d.ts
;     (getClient(sdkKey, pollingMode?, options?) returns IConfigCatClient)
;   @configcat/sdk@1.1.0: lib/esm/ConfigCatClient.d.ts (the same four methods), lib/esm/node/index.d.ts,
;     lib/esm/browser/index.d.ts (getClient)
;   configcat-react@5.1.0: lib/types/ConfigCatHooks.d.ts (useFeatureFlag(key, defaultValue, user?,
;     providerId?), useConfigCatClient() returns IConfigCatClient), lib/types/ConfigCatHOC.d.ts
;     (withConfigCatClient(Component) injects props { configCatClient, getValue(key, defaultValue, user?) }),
;     lib/types/ConfigCatProvider.d.ts (ConfigCatProvider reads no key)
;   configcat-js-ssr@8.5.4 and configcat-js-chromium-extension@2.5.1: lib/index.d.ts (getClient(sdkKey,
;     pollingMode?, options?) -> configcat-common@9.4.1's IConfigCatClient, as configcat-js)
;   configcat-react-native@0.0.5 (the first React Native package): lib/index.d.ts (createClient(apiKey),
;     createClientWith{AutoPoll,ManualPoll,LazyLoad}(...) -> the callback-era IConfigCatClient, key first)
;   configcat-common@9.4.1 lib/index.d.ts: createFlagOverridesFromMap(map: { [name]: value }, behaviour,
;     watchChanges?) (re-exported by every package: local values keyed by flag, matched as defaults)
;   Checked again at the latest: configcat-js@9.6.1, configcat-node@11.4.1, @configcat/sdk@1.1.0,
;     configcat-react@5.1.0.
; The method names are generic, so every pattern requires the receiver to come from the SDK (#sdk?),
; except the props a withConfigCatClient component reads through `this.props`, which require the
; file to import withConfigCatClient.

; client.getValueAsync("x", false), client.snapshot().getValue("x", 0, user),
; props.getValue("x", false) with props typed WithConfigCatClientProps
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "getValueAsync" "getValueDetailsAsync" "getValue" "getValueDetails"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; useFeatureFlag("x", false)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFeatureFlag")) @reference.hook

; withConfigCatClient(Component): this.props.getValue("x", false) in a file that imports it
(call_expression
  function: (member_expression
    object: (member_expression
      object: (this)
      property: (property_identifier) @_props)
    property: (property_identifier) @_method)
  arguments: (arguments . (_) @key)
  (#eq? @_props "props")
  (#eq? @_method "getValue")
  (#imports? "withConfigCatClient")) @reference.call

; this.props.configCatClient.getValueAsync("x", false)
(call_expression
  function: (member_expression
    object: (member_expression
      object: (member_expression
        object: (this)
        property: (property_identifier) @_props)
      property: (property_identifier) @_client)
    property: (property_identifier) @_method)
  arguments: (arguments . (_) @key)
  (#eq? @_props "props")
  (#eq? @_client "configCatClient")
  (#any-of? @_method "getValueAsync" "getValueDetailsAsync")
  (#imports? "withConfigCatClient")) @reference.call

; flagOverrides: createFlagOverridesFromMap({ "x": true }, OverrideBehaviour.LocalOnly)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (object (pair key: (_) @key)))
  (#sdk? @receiver "createFlagOverridesFromMap")) @reference.default

; configcat.createFlagOverridesFromMap({ "x": true }, configcat.OverrideBehaviour.LocalOverRemote)
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#eq? @_method "createFlagOverridesFromMap"))
  arguments: (arguments . (object (pair key: (_) @key)))
  (#sdk? @receiver)) @reference.default
