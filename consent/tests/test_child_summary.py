""" "In het kort" on the parent's child page: at a glance what is allowed, refused and
still open. Each state's meaning is said once, in a count above a channel × medium table
whose cells carry a symbol and one short word; before, every one of up to 18 questions
repeated "? niet beantwoord: niet toegestaan"."""

import re

from django.urls import reverse
from django.utils import translation

from conftest import make_user
from consent.models import Purpose
from consent.tests.helpers import decide
from schools.models import Guardianship


def summary_of(client, pupil) -> str:
    html = client.get(reverse("consent:child", args=[pupil.pk])).content.decode()
    start = html.index('class="summary"')
    return html[start : html.index("</section>", start)]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def counts(summary: str) -> list[str]:
    block = summary.split('class="summary__counts"')[1].split("</ul>")[0]
    return [text_of(li) for li in block.split("<li>")[1:]]


def cells(summary: str) -> dict[str, list[str]]:
    """Per row header (the channel), the text of its cells."""
    body = summary.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for row in body.split("<tr>")[1:]:
        header = text_of(row.split("</th>")[0])
        rows[header] = [text_of(td) for td in re.findall(r"<td>(.*?)</td>", row, re.S)]
    return rows


def test_it_counts_what_is_allowed_refused_and_open(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    total = 3 * Purpose.objects.filter(active=True).count()
    summary = summary_of(login(parent_a), pupil_a)
    assert counts(summary) == [
        "✓ Toegestaan: 1",
        "✗ Niet toegestaan: 1",
        f"? Nog niet beantwoord, dus niet toegestaan: {total - 2}",
    ]


def test_it_says_what_an_open_question_means_once_not_per_question(login, parent_a, pupil_a):
    summary = summary_of(login(parent_a), pupil_a)
    text = text_of(summary)
    assert text.count("niet beantwoord") == 1
    assert "niet beantwoord: niet toegestaan" not in text
    # 6 channels of 3 media: the table's cells read "open", one short word each
    rows = cells(summary)
    assert len(rows) == Purpose.objects.filter(active=True).count()
    assert all(row == ["? open"] * 3 for row in rows.values())


def test_it_shows_each_channel_and_medium_in_one_table_cell(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "audio", False)
    summary = summary_of(login(parent_a), pupil_a)
    assert cells(summary)["Website van de school"] == ["✓ ja", "? open", "✗ nee"]
    # a table a screen reader can walk: column and row headers, the symbols hidden
    assert "<caption" in summary
    head = summary.split("<thead>")[1].split("</thead>")[0]
    assert [text_of(th) for th in head.split("</th>")[:-1]] == ["Kanaal", "Foto", "Film", "Geluid"]
    assert '<th scope="row">Website van de school</th>' in summary
    assert summary.count('class="state__symbol" aria-hidden="true"') == summary.count("<td>") + 3


def test_it_counts_and_marks_a_disagreement(login, parent_a, pupil_a):
    other = make_user("ouder2.a@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", True)
    decide(pupil_a, other, "nieuwsbrief", "photo", False)
    summary = summary_of(login(parent_a), pupil_a)
    assert "! De ouders zijn het niet eens, dus niet toegestaan: 1" in counts(summary)
    assert cells(summary)["Nieuwsbrief"][0] == "! oneens"


def test_a_safeguarded_child_reads_not_allowed_everywhere_without_a_reason(
    login, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    pupil_a.not_in_picture = True
    pupil_a.save()
    summary = summary_of(login(parent_a), pupil_a)
    total = 3 * Purpose.objects.filter(active=True).count()
    assert counts(summary) == [f"✗ Niet toegestaan: {total}"]
    assert {cell for row in cells(summary).values() for cell in row} == {"✗ nee"}


def test_it_reads_the_same_in_english(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(parent_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with translation.override("en"):
        summary = summary_of(client, pupil_a)
    assert counts(summary)[0] == "✓ Allowed: 1"
    assert counts(summary)[1].startswith("? Not answered yet, so not allowed: ")
    assert cells(summary)["Website van de school"] == ["✓ yes", "? open", "? open"]
    head = summary.split("<thead>")[1].split("</thead>")[0]
    heads = [text_of(th) for th in head.split("</th>")[:-1]]
    assert heads == ["Channel", "Photo", "Video", "Audio"]
