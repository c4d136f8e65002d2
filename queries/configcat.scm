; sdk: configcat
; packages:
; triggers:
