; sdk: posthog
; packages:
; triggers:
