; sdk: openfeature
; packages:
; triggers:
