"""A post a teacher reports reaches someone: with "what it is about" a complaint opens a
case for the director even when the classifier reads nothing in it, and the reporter is
told what became of the report."""

import pytest
from django.urls import reverse

from monitoring.models import Flag, FollowUp, Mention, Post

pytestmark = pytest.mark.django_db

QUIET = "Zag de foto's van gisteren bij het hek staan, zegt genoeg."
CASE_SENTENCE = "Het hoort bij een zaak voor de directeur van de school"
NO_CASE_SENTENCE = "Het portaal zag geen reden voor een zaak"


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


# --- The same post reported twice: one post, one mention; the second reporter is told ------

ALREADY_SENTENCE = "Dit bericht was al gemeld of gevonden op"
COMPLAINT = "Weer niks gehoord van De Vlindertuin over de overblijf. Belachelijk geregeld."


def _report_at(client, school, url, text, category=""):
    data = {"school": school.pk, "url": url, "text": text, "category": category}
    return client.post(reverse("monitoring:report_post"), data, follow=True).content.decode()


def test_a_post_reported_twice_is_one_post_and_one_mention(login, teacher_a, director_a, school_a):
    _report_at(login(teacher_a), school_a, "https://social.example/@ouder/1", COMPLAINT)
    # the same address with a trailing slash and a fragment, pasted by someone else
    page = _report_at(
        login(director_a), school_a, "https://social.example/@ouder/1/#reacties", COMPLAINT
    )
    assert ALREADY_SENTENCE in page
    assert "er is geen tweede melding van gemaakt" in page
    assert Post.objects.count() == 1
    assert Mention.objects.filter(school=school_a).count() == 1
    mentions = login(director_a).get(reverse("monitoring:mentions", args=[school_a.code]))
    assert mentions.content.decode().count('class="mon-post"') == 1


def test_the_second_reporters_category_is_recorded_on_the_one_post(
    login, teacher_a, director_a, school_a
):
    url = "https://social.example/@ouder/2"
    _report_at(login(teacher_a), school_a, url, QUIET)
    assert FollowUp.objects.count() == 0
    page = _report_at(login(director_a), school_a, url, QUIET, "negative_experience")
    assert ALREADY_SENTENCE in page
    assert "Uw keuze ‘negatieve ervaring’ is aan het bericht toegevoegd." in page
    assert CASE_SENTENCE in page
    flag = Flag.objects.get()
    assert (flag.post, flag.marked_by, flag.followup.school) == (
        Post.objects.get(),
        director_a,
        school_a,
    )


def test_a_fetched_post_that_staff_report_is_not_stored_again(login, teacher_a, school_a):
    from monitoring.models import Source
    from monitoring.services import posts_classify
    from monitoring.tests.helpers import make_post, make_source

    source = make_source(kind=Source.Kind.MASTODON, url="https://social.example/tags/x")
    fetched = make_post(source, text=COMPLAINT, url="https://social.example/@ouder/3")
    posts_classify(posts=[fetched], now=fetched.fetched_at)
    assert Mention.objects.filter(post=fetched, school=school_a).exists()
    page = _report_at(login(teacher_a), school_a, "https://social.example/@ouder/3", COMPLAINT)
    assert ALREADY_SENTENCE in page
    assert list(Post.objects.all()) == [fetched]


def test_a_fetched_post_the_classifier_missed_gets_the_reported_schools_mention(
    login, teacher_a, school_a
):
    from monitoring.models import Source
    from monitoring.tests.helpers import make_post, make_source

    source = make_source(kind=Source.Kind.RSS, url="https://nieuws.example/feed.rss")
    fetched = make_post(source, text=QUIET, url="https://nieuws.example/artikel/4")
    page = _report_at(login(teacher_a), school_a, fetched.url, QUIET, "privacy")
    assert ALREADY_SENTENCE in page
    assert list(Post.objects.all()) == [fetched]
    assert Flag.objects.get(post=fetched, school=school_a).marked_by == teacher_a


def test_two_different_posts_stay_two_reports(login, teacher_a, school_a):
    _report_at(login(teacher_a), school_a, "https://social.example/@ouder/5", COMPLAINT)
    page = _report_at(login(teacher_a), school_a, "https://social.example/@ouder/6", COMPLAINT)
    assert ALREADY_SENTENCE not in page
    assert Post.objects.count() == 2


def test_a_second_report_that_says_it_shows_pupils_classifies_the_post_again(
    login, teacher_a, director_a, school_a
):
    url = "https://social.example/@ouder/7"
    text = "Groep 4 van De Vlindertuin bij de kinderboerderij, hier de foto van de hele klas 📸"
    client = login(teacher_a)
    client.post(
        reverse("monitoring:report_post"), {"school": school_a.pk, "url": url, "text": text}
    )
    assert not Flag.objects.exists()
    data = {"school": school_a.pk, "url": url, "text": text, "has_media": "on"}
    page = login(director_a).post(reverse("monitoring:report_post"), data, follow=True)
    assert ALREADY_SENTENCE in page.content.decode()
    post = Post.objects.get()
    assert post.has_media
    flag = Flag.objects.get(post=post, school=school_a)
    assert flag.category == "privacy" and flag.followup.is_open


def test_a_fetched_post_that_names_no_school_is_read_as_about_the_reported_school(
    login, teacher_a, director_a, school_a
):
    # a local news item that names no school: the staff report says which one it is about,
    # as a fresh report always did
    from monitoring.models import Source
    from monitoring.tests.helpers import make_post, make_source

    source = make_source(kind=Source.Kind.RSS, url="https://nieuws.example/feed.rss")
    text = "Weer geen juf voor groep 5 en niemand laat de ouders iets weten. Belachelijk."
    fetched = make_post(source, text=text, url="https://nieuws.example/artikel/8")
    page = _report_at(login(teacher_a), school_a, fetched.url, text)
    assert CASE_SENTENCE in page
    flag = Flag.objects.get(post=fetched, school=school_a)
    assert flag.category == "negative_experience" and flag.marked_by is None


BOARD_CASE_SENTENCE = "Het hoort bij een zaak voor het bestuur, dat het persoonlijk opvolgt"


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


def test_the_help_text_names_the_board_for_a_school_without_director(login, teacher_a, school_a):
    """The form promised "a case for the school's director" before sending, also to a
    teacher of a school that has none (the board follows such a case up)."""
    page = " ".join(
        login(teacher_a).get(reverse("monitoring:report_post")).content.decode().split()
    )
    assert (
        "opent een zaak voor de directeur van de school (bij een school zonder directeur: "
        "het bestuur)" in page
    )


NOBODY_SENTENCE = "de school heeft geen directeur en de stichting geen bestuurslid in het portaal"


def test_at_a_school_without_director_or_board_the_reporter_is_not_promised_the_board(
    login, teacher_a, school_a
):
    """Nobody answers for the school (no director, no board member: ops.health alerts on
    the case): the reporter read that the board would follow it up, and did nothing more."""
    page = " ".join(
        _report(login(teacher_a), school_a, QUIET, "negative_experience").content.decode().split()
    )
    assert FollowUp.objects.get(school=school_a).assigned_to is None
    assert BOARD_CASE_SENTENCE not in page and CASE_SENTENCE not in page
    assert NOBODY_SENTENCE in page
    assert "Meld het daarom ook zelf bij het bestuursbureau van de stichting." in page


def test_at_a_school_without_director_or_board_a_report_without_a_case_says_so_too(
    login, teacher_a, school_a
):
    page = " ".join(_report(login(teacher_a), school_a, QUIET).content.decode().split())
    assert NO_CASE_SENTENCE in page and "het bestuur, dat voor de school opkomt" not in page
    assert NOBODY_SENTENCE in page
