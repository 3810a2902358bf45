"""The parent's page per child: decide, withdraw, history; other families' children are 404."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import make_user
from consent.models import ConsentEvent, Purpose, PurposeVersion
from consent.rules import State
from consent.services import purpose_create, purpose_version_publish, review_round_open
from consent.tests.helpers import answer_field, decide, purpose, state_of
from schools.models import Guardianship


def page(pupil):
    return reverse("consent:child", args=[pupil.pk])


def form_data(client, pupil, **answers):
    """The hidden version fields of the rendered page plus the given answers."""
    html = client.get(page(pupil)).content.decode()
    data = dict(re.findall(r'type="hidden" name="(v-\d+)" value="(\d+)"', html))
    for key, value in answers.items():
        data[key] = value
    return data


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("parent_a", 200),
        ("parent_b", 404),
        ("teacher_a", 404),
        ("director_a", 404),
        ("board", 404),
        ("outsider", 404),
    ],
)
def test_it_shows_a_child_only_to_its_own_parents(request, login, pupil_a, cast_member, status):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(page(pupil_a)).status_code == status


def test_it_sends_anonymous_visitors_to_login(client, pupil_a):
    assert client.get(page(pupil_a)).status_code == 302


def checked_radios(html: str) -> list[tuple[str, str]]:
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html)
    return [
        (re.search(r'name="([^"]+)"', r)[1], re.search(r'value="([^"]+)"', r)[1])
        for r in radios
        if " checked" in r
    ]


def test_it_selects_the_saved_answer_and_leaves_only_unanswered_questions_empty(
    login, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert sorted(checked_radios(html)) == sorted(
        [(answer_field("website", "photo"), "yes"), (answer_field("pers", "video"), "no")]
    )


def test_it_preselects_nothing_the_parent_did_not_choose(login, parent_a, pupil_a):
    other = make_user("ouder2.a@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "website", "photo", True)
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert checked_radios(html) == []


def test_it_keeps_withdrawing_out_of_the_save_form(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    html = login(parent_a).get(page(pupil_a)).content.decode()
    form = html[
        html.index('id="consent-form"') : html.index("</form>", html.index('id="consent-form"'))
    ]
    assert "formaction" not in form
    assert reverse("consent:withdraw", args=[pupil_a.pk]) not in form
    assert reverse("consent:withdraw", args=[pupil_a.pk]) in html


def test_it_asks_for_confirmation_before_withdrawing_everything(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(parent_a)
    response = client.get(reverse("consent:withdraw", args=[pupil_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "neemt wat al gepubliceerd is offline" in html
    assert 'name="target" value="all"' in html
    assert ConsentEvent.objects.count() == 1
    assert "no-store" in response["Cache-Control"]


def test_it_shows_a_summary_row_per_channel(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    html = login(parent_a).get(page(pupil_a)).content.decode()
    summary = html[html.index('class="summary"') : html.index("</section>")]
    assert summary.count('<th scope="row">') == len(re.findall(r"<legend>", html))
    assert "Website" in summary and "state--granted" in summary


def test_it_explains_a_safeguarded_child_without_the_reason(login, parent_a, pupil_a, director_a):
    pupil_a.not_in_picture = True
    pupil_a.save()
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert "De school publiceert niets van Sem" in html
    assert director_a.email in html
    assert "safeguarding" not in html.lower() and "veiligheid" not in html.lower()


def test_it_shows_the_purpose_text_beside_the_choice(login, parent_a, pupil_a):
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert escape(purpose("website").versions.get().text) in html


def test_it_saves_only_the_answers_given(login, parent_a, pupil_a):
    client = login(parent_a)
    data = form_data(client, pupil_a, **{answer_field("website", "photo"): "yes"})
    response = client.post(page(pupil_a), data)
    assert response.status_code == 302
    assert ConsentEvent.objects.count() == 1
    assert state_of(pupil_a, "website", "photo") == State.GRANTED
    assert state_of(pupil_a, "website", "video") == State.UNANSWERED


def test_it_records_no_event_for_an_unchanged_answer(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(parent_a)
    client.post(
        page(pupil_a), form_data(client, pupil_a, **{answer_field("website", "photo"): "yes"})
    )
    assert ConsentEvent.objects.count() == 1


def test_it_leaves_two_events_and_refused_after_grant_then_withdraw(
    login, parent_a, pupil_a, teacher_a, group_a1
):
    client = login(parent_a)
    client.post(
        page(pupil_a), form_data(client, pupil_a, **{answer_field("sociale-media", "video"): "yes"})
    )
    withdraw_url = reverse("consent:withdraw", args=[pupil_a.pk])
    client.post(withdraw_url, {"target": f"{purpose('sociale-media').pk}:video"})
    events = ConsentEvent.objects.filter(pupil=pupil_a)
    assert [e.granted for e in events] == [True, False]
    assert state_of(pupil_a, "sociale-media", "video") == State.REFUSED
    teacher = login(teacher_a)
    overview = teacher.get(
        reverse("consent:group", args=[group_a1.pk]),
        {"purpose": "sociale-media", "media": "video"},
    ).content.decode()
    assert "state--refused" in overview
    assert "state--granted" not in overview
    response = teacher.post(
        reverse("consent:check_new"),
        {"purpose": "sociale-media", "media_type": "video", "pupils": [pupil_a.pk]},
    )
    check = pupil_a.publication_checks.get()
    assert response.url == reverse("consent:check", args=[check.pk])
    assert (check.allowed, check.results[0]["state"]) == (False, "refused")


def test_it_withdraws_all_permissions_in_one_action(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "nieuwsbrief", "audio", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    login(parent_a).post(reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"})
    # "no" everywhere: each question not answered "no" yet gets its "no"
    cells = 3 * Purpose.objects.filter(active=True).count()
    assert ConsentEvent.objects.count() == 3 + cells - 1
    assert ConsentEvent.objects.filter(granted=False).count() == cells
    assert state_of(pupil_a, "website", "photo") == State.REFUSED
    assert state_of(pupil_a, "nieuwsbrief", "audio") == State.REFUSED


def submitted(html: str) -> dict[str, str]:
    """What the browser sends for the rendered form: its hidden fields and checked radios."""
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    data.pop("csrfmiddlewaretoken", None)
    data.update(checked_radios(html))
    return data


def test_an_older_tab_does_not_undo_a_withdrawal_made_since(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(parent_a)
    older_tab = submitted(client.get(page(pupil_a)).content.decode())
    withdraw = reverse("consent:withdraw", args=[pupil_a.pk])
    client.post(withdraw, {"target": f"{purpose('website').pk}:photo"})
    older_tab[answer_field("pers", "audio")] = "no"  # the one answer changed in the older tab
    client.post(page(pupil_a), older_tab)
    assert state_of(pupil_a, "website", "photo") == State.REFUSED
    assert state_of(pupil_a, "pers", "audio") == State.REFUSED
    assert ConsentEvent.objects.count() == 3


def test_an_older_tab_still_saves_an_answer_changed_in_it(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", False)
    client = login(parent_a)
    older_tab = submitted(client.get(page(pupil_a)).content.decode())
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "photo", False)
    older_tab[answer_field("website", "photo")] = "yes"
    client.post(page(pupil_a), older_tab)
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_withdrawing_everything_leaves_no_channel_the_other_parents_yes_keeps_open(
    login, parent_a, pupil_a
):
    # the page promises: afterwards your answer is "no" everywhere, nothing new is published
    other = make_user("ouder2.a@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, other, "nieuwsbrief", "photo", True)  # never answered by parent_a
    client = login(parent_a)
    client.post(reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"})
    assert state_of(pupil_a, "website", "photo") == State.REFUSED
    assert state_of(pupil_a, "nieuwsbrief", "photo") == State.CONFLICT
    html = client.get(page(pupil_a)).content.decode()
    assert "Ingetrokken: 1 toestemming." in html
    assert all(value == "no" for _name, value in checked_radios(html))
    assert len(checked_radios(html)) == 3 * len(re.findall(r"<legend>", html))


def test_it_refuses_a_save_when_the_text_changed_meanwhile(login, parent_a, pupil_a, board):
    client = login(parent_a)
    data = form_data(client, pupil_a, **{answer_field("website", "photo"): "yes"})
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Changed.", kind="change_of_meaning"
    )
    client.post(page(pupil_a), data)
    assert ConsentEvent.objects.count() == 0


def test_it_saves_a_page_shown_before_the_board_added_a_channel(login, parent_a, pupil_a, board):
    client = login(parent_a)
    older = submitted(client.get(page(pupil_a)).content.decode())
    purpose_create(user=board, code="vlog", name="Vlog", text="Een vlog van de klas.")
    older[answer_field("website", "photo")] = "yes"
    client.post(page(pupil_a), older)
    assert state_of(pupil_a, "website", "photo") == State.GRANTED
    assert state_of(pupil_a, "vlog", "photo") == State.UNANSWERED


def test_it_refuses_an_answer_on_a_channel_whose_text_the_page_did_not_show(
    login, parent_a, pupil_a, board
):
    client = login(parent_a)
    older = submitted(client.get(page(pupil_a)).content.decode())
    purpose_create(user=board, code="vlog", name="Vlog", text="Een vlog van de klas.")
    older[answer_field("vlog", "photo")] = "yes"  # forged: the page had no such question
    client.post(page(pupil_a), older)
    assert ConsentEvent.objects.count() == 0


def test_it_rejects_an_invalid_answer_without_writing(login, parent_a, pupil_a):
    """A value the radios never send is refused as altered, a 400 (since 2026-12-07; it
    was a 200 with the form's error: test_child_form_tampered.py)."""
    client = login(parent_a)
    response = client.post(
        page(pupil_a), form_data(client, pupil_a, **{answer_field("website", "photo"): "maybe"})
    )
    assert response.status_code == 400
    assert "Het formulier is gewijzigd nadat de pagina werd getoond" in response.content.decode()
    assert ConsentEvent.objects.count() == 0


@pytest.fixture
def stepparent(pupil_a):
    user = make_user("stief@example.org", full_name="Stiefouder")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=False)
    return user


def test_it_shows_a_parent_without_gezag_the_choices_but_no_form(
    login, stepparent, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    response = login(stepparent).get(page(pupil_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="radio"' not in html
    assert "state--granted" in html


def test_it_ignores_a_post_from_a_parent_without_gezag(login, stepparent, pupil_a):
    client = login(stepparent)
    client.post(page(pupil_a), {answer_field("website", "photo"): "yes"})
    client.post(reverse("consent:withdraw", args=[pupil_a.pk]), {"target": "all"})
    assert ConsentEvent.objects.count() == 0


def test_it_is_404_to_change_another_familys_child(login, parent_a, pupil_b, parent_b):
    client = login(parent_a)
    assert client.post(page(pupil_b), {answer_field("website", "photo"): "yes"}).status_code == 404
    withdraw = reverse("consent:withdraw", args=[pupil_b.pk])
    assert client.post(withdraw, {"target": "all"}).status_code == 404
    assert ConsentEvent.objects.count() == 0


def test_it_shows_who_decided_when_and_how(login, parent_a, pupil_a, director_a):
    decide(pupil_a, parent_a, "pers", "photo", False, method="phone", recorded_by=director_a)
    other = make_user("ouder2.a@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "website", "photo", True)
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert "Directeur.A" in html
    assert "de andere ouder" in html
    assert "ouder2.a@example.org" not in html  # the other parent's address is not ours to show


def test_it_marks_a_purpose_asked_again_after_a_change_of_meaning(login, parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "website", "photo", True)
    purpose_version_publish(
        user=board,
        purpose=purpose("website"),
        text="A new meaning.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert html.count('class="purpose__again"') == 1


def test_it_does_not_ask_again_a_parent_who_never_answered_the_channel(
    login, parent_a, pupil_a, board
):
    decide(pupil_a, parent_a, "schoolgids", "photo", True)  # another channel only
    purpose_version_publish(
        user=board,
        purpose=purpose("website"),
        text="A new meaning.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    html = login(parent_a).get(page(pupil_a)).content.decode()
    assert 'class="purpose__again"' not in html


def test_it_links_each_child_from_the_parent_home(login, parent_a, pupil_a):
    html = login(parent_a).get(reverse("accounts:home_parent")).content.decode()
    assert page(pupil_a) in html


def test_it_lists_only_own_children(login, parent_a, pupil_a, pupil_b):
    html = login(parent_a).get(reverse("consent:my_children")).content.decode()
    assert page(pupil_a) in html
    assert page(pupil_b) not in html


@pytest.mark.parametrize("target", ["²:photo", "1²:video", "abc:photo", "1:x"])
def test_it_refuses_an_unknown_withdraw_target_and_changes_nothing(
    login, parent_a, pupil_a, target
):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(parent_a)
    client.raise_request_exception = False
    response = client.post(reverse("consent:withdraw", args=[pupil_a.pk]), {"target": target})
    assert response.status_code == 302
    assert ConsentEvent.objects.count() == 1
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_does_not_tell_a_parent_without_gezag_that_they_choose(
    login, stepparent, parent_a, pupil_a
):
    text = html_text(login(stepparent).get(page(pupil_a)))
    assert "Per kanaal kiest u" not in text
    assert "U kunt een ja altijd weer intrekken" not in text
    assert "de ouders met gezag" in text


def test_it_still_tells_a_parent_with_gezag_that_they_choose(login, parent_a, pupil_a):
    text = html_text(login(parent_a).get(page(pupil_a)))
    assert "Per kanaal kiest u ja of nee" in text


def test_it_does_not_ask_a_parent_without_gezag_of_a_child_who_left_to_answer_no(
    login, stepparent, pupil_a
):
    pupil_a.left_on = datetime.date(2026, 7, 10)
    pupil_a.save(update_fields=["left_on"])
    text = html_text(login(stepparent).get(page(pupil_a)))
    assert "als u nee antwoordt" not in text
    assert "als een ouder met gezag nee antwoordt" in text


def html_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_it_does_not_tell_a_parent_without_gezag_on_the_list_that_they_decide(
    login, stepparent, pupil_a
):
    pupil_a.left_on = datetime.date(2026, 7, 10)
    pupil_a.save(update_fields=["left_on"])
    text = html_text(login(stepparent).get(reverse("consent:my_children")))
    assert "U beslist per kanaal" not in text
    assert "U kunt de toestemming hier nog intrekken" not in text
    assert "zolang de toestemming van een ouder met gezag geldt" in text


def test_it_tells_a_parent_with_gezag_on_the_list_that_they_decide(login, parent_a, pupil_a):
    pupil_a.left_on = datetime.date(2026, 7, 10)
    pupil_a.save(update_fields=["left_on"])
    text = html_text(login(parent_a).get(reverse("consent:my_children")))
    assert "U beslist per kanaal" in text
    assert "U kunt de toestemming hier nog intrekken" in text


def test_it_says_on_the_list_which_child_awaits_the_yearly_review(
    login, parent_a, pupil_a, director_a
):
    # the review e-mail links to this list: it says where the one click is
    review_round_open(school=pupil_a.school, user=director_a)
    client = login(parent_a)
    assert REVIEW_DUE in html_text(client.get(reverse("consent:my_children")))
    client.post(reverse("consent:review_unchanged", args=[pupil_a.pk]))
    assert REVIEW_DUE not in html_text(client.get(reverse("consent:my_children")))


def test_it_asks_no_review_on_the_list_of_a_parent_without_gezag(
    login, stepparent, pupil_a, director_a
):
    review_round_open(school=pupil_a.school, user=director_a)
    assert REVIEW_DUE not in html_text(login(stepparent).get(reverse("consent:my_children")))


def test_it_asks_no_review_on_the_list_before_the_school_opens_it(login, parent_a, pupil_a):
    assert REVIEW_DUE not in html_text(login(parent_a).get(reverse("consent:my_children")))


REVIEW_DUE = "Kijk de keuzes voor Sem na voor"


def test_it_lists_children_with_gezag_and_review_in_one_query(
    login, parent_a, pupil_a, pupil_b, director_a, django_assert_num_queries
):
    Guardianship.objects.create(user=parent_a, pupil=pupil_b, has_parental_authority=False)
    review_round_open(school=pupil_a.school, user=director_a)
    client = login(parent_a)
    client.get(reverse("consent:my_children"))  # session and user into the cache
    # 1 the user, 2 their staff memberships (the menu), 3 the children with their school
    # and group, gezag and waiting review round (subqueries, no query per child); for the
    # open questions per child the parent decides for, as the reminder counts them
    # (consent.services.open_questions_per_child): 4 the channels, 5 the children's
    # gezag-holders, 6 their answers, each once for all the children
    with django_assert_num_queries(6):
        response = client.get(reverse("consent:my_children"))
    text = html_text(response)
    assert REVIEW_DUE in text
    assert "Kijk de keuzes voor Bram" not in text  # no gezag over Bram


def test_the_yearly_review_says_how_many_questions_unchanged_leaves_open(
    login, parent_a, pupil_a, director_a
):
    """ "Mijn keuzes zijn ongewijzigd" confirms the answers given; unanswered questions stay
    open (silence is never consent), which the review section says with their number."""
    review_round_open(school=pupil_a.school, user=director_a)
    client = login(parent_a)
    questions = Purpose.objects.filter(active=True).count() * 3
    decide(pupil_a, parent_a, "website", "photo", True)
    text = html_text(client.get(page(pupil_a)))
    assert f"U hebt {questions - 1} vragen nog niet beantwoord: die blijven na deze klik open" in (
        text
    )
    for code in Purpose.objects.filter(active=True).values_list("code", flat=True):
        for media in ("photo", "video", "audio"):
            decide(pupil_a, parent_a, code, media, False)
    decide(pupil_a, parent_a, "website", "photo", True)
    text = html_text(client.get(page(pupil_a)))
    assert "Mijn keuzes zijn ongewijzigd" in text and "nog niet beantwoord" not in text


def test_the_list_says_which_child_the_reminder_is_about(login, parent_a, pupil_a, pupil_b):
    """The reminder's link opens "Toestemming": each child with questions no parent with
    gezag answered says how many, by the reminder's own rule (a question the other parent
    answered is not open)."""
    Guardianship.objects.create(user=parent_a, pupil=pupil_b, has_parental_authority=True)
    questions = Purpose.objects.filter(active=True).count() * 3
    for code in Purpose.objects.filter(active=True).values_list("code", flat=True):
        for media in ("photo", "video", "audio"):
            decide(pupil_b, parent_a, code, media, False)
    other = Guardianship.objects.exclude(user=parent_a).filter(
        pupil=pupil_a, has_parental_authority=True
    ).first() or Guardianship.objects.create(
        user=make_user("ouder.twee@example.org"), pupil=pupil_a, has_parental_authority=True
    )
    decide(pupil_a, other.user, "website", "photo", True)
    text = html_text(login(parent_a).get(reverse("consent:my_children")))
    sem, bram = card_texts(text, pupil_a.full_name, pupil_b.full_name)
    assert f"{questions - 1} vragen staan nog open" in sem
    assert "staan nog open" not in bram and "staat nog open" not in bram


def card_texts(text: str, *names: str) -> list[str]:
    """The text of each named child's card: from its name to the next card's name."""
    starts = sorted(text.index(name) for name in names)
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    return [text[text.index(name) : ends[text.index(name)]] for name in names]


def test_the_list_counts_no_open_question_for_a_parent_without_gezag(login, stepparent):
    text = html_text(login(stepparent).get(reverse("consent:my_children")))
    assert "nog open" not in text


def test_the_history_says_an_answer_to_an_earlier_meaning_no_longer_counts(
    login, parent_a, pupil_a, board
):
    """After a change of meaning the history still lists the answer to the old text, as
    evidence; it says that answer no longer counts, or the parent takes it for current."""
    decide(pupil_a, parent_a, "website", "photo", True)
    purpose_version_publish(
        user=board,
        purpose=purpose("website"),
        text="A new meaning.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    client = login(parent_a)
    superseded = "tekstversie 1; telt niet meer: de betekenis van de tekst is daarna veranderd"
    assert superseded in html_text(client.get(page(pupil_a)))
    decide(pupil_a, parent_a, "website", "photo", False)
    text = html_text(client.get(page(pupil_a)))
    assert text.count(superseded) == 1  # the old answer; the new one is to version 2
    assert "(tekstversie 2)" in text


OTHER_LOST_GEZAG = "tekstversie 1; telt niet meer: de andere ouder heeft geen gezag meer"
YOU_LOST_GEZAG = "tekstversie 1; telt niet meer: u hebt geen gezag meer"


def _end_gezag(user, pupil, *, unlink=False):
    link = Guardianship.objects.get(user=user, pupil=pupil)
    if unlink:
        link.delete()  # as the admin does
    else:
        link.has_parental_authority = False
        link.save()


@pytest.mark.parametrize("unlink", [False, True])
def test_the_history_says_the_other_parents_answer_no_longer_counts_once_their_gezag_ended(
    login, parent_a, code_parent, pupil_a, unlink
):
    """The other parent said yes, then their gezag ended (or their link was removed): the
    rules no longer count that yes (the summary says not answered), but the history listed
    it as if it stood, and the remaining parent could not tell why."""
    decide(pupil_a, code_parent, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _end_gezag(code_parent, pupil_a, unlink=unlink)
    text = html_text(login(parent_a).get(page(pupil_a)))
    history = text.split("Geschiedenis")[-1]
    assert history.count(OTHER_LOST_GEZAG) == 1
    assert history.count("telt niet meer") == 1  # parent_a's own answer still counts
    assert "de andere ouder Website van de school (" + OTHER_LOST_GEZAG in history
    assert state_of(pupil_a, "website", "photo") == State.UNANSWERED


def test_the_history_tells_a_parent_whose_gezag_ended_their_answers_no_longer_count(
    login, parent_a, code_parent, pupil_a
):
    """Still linked, without gezag, the parent reads the child's page: their own earlier
    answers no longer count, the other parent's still do."""
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, code_parent, "pers", "video", True)
    _end_gezag(parent_a, pupil_a)
    history = html_text(login(parent_a).get(page(pupil_a))).split("Geschiedenis")[-1]
    assert history.count(YOU_LOST_GEZAG) == 1
    assert history.count("telt niet meer") == 1
    assert "u Website van de school (" + YOU_LOST_GEZAG in history


def test_the_history_gives_both_reasons_when_both_hold(
    login, parent_a, code_parent, pupil_a, board
):
    decide(pupil_a, code_parent, "website", "photo", True)
    purpose_version_publish(
        user=board,
        purpose=purpose("website"),
        text="A new meaning.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    _end_gezag(code_parent, pupil_a)
    history = html_text(login(parent_a).get(page(pupil_a))).split("Geschiedenis")[-1]
    assert (
        "tekstversie 1; telt niet meer: de andere ouder heeft geen gezag meer, en de betekenis"
        " van de tekst is daarna veranderd" in history
    )
