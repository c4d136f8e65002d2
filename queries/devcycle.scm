; sdk: devcycle
; packages:
; triggers:
