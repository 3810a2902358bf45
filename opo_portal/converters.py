"""Path converters for the portal's URLs.

`<id:pk>` is Django's `<int:pk>` for primary keys, refusing what no row can have: a number
beyond PostgreSQL's bigint made the prepared reads (opo_portal/sql.py) fail with a 500
("bigint out of range") where the answer is a 404, as for any id that does not exist.
"""

from django.urls.converters import IntConverter

BIGINT_MAX = 2**63 - 1


class IdConverter(IntConverter):
    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError("no row has this id")  # Django: the pattern does not match
        return number
