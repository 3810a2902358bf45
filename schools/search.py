"""Choosing one school out of many: a search by name or code instead of a list of all.

Board staff and the privacy officer reach every school of the foundation: 6,000 at
national size. A page that listed them all (a `<select>` of every school, a card per
school) grew with the foundation. Where the user's schools fit on one page nothing
changes; beyond that the page asks for the school first:

- `school_field_choice` turns a school `<select>` into a field for the school's code;
- `school_search` finds schools by name or code (at most `SEARCH_LIMIT`) for the page to
  link to, so nobody needs to know a code by heart;
- `paged_schools` pages a list of schools and filters it by the same search.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from schools.models import School

# A school <select> of more schools than this becomes a field for the school's code.
SELECT_LIMIT = 50
# Schools a search shows at most (as the monitoring dashboard's search, issue 17).
SEARCH_LIMIT = 20
QUERY_LENGTH = 100


def search_text(data, name: str = "zoek") -> str:
    """The search text of a request's GET (or any QueryDict): trimmed, at most
    QUERY_LENGTH characters; PostgreSQL refuses a NUL character and no school name has one."""
    return data.get(name, "").replace("\x00", "").strip()[:QUERY_LENGTH]


def matching(schools: QuerySet[School], query: str) -> QuerySet[School]:
    """The schools whose name or code holds `query` (all of them without a query)."""
    if not query:
        return schools
    return schools.filter(Q(name__icontains=query) | Q(code__icontains=query))


@dataclass
class SchoolLink:
    code: str
    name: str
    query: str  # the query string of the same page with this school chosen


@dataclass
class SchoolSearch:
    """A search for a school and what it found: shown on a page whose school list would
    be too long. `keep`: the other GET parameters the search form and its links keep."""

    query: str
    schools: list[SchoolLink]
    more: bool  # more schools match than are shown
    keep: list[tuple[str, str]]
    param: str = "zoek"


def school_search(
    schools: QuerySet[School],
    data,
    *,
    choose: str = "school",
    keep: tuple[str, ...] = (),
    param: str = "zoek",
) -> SchoolSearch:
    """Search `schools` by name or code with the text of `data[param]`; each found school
    links to the same page with `choose=<its code>` and the `keep` parameters. One query,
    none without a search text."""
    query = search_text(data, param)
    kept = [(name, data[name]) for name in keep if data.get(name)]
    links: list[SchoolLink] = []
    if query:
        rows = list(
            matching(schools, query)
            .order_by("name", "id")
            .values_list("code", "name")[: SEARCH_LIMIT + 1]
        )
        links = [
            SchoolLink(code, name, urlencode([*kept, (choose, code)]))
            for code, name in rows[:SEARCH_LIMIT]
        ]
        return SchoolSearch(query, links, len(rows) > SEARCH_LIMIT, kept, param)
    return SchoolSearch(query, links, False, kept, param)


def school_field_choice(field: forms.ModelChoiceField, schools: QuerySet[School]) -> bool:
    """Offer `schools` in `field`: a <select> when they are at most SELECT_LIMIT (read
    here, in one query, and given to the field as its choices), otherwise a text field for
    the school's code (the field then looks the code up when the form is validated).
    True when the field asks for a code."""
    listed = list(schools[: SELECT_LIMIT + 1])
    field.queryset = schools
    if len(listed) <= SELECT_LIMIT:
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        field.choices = empty + [
            (field.prepare_value(s), field.label_from_instance(s)) for s in listed
        ]
        return False
    field.to_field_name = "code"
    field.widget = forms.TextInput(attrs={"maxlength": 40, "autocomplete": "off"})
    field.help_text = _("The school's code. Search for the school above to find it.")
    field.error_messages = {
        **field.error_messages,
        "invalid_choice": _("No school in your reach has this code."),
    }
    return True


SCHOOLS_PER_PAGE = 25


def paged_schools(
    schools: QuerySet[School], query: str, page_number, per_page: int = SCHOOLS_PER_PAGE
) -> Page:
    """One page of `schools` by name whose name or code holds `query`: a count and a
    page, whatever the number of schools."""
    found = matching(schools, query).order_by("name", "id")
    return Paginator(found, per_page).get_page(page_number)
