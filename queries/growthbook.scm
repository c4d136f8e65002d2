; sdk: growthbook
; packages:
; triggers:
