; sdk: configcat
; packages: configcat-js configcat-node configcat-common @configcat/sdk configcat-react
; triggers: getValue getValueAsync getValueDetails getValueDetailsAsync useFeatureFlag withConfigCatClient
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
