; sdk: statsig
; packages:
; triggers:
