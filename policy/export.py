"""CSV export of a school's confirmation list."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from policy.selectors import ConfirmationRow
from schools.csv_safety import safe_text


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a ' in front."""
    return safe_text(value)  # one rule for every export: schools/csv_safety.py


def confirmations_csv(
    *, staff: list[ConfirmationRow], parents: list[ConfirmationRow] | None
) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("List"), _("Name"), _("E-mail address"), _("Role"), _("Confirmed"), _("Confirmed at")]
    )
    groups = [(_("staff"), staff)] + ([(_("parents"), parents)] if parents is not None else [])
    for list_name, rows in groups:
        for row in rows:
            confirmed_at = (
                timezone.localtime(row.confirmed_at).strftime("%Y-%m-%d %H:%M")
                if row.confirmed_at
                else ""
            )
            writer.writerow(
                csv_safe(str(cell))
                for cell in (
                    list_name,
                    row.name,
                    row.email,
                    ", ".join(str(r) for r in row.roles),
                    _("yes") if row.confirmed else _("no"),
                    confirmed_at,
                )
            )
    return out.getvalue()
