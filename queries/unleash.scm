; sdk: unleash
; packages: unleash-client unleash-proxy-client @unleash/proxy-client-react @unleash/nextjs
; triggers: isEnabled getVariant forceGetVariant getFeatureToggleDefinition countVariant useFlag useVariant @unleash/nextjs bootstrap
;
; Read from the packages' own type definitions (npm pack):
;   unleash-client@6.12.1: lib/index.d.ts (module functions after initialize(config): isEnabled(name, context?,
;     fallbackValue?), getVariant(name, context?, fallbackVariant?), forceGetVariant(name, ...),
;     getFeatureToggleDefinition(toggleName), count(toggleName, enabled), countVariant(toggleName, variantName);
;     initialize(config) and startUnleash(config) return Unleash), lib/unleash.d.ts (class Unleash: the same
;     methods, name first), lib/repository/bootstrap-provider.d.ts (config.bootstrap.data: FeatureInterface[],
;     each with `name`)
;   unleash-proxy-client@3.8.2: build/cjs/index.d.ts (class UnleashClient: isEnabled(toggleName),
;     getVariant(toggleName), getAllToggles(); IConfig.bootstrap: IToggle[], each with `name`)
;   @unleash/proxy-client-react@5.1.0: dist/index.d.ts, useFlag.d.ts (useFlag(featureName) -> boolean),
;     useVariant.d.ts (useVariant(featureName)), useFlags.d.ts (useFlags() -> IToggle[]: takes no name),
;     useUnleashClient.d.ts (-> UnleashClient), FlagProvider.d.ts (config?: IConfig)
;   @unleash/nextjs@1.6.7: dist/index.d.ts, dist/flag.d.ts (flag(flagName, context?, options?) -> Promise of
;     { enabled, variant }), dist/hooks.d.ts (useFlag(name), useVariant(name), useFlags() -> IToggle[],
;     useUnleashClient()), dist/flagsClient.d.ts (flagsClient(toggles) -> UnleashClient),
;     dist/FlagProvider.d.ts (config as in the React package), client.d.ts (the `/client` entry re-exports them)
;   Checked again at the latest: unleash-client@6.12.2 lib/index.d.ts and lib/unleash.d.ts (the same functions
;     and methods), unleash-proxy-client@3.8.2, @unleash/proxy-client-react@5.1.0 and @unleash/nextjs@1.6.7
;     (no new entry point); the React package also serves React Native
; Not listed: @unleash/proxy-client-vue and @unleash/proxy-client-svelte (their reads are in .vue / .svelte
; files, which are not scanned), @unleash/openfeature-node-provider (reads go through OpenFeature, see
; openfeature.scm).
; The method names are generic, so every method pattern requires the receiver to come from the SDK (#sdk?);
; functions and hooks must be bound (through aliases and destructuring) to those SDK names.
; Not matched: count(toggleName, enabled) (its name is too common to be a trigger word) and useFlags()
; (it takes no flag name and returns an array of toggles).

; unleash.isEnabled("x", context), client.getVariant("x"), flagsClient(toggles).isEnabled("x")
(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @_method
    (#any-of? @_method "isEnabled" "getVariant" "forceGetVariant" "getFeatureToggleDefinition"
      "countVariant"))
  arguments: (arguments . (_) @key)
  (#sdk? @receiver)) @reference.call

; import { isEnabled, getVariant } from "unleash-client"; isEnabled("x", context)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "isEnabled" "getVariant" "forceGetVariant" "getFeatureToggleDefinition"
    "countVariant")) @reference.call

; useFlag("x"), useVariant("x")
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "useFlag" "useVariant")) @reference.hook

; @unleash/nextjs: await flag("x", context)
(call_expression
  function: (identifier) @receiver
  arguments: (arguments . (_) @key)
  (#sdk? @receiver "flag")) @reference.call

; new UnleashClient({ bootstrap: [{ name: "x", enabled: true }] })
(new_expression
  constructor: (_) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_bootstrap
        (#eq? @_bootstrap "bootstrap")
        value: (array
          (object
            (pair
              key: (property_identifier) @_name
              (#eq? @_name "name")
              value: (_) @key))))))
  (#sdk? @receiver)) @reference.default

; initialize({ bootstrap: { data: [{ name: "x", enabled: true }] } }), startUnleash(...), new Unleash(...)
(call_expression
  function: (_) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_bootstrap
        (#eq? @_bootstrap "bootstrap")
        value: (object
          (pair
            key: (property_identifier) @_data
            (#eq? @_data "data")
            value: (array
              (object
                (pair
                  key: (property_identifier) @_name
                  (#eq? @_name "name")
                  value: (_) @key))))))))
  (#sdk? @receiver)) @reference.default

(new_expression
  constructor: (_) @receiver
  arguments: (arguments
    . (object
      (pair
        key: (property_identifier) @_bootstrap
        (#eq? @_bootstrap "bootstrap")
        value: (object
          (pair
            key: (property_identifier) @_data
            (#eq? @_data "data")
            value: (array
              (object
                (pair
                  key: (property_identifier) @_name
                  (#eq? @_name "name")
                  value: (_) @key))))))))
  (#sdk? @receiver)) @reference.default

; <FlagProvider config={{ url, clientKey, appName, bootstrap: [{ name: "x", enabled: true }] }}>
; (any SDK component: FlagProvider is the React package's default export, which #sdk? cannot name)
(jsx_opening_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_config
    (#eq? @_config "config")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_bootstrap
          (#eq? @_bootstrap "bootstrap")
          value: (array
            (object
              (pair
                key: (property_identifier) @_name
                (#eq? @_name "name")
                value: (_) @key)))))))
  (#sdk? @receiver)) @reference.default

(jsx_self_closing_element
  name: (_) @receiver
  (jsx_attribute
    (property_identifier) @_config
    (#eq? @_config "config")
    (jsx_expression
      (object
        (pair
          key: (property_identifier) @_bootstrap
          (#eq? @_bootstrap "bootstrap")
          value: (array
            (object
              (pair
                key: (property_identifier) @_name
                (#eq? @_name "name")
                value: (_) @key)))))))
  (#sdk? @receiver)) @reference.default
