# The portal's formats (README "Dates"), whatever Django's locale prefers.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
