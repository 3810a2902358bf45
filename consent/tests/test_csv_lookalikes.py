"""Issue 10, finding 8: the coverage export neutralises fullwidth formula look-alikes."""

import csv
import io

from django.urls import reverse


def test_it_neutralises_a_fullwidth_equals_in_the_coverage_export(login, director_a, pupil_a):
    pupil_a.last_name = '\uff1dHYPERLINK("http://evil.example","klik")'
    pupil_a.save(update_fields=["last_name"])
    response = login(director_a).get(reverse("consent:coverage_export", args=["vlindertuin"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    assert {r["last_name"] for r in rows} == {"'" + pupil_a.last_name}
