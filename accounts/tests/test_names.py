"""Two people of one name are told apart by their address, nobody else
(accounts.names, accounts.templatetags.people)."""

from types import SimpleNamespace

from django.template import Context, Template

from accounts.names import namesakes
from accounts.templatetags.people import person


def user(pk: int, full_name: str, email: str = "") -> SimpleNamespace:
    return SimpleNamespace(pk=pk, full_name=full_name, email=email or f"user{pk}@example.org")


def test_it_finds_names_alike_whatever_the_case_and_the_spaces():
    people = [user(1, "J. de Vries"), user(2, " j.  DE vries"), user(3, "J. Visser")]
    assert namesakes(people) == {1, 2}


def test_it_counts_a_user_named_twice_on_the_page_once():
    assert namesakes([user(1, "J. de Vries"), user(1, "J. de Vries")]) == set()


def test_it_leaves_out_users_without_a_name():
    assert namesakes([user(1, ""), user(2, ""), user(3, "J. de Vries")]) == set()


def test_the_tag_adds_the_address_to_a_namesake_only():
    twin, other, nameless = user(1, "J. de Vries"), user(3, "J. Visser"), user(4, "")
    assert person(twin, {1, 2}) == "J. de Vries (user1@example.org)"
    assert person(other, {1, 2}) == "J. Visser"
    assert person(nameless, {1, 2}) == "user4@example.org"


def test_the_tag_names_by_name_on_a_page_without_namesakes():
    """An include shared with a page that passes no `namesakes` (the check's page)."""
    html = Template("{% load people %}{% person someone namesakes %}").render(
        Context({"someone": user(1, "J. de <Vries>")})
    )
    assert html == "J. de &lt;Vries&gt;"
