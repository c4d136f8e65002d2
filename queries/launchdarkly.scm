; sdk: launchdarkly
; packages:
; triggers:
