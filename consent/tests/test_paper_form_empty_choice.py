"""The paper form's list of parents starts with "Kies een ouder", not Django's
"---------" (found walking the demo as its director, 2026-12-07)."""

import re

from django.urls import reverse


def test_it_asks_to_choose_a_parent(login, director_a, parent_a, pupil_a):
    html = login(director_a).get(reverse("consent:record", args=[pupil_a.pk])).content.decode()

    select = re.search(r'<select name="guardian"[^>]*>(.*?)</select>', html, re.S)
    assert select
    first = re.search(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)
    assert first and first.group(1).strip() == "Kies een ouder"
