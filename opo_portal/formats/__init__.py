"""The portal's date format in every language it speaks (README "Dates"): templates that
print a date without a format of their own, allauth's among them, print it as ours do.
Django's English default wrote "March 29, 2026, 12:30 a.m."."""
