"""Publishing: a new version e-mails staff once; a correction keeps the confirmations."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from outbox.services import duties_sweep
from policy import services
from policy.models import Acknowledgement, ProtocolVersion, Release
from policy.tests.conftest import publish_form


def _draft(board, *, anchor="communiceren-2", text="Tekst met een verbeterde spelling."):
    draft = services.version_draft_start(by=board)
    services.article_update(article=draft.articles.get(anchor=anchor), text=text)
    services.version_update_summary(version=draft, summary="Spelling verbeterd.")
    return draft


def _publish_page(client, draft, kind):
    return client.post(
        reverse("policy:draft_publish", args=[draft.number]), publish_form(draft.number, kind)
    )


def test_it_emails_every_staff_member_once_when_a_new_version_is_published(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    v1,
    board,
    teacher_a,
    director_a,
    parent_a,
):
    draft = _draft(board)
    with django_capture_on_commit_callbacks(execute=True):
        _publish_page(login(board), draft, "revision")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([board.email, teacher_a.email, director_a.email])
    assert parent_a.email not in recipients
    duties_sweep()  # what is still pending: nothing, so nothing is sent twice
    assert len(mail.outbox) == 3
    draft.release.refresh_from_db()
    assert draft.release.staff_emailed_at is not None
    assert "versie 2" in mail.outbox[0].subject
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3  # one per duty


def test_it_keeps_confirmations_for_a_correction_and_emails_nobody(
    eager_tasks, django_capture_on_commit_callbacks, login, v1, board, teacher_a, director_a
):
    services.acknowledgement_record(user=teacher_a, version=v1)
    draft = _draft(board)
    with django_capture_on_commit_callbacks(execute=True):
        response = _publish_page(login(board), draft, "correction")
    assert response.url == reverse("policy:current")
    assert mail.outbox == []
    v2 = ProtocolVersion.objects.current()
    assert v2.number == 2 and v2.release.kind == Release.Kind.CORRECTION
    kept = Acknowledgement.objects.get(version=v2)
    assert (kept.user, kept.carried_from) == (teacher_a, v1)
    page = login(director_a).get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    assert page.context["staff_confirmed"] == 1


def test_it_carries_the_version_actually_read_through_two_corrections(v1, board, teacher_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    services.version_publish(version=_draft(board), by=board, kind="correction")
    v3 = services.version_publish(
        version=_draft(board, text="Nog een spelfout eruit."), by=board, kind="correction"
    )
    assert Acknowledgement.objects.get(version=v3).carried_from == v1


def test_it_asks_everyone_again_after_a_new_version(v1, board, teacher_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    v2 = services.version_publish(version=_draft(board), by=board, kind="revision")
    assert not Acknowledgement.objects.filter(version=v2).exists()


def test_it_refuses_an_unknown_kind_and_publishes_nothing(login, v1, board):
    draft = _draft(board)
    response = login(board).post(
        reverse("policy:draft_publish", args=[draft.number]), {"kind": "x"}, follow=True
    )
    assert "message--error" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.parametrize(("anchor", "label"), [("communiceren-2", "Communiceren 2 bewerken")])
def test_it_labels_edit_buttons_by_article(login, v1, board, anchor, label):
    draft = services.version_draft_start(by=board)
    html = login(board).get(reverse("policy:draft_edit", args=[draft.number])).content.decode()
    assert label in html
    assert "communiceren-2 bewerken" not in html


def test_it_names_the_version_actually_read_after_a_correction(login, v1, board, teacher_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    services.version_publish(version=_draft(board), by=board, kind="correction")
    html = login(teacher_a).get(reverse("policy:current")).content.decode()
    assert "dat u versie 1 hebt gelezen" in html
    assert "dat u versie 2 hebt gelezen" not in html  # never read, only corrected


@pytest.mark.parametrize("change", ["add", "remove"])
def test_it_refuses_a_correction_that_adds_or_removes_an_article(
    login, v1, board, teacher_a, change
):
    """A new article (or one gone) is more than spelling: everyone must read it again."""
    services.acknowledgement_record(user=teacher_a, version=v1)
    draft = _draft(board)
    leren = draft.sections.get(slug="leren")
    if change == "add":
        services.article_add(section=leren, text="Een nieuwe afspraak over het leren.")
    else:
        services.article_remove(article=leren.articles.get(anchor="leren-4"))

    response = _publish_page(login(board), draft, "correction")

    assert response.url == reverse("policy:draft_preview", args=[draft.number])
    page = login(board).get(response.url).content.decode()
    assert "Een correctie verbetert alleen de spelling" in page
    draft.refresh_from_db()
    assert not draft.is_published
    assert not Acknowledgement.objects.filter(version=draft).exists()


def test_the_email_links_to_where_one_confirms_having_read_it(
    eager_tasks, django_capture_on_commit_callbacks, v1, board
):
    draft = _draft(board)
    with django_capture_on_commit_callbacks(execute=True):
        services.version_publish(version=draft, by=board)
    [email] = mail.outbox
    confirm_form = settings.SITE_URL + reverse("policy:current") + "#bevestigen"
    assert confirm_form in email.body.split()


def _diff_links(body: str) -> list[str]:
    return [word for word in body.split() if "/protocol/verschil/" in word]


def test_the_email_links_to_what_changed_since_the_version_the_reader_read(
    eager_tasks, django_capture_on_commit_callbacks, login, v1, board, teacher_a, director_a
):
    """The e-mail said only the summary: no way to the changes, article by article."""
    services.acknowledgement_record(user=teacher_a, version=v1)
    with django_capture_on_commit_callbacks(execute=True):  # v2 corrects v1: nobody e-mailed
        _publish_page(login(board), _draft(board), "correction")
    services.acknowledgement_record(user=director_a, version=ProtocolVersion.objects.current())
    draft = _draft(board, anchor="leren-1", text="Een nieuwe tekst.")
    with django_capture_on_commit_callbacks(execute=True):
        _publish_page(login(board), draft, "revision")

    body = {m.to[0]: m.body for m in mail.outbox}
    diff = settings.SITE_URL + "/protocol/verschil/{}/3/"
    assert _diff_links(body[teacher_a.email]) == [diff.format(1)]  # read 1; 2 kept it
    assert _diff_links(body[director_a.email]) == [diff.format(2)]  # confirmed 2 itself
    assert _diff_links(body[board.email]) == [diff.format(2)]  # never read: the one before
    assert "Alle wijzigingen sinds versie 1, artikel voor artikel:" in body[teacher_a.email]
    assert login(teacher_a).get(reverse("policy:diff", args=[1, 3])).status_code == 200


def test_it_sends_no_publication_email_to_someone_who_confirmed_or_left_since(
    eager_tasks, v1, board, teacher_a, other_teacher, director_a
):
    """The e-mails wait in the outbox (an SMTP outage); meanwhile one teacher confirmed
    version 2 and another left the school. Until 2026-12-07 both were still asked to read
    it."""
    v2 = services.version_publish(version=_draft(board), by=board)
    services.acknowledgement_record(user=teacher_a, version=v2)
    other_teacher.memberships.all().delete()
    duties_sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([board.email, director_a.email])


def test_it_sends_no_publication_email_of_a_version_a_new_version_replaced(
    eager_tasks, v1, board, teacher_a
):
    services.version_publish(version=_draft(board), by=board)
    services.version_publish(version=_draft(board, text="Weer anders."), by=board)
    duties_sweep()
    assert all("versie 3" in m.subject for m in mail.outbox)
    assert len(mail.outbox) == 2  # board and teacher_a, once each
