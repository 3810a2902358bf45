"""What a parent reads after "Alle toestemming intrekken": that it worked, that the
school publishes nothing new, and what happens to what was already published."""

from django.urls import reverse

from consent.tests.helpers import decide


def withdraw_all(client, pupil):
    url = reverse("consent:withdraw", args=[pupil.pk])
    return client.post(url, {"target": "all"}, follow=True).content.decode()


def test_it_says_it_worked_and_what_happens_to_published_pictures(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", True)
    html = withdraw_all(login(parent_a), pupil_a)
    assert "Ingetrokken: 2 toestemmingen." in html
    assert "Uw antwoord is nu overal nee" in html
    assert "wat al met uw toestemming gepubliceerd is, haalt de school offline" in html


def test_the_summary_then_reads_not_allowed_everywhere(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    html = withdraw_all(login(parent_a), pupil_a)
    summary = html[html.index('class="summary"') : html.index("</section>")]
    assert "Toegestaan" not in summary and "open" not in summary
    assert "Niet toegestaan: 18" in summary


def test_a_second_tap_does_not_say_nothing_was_withdrawn(login, parent_a, pupil_a):
    """A double tap on the phone: the page the parent ends on is the second POST's, which
    had no permission left to withdraw. It read "Ingetrokken: 0 toestemmingen" and promised
    to take down what was published with a permission it said was never there."""
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(parent_a)
    withdraw_all(client, pupil_a)
    html = withdraw_all(client, pupil_a)
    assert "Ingetrokken: 0" not in html
    assert "U geeft nergens (meer) toestemming voor: uw antwoord is overal nee" in html
