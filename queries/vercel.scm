; sdk: vercel
; packages:
; triggers:
