"""A post a teacher reports reaches someone: with "what it is about" a complaint opens a
case for the director even when the classifier reads nothing in it, and the reporter is
told what became of the report."""

import pytest
from django.urls import reverse

from monitoring.models import Flag, FollowUp, Mention, Post

pytestmark = pytest.mark.django_db

QUIET = "Zag de foto's van gisteren bij het hek staan, zegt genoeg."
CASE_SENTENCE = "Het hoort bij een casus voor de directeur van de school"
NO_CASE_SENTENCE = "Het portaal zag geen reden voor een casus"


def _report(client, school, text, category=None):
    data = {"school": school.pk, "url": "https://social.example/p/1", "text": text}
    if category is not None:
        data["category"] = category
    return client.post(reverse("monitoring:report_post"), data, follow=True)


def test_a_complaint_the_classifier_misses_opens_a_case_the_director_sees(
    login, teacher_a, director_a, school_a
):
    page = _report(login(teacher_a), school_a, QUIET, "negative_experience").content.decode()
    assert CASE_SENTENCE in page
    case = FollowUp.objects.get(school=school_a)
    assert case.is_open
    flag = Flag.objects.get(followup=case)
    assert (flag.category, flag.marked_by) == ("negative_experience", teacher_a)
    home = login(director_a).get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in home


def test_without_a_category_and_without_a_signal_the_reporter_is_told_so(
    login, teacher_a, school_a
):
    page = _report(login(teacher_a), school_a, QUIET).content.decode()
    assert "Dank u wel. Het bericht is aan de monitoring toegevoegd." in page
    assert NO_CASE_SENTENCE in page
    assert FollowUp.objects.count() == 0
    assert Post.objects.get().reported_by == teacher_a


def test_without_a_category_the_classifier_still_decides(login, teacher_a, director_a, school_a):
    text = "De Vlindertuin sluit volgend jaar, las ik. Klopt dat?"
    page = _report(login(teacher_a), school_a, text).content.decode()
    assert CASE_SENTENCE in page
    assert FollowUp.objects.filter(school=school_a).count() == 1


def test_a_positive_report_opens_no_case(login, teacher_a, school_a):
    page = _report(login(teacher_a), school_a, QUIET, "positive").content.decode()
    assert NO_CASE_SENTENCE in page
    assert Flag.objects.get().category == "positive"
    assert FollowUp.objects.count() == 0


def test_an_unknown_category_is_a_form_error_and_stores_nothing(login, teacher_a, school_a):
    response = _report(login(teacher_a), school_a, QUIET, "spam")
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert Post.objects.count() == 0


def test_the_form_asks_what_it_is_about_with_its_help_text(login, teacher_a):
    page = login(teacher_a).get(reverse("monitoring:report_post")).content.decode()
    assert "Waar het over gaat" in page
    assert "Weet ik niet: laat het portaal het beoordelen" in page
    assert 'aria-describedby="id_category_helptext"' in page


ABOUT_ZWANENHOF = "Op Het Zwanenhof is het echt een puinhoop, ik ben boos"


def test_a_complaint_reported_for_one_school_that_names_another_reaches_both(
    login, teacher_a, director_a, school_a, school_b
):
    # it was a 500 ("This post does not mention this school") and stored nothing
    response = _report(login(teacher_a), school_a, ABOUT_ZWANENHOF, "negative_experience")
    assert response.status_code == 200
    assert CASE_SENTENCE in response.content.decode()
    assert FollowUp.objects.filter(school=school_a).get().is_open
    assert set(Mention.objects.values_list("school__code", flat=True)) == {
        school_a.code,
        school_b.code,
    }


def test_a_report_that_names_another_school_is_among_the_reported_school_mentions(
    login, teacher_a, director_a, school_a, school_b
):
    page = _report(login(teacher_a), school_a, ABOUT_ZWANENHOF).content.decode()
    assert "de directeur van de school ziet het bericht bij de vermeldingen" in page
    post = Post.objects.get()
    mentions = login(director_a).get(reverse("monitoring:mentions", args=[school_a.code]))
    assert f'id="post-{post.pk}"' in mentions.content.decode()


BOARD_CASE_SENTENCE = "Het hoort bij een casus voor het bestuur, dat het persoonlijk opvolgt"


def test_at_a_school_without_director_the_reporter_is_told_the_board_follows_it_up(
    login, teacher_a, school_a, board
):
    # the reporter read that "the school's director" would follow it up: there is none
    page = _report(login(teacher_a), school_a, QUIET, "negative_experience").content.decode()
    assert BOARD_CASE_SENTENCE in page and CASE_SENTENCE not in page
    case = FollowUp.objects.get(school=school_a)
    home = login(board).get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in home


def test_at_a_school_without_director_a_report_without_a_case_names_the_board(
    login, teacher_a, school_a, board
):
    page = _report(login(teacher_a), school_a, QUIET).content.decode()
    assert "het bestuur, dat voor de school opkomt zolang die geen directeur heeft" in page
    assert NO_CASE_SENTENCE in page
