; sdk: split
; packages:
; triggers:
