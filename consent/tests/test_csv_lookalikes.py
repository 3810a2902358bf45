"""Issue 10, finding 8: the coverage export neutralises fullwidth formula look-alikes."""

import csv
import io

from django.urls import reverse


def test_it_neutralises_a_fullwidth_equals_in_the_coverage_export(login, director_a, pupil_a):
    pupil_a.last_name = '\uff1dHYPERLINK("http://evil.example","klik")'
    pupil_a.save(update_fields=["last_name"])
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    # Read it as Dutch Excel does: UTF-8 with BOM, ';' between cells, Dutch headers.
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows
    assert {r["Achternaam"] for r in rows} == {"'" + pupil_a.last_name}
