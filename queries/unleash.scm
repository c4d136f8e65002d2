; sdk: unleash
; packages:
; triggers:
