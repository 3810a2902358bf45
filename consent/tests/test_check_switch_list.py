"""Check before posting: a teacher of two groups ticks pupils in one class list, then
shows another (the class-list choice, or a name search) and ticks more. The ticks of the
first list were lost: the class-list choice was a form of its own, which sent no ticks.
Walked as a browser would: the page's forms as they are, a click sends the form of the
button clicked with what the user set in it."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from conftest import add_teaching, make_pupil, make_staff
from consent.models import PublicationCheck
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db

URL = reverse("consent:check_new")


class _Forms(HTMLParser):
    """The page's controls, each with the form it belongs to, and its submit buttons."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.form = -1  # index of the form being read, -1 outside any
        self.forms = 0
        self.controls: list[dict] = []
        self.buttons: list[dict] = []
        self.select: dict | None = None
        self.button: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form, self.forms = self.forms, self.forms + 1
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            self.controls.append(
                {"form": self.form, "name": a["name"], "type": kind, "value": a.get("value", ""),
                 "on": kind not in ("checkbox", "radio") or "checked" in a}
            )  # fmt: skip
        elif tag == "select":
            self.select = {"form": self.form, "name": a.get("name"), "type": "select",
                           "options": [], "value": None, "on": True}  # fmt: skip
            self.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value", ""))
            if "selected" in a or self.select["value"] is None:
                self.select["value"] = a.get("value", "")
        elif tag == "textarea":
            self.controls.append({"form": self.form, "name": a.get("name"), "type": "textarea",
                                  "value": "", "on": True})  # fmt: skip
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.button = {"form": self.form, "name": a.get("name"), "value": a.get("value", ""),
                           "text": ""}  # fmt: skip
            self.buttons.append(self.button)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = -1
        elif tag == "select":
            self.select = None
        elif tag == "button":
            self.button = None

    def handle_data(self, data):
        if self.button is not None:
            self.button["text"] += data.strip()


def click(client, response, button: str, *, tick=(), choose=None, type_in=None):
    """Tick checkboxes (pupil ids) and choose options anywhere on the page, as the user
    does, then click `button`: only the controls of that button's form are sent."""
    page = _Forms(response.content.decode())
    for control in page.controls:
        if control["type"] == "checkbox" and control["value"] in {str(t) for t in tick}:
            control["on"] = True
        for name, value in (choose or {}).items():
            if control["name"] == name and control["type"] == "radio":
                control["on"] = control["value"] == value
            elif control["name"] == name and control["type"] == "select":
                assert value in control["options"], (name, value)
                control["value"] = value
        for name, value in (type_in or {}).items():
            if control["name"] == name and control["type"] in ("text", "search", "textarea"):
                control["value"] = value
    [clicked] = [b for b in page.buttons if b["text"] == button]
    data: dict[str, list[str]] = {}
    for control in page.controls:
        if control["form"] == clicked["form"] and control["on"]:
            data.setdefault(control["name"], []).append(control["value"])
    if clicked["name"]:
        data.setdefault(clicked["name"], []).append(clicked["value"])
    return client.post(URL, data)


def _ticked(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'name="pupils" value="(\d+)" checked', html)) | set(
        re.findall(r'value="(\d+)" checked[^>]*name="pupils"', html)
    )


def _listed(response) -> set[str]:
    return set(re.findall(r'name="pupils" value="(\d+)"', response.content.decode()))


@pytest.fixture
def teacher_of_two(school_a, group_a1, group_a2, pupil_a, pupil_a2):
    """Teaches groep 5 (Sem Bakker) and groep 7 (Roos Vries) at De Vlindertuin."""
    return make_staff(
        "juf.twee@example.org", StaffMembership.Role.TEACHER, school_a, [group_a1, group_a2]
    )


def test_it_keeps_the_ticks_when_another_class_list_is_shown(
    login, teacher_of_two, group_a2, pupil_a, pupil_a2
):
    client = login(teacher_of_two)
    first = client.get(URL)
    assert _listed(first) == {str(pupil_a.pk)}  # groep 5 first
    switched = click(
        client,
        first,
        "Toon leerlingen",
        tick=[pupil_a.pk],
        choose={"group": str(group_a2.pk), "purpose": "website", "media_type": "photo"},
    )
    assert switched.status_code == 200
    html = switched.content.decode()
    assert _listed(switched) == {str(pupil_a.pk), str(pupil_a2.pk)}
    assert _ticked(switched) == {str(pupil_a.pk)}
    # said plainly, with the pupil's group: the class list shown is another one
    assert "Ook aangevinkt, uit een andere lijst:" in html
    assert "Sem Bakker (groep 5)" in html
    # the channel and medium chosen before stay chosen
    assert re.search(r'<option value="website" selected', html)
    assert re.search(r'value="photo"[^>]* checked|checked[^>]* value="photo"', html)

    checked = click(client, switched, "Controleer", tick=[pupil_a2.pk])
    check = PublicationCheck.objects.get()
    assert checked.status_code == 302
    assert set(check.pupils.all()) == {pupil_a, pupil_a2}
    assert (check.purpose.code, check.media_type) == ("website", "photo")


def test_it_keeps_the_ticks_through_a_name_search_and_back(
    login, teacher_of_two, group_a1, pupil_a, pupil_a2
):
    client = login(teacher_of_two)
    found = click(client, client.get(URL), "Toon leerlingen", tick=[pupil_a.pk],
                  type_in={"q": "Roos"})  # fmt: skip
    assert _listed(found) == {str(pupil_a.pk), str(pupil_a2.pk)}
    assert _ticked(found) == {str(pupil_a.pk)}
    back = click(client, found, "Toon leerlingen", tick=[pupil_a2.pk],
                 choose={"group": str(group_a1.pk)}, type_in={"q": ""})  # fmt: skip
    assert _ticked(back) == {str(pupil_a.pk), str(pupil_a2.pk)}
    assert _listed(back) == {str(pupil_a.pk), str(pupil_a2.pk)}


def test_a_tick_in_the_list_shown_is_not_listed_twice(login, teacher_of_two, group_a1, pupil_a):
    client = login(teacher_of_two)
    again = click(client, client.get(URL), "Toon leerlingen", tick=[pupil_a.pk],
                  choose={"group": str(group_a1.pk)})  # fmt: skip
    assert again.content.decode().count(f'name="pupils" value="{pupil_a.pk}"') == 1
    assert _ticked(again) == {str(pupil_a.pk)}
    assert "Ook aangevinkt" not in again.content.decode()


def test_all_taught_groups_show_every_tick_in_their_list(login, teacher_of_two, pupil_a, pupil_a2):
    client = login(teacher_of_two)
    switched = click(client, client.get(URL), "Toon leerlingen", tick=[pupil_a.pk],
                     choose={"group": "taught"})  # fmt: skip
    assert _listed(switched) == {str(pupil_a.pk), str(pupil_a2.pk)}
    assert _ticked(switched) == {str(pupil_a.pk)}
    assert "Ook aangevinkt" not in switched.content.decode()


def test_a_tick_out_of_reach_is_dropped_and_said(login, teacher_of_two, group_a2, pupil_a, pupil_b):
    """A pupil the teacher no longer reaches (moved to another group meanwhile), or a
    number sent by hand: not listed, not named, and the page says a tick was dropped."""
    client = login(teacher_of_two)
    response = client.post(
        URL,
        {"intent": "search", "group": str(group_a2.pk),
         "pupils": [str(pupil_a.pk), str(pupil_b.pk), "abc", str(2**70)]},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert _ticked(response) == {str(pupil_a.pk)}
    assert "Bram" not in html and "Visser" not in html
    assert (
        "1 aangevinkte leerling hoort niet (meer) bij uw leerlingen en is niet meer aangevinkt."
        in html
    )


def test_it_says_when_the_ticks_are_of_two_schools(
    login, teacher_a, school_b, group_b1, pupil_a, pupil_b
):
    """A teacher at two schools: the tick stays, and the page says that a check takes
    the pupils of one school (saving it is refused until one is unticked)."""
    client = login(add_teaching(teacher_a, school_b, [group_b1]))
    switched = click(client, client.get(URL), "Toon leerlingen", tick=[pupil_a.pk],
                     choose={"group": str(group_b1.pk)})  # fmt: skip
    html = switched.content.decode()
    assert _ticked(switched) == {str(pupil_a.pk)}
    assert "Sem Bakker (groep 5, OBS De Vlindertuin)" in html
    assert "Eén controle gaat over leerlingen van één school" in html


@pytest.mark.parametrize("kept", [1, 20])
def test_a_switch_with_ticks_runs_a_fixed_number_of_queries(
    login, teacher_of_two, school_a, group_a1, group_a2, kept, django_assert_num_queries
):
    ticks = [make_pupil(school_a, group_a1, f"K{n}", f"Kind{n}", "Test").pk for n in range(kept)]
    client = login(teacher_of_two)
    data = {"intent": "search", "group": str(group_a2.pk), "pupils": ticks}
    client.post(URL, data)
    # (session from the cache) 1 user, 2 memberships, 3 reachable groups with their
    # schools, 4 the chosen group's pupils, 5 the ticked pupils of other lists that are
    # in reach, with their groups (only when a tick is not in the list shown: one read
    # for any number), 6 protocol banner with the menu's open takedowns, 7 the channels.
    with django_assert_num_queries(7):
        response = client.post(URL, data)
    assert len(_ticked(response)) == kept


def test_showing_pupils_asks_for_no_channel_first(login, teacher_of_two):
    """The channel and the medium are required to check, not to show another list: a
    browser refused "Toon leerlingen" until they were chosen."""
    html = login(teacher_of_two).get(URL).content.decode()
    [button] = re.findall(r'<button[^>]*value="search"[^>]*>', html)
    assert "formnovalidate" in button
