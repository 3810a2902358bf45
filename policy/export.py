"""The confirmation list of a school as a table for the shared writer (schools.tabular)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from policy.selectors import ConfirmationRow


def confirmations_table(
    *, staff: list[ConfirmationRow], parents: list[ConfirmationRow] | None
) -> tuple[list[str], list[list]]:
    headers = [
        _("List"),
        _("Name"),
        _("E-mail address"),
        _("Role"),
        _("Confirmed"),
        _("Confirmed at"),
        _("Version read"),
        _("Read at"),
    ]
    groups = [(_("staff"), staff)] + ([(_("parents"), parents)] if parents is not None else [])
    rows = []
    for list_name, members in groups:
        for row in members:
            rows.append(
                [
                    list_name,
                    row.name,
                    row.email,
                    ", ".join(str(r) for r in row.roles),
                    _("yes") if row.confirmed else _("no"),
                    _moment(row.confirmed_at),
                    row.read_number or "",
                    _moment(row.read_at),
                ]
            )
    return headers, rows


def _moment(moment) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""
