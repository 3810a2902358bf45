"""A reader asked to read a new version sees what changed since the version they read."""

import pytest
from django.urls import reverse

from policy import services
from policy.tests.conftest import edit_one_article, publish_new_version


def _correction(board):
    draft = services.version_draft_start(by=board)
    edit_one_article(draft)
    services.version_update_summary(version=draft, summary="Spelling.")
    return services.version_publish(version=draft, by=board, kind="correction")


def _page(client) -> str:
    return client.get(reverse("policy:current")).content.decode()


@pytest.mark.parametrize("cast_member", ["teacher_a", "parent_a"])
def test_it_shows_what_changed_since_the_version_the_reader_confirmed(
    request, v1, login, board, cast_member
):
    user = request.getfixturevalue(cast_member)
    services.acknowledgement_record(user=user, version=v1)
    publish_new_version(board)

    page = _page(login(user))

    assert f'action="{reverse("policy:confirm")}"' in page  # asked again
    assert f'href="{reverse("policy:diff", args=[1, 2])}"' in page
    assert "U hebt versie 1 gelezen op" in page


def test_it_compares_with_the_version_read_when_a_correction_kept_the_confirmation(
    v1, login, board, teacher_a
):
    services.acknowledgement_record(user=teacher_a, version=v1)
    _correction(board)  # version 2: teacher_a's confirmation of version 1 is kept
    publish_new_version(board, change={"communiceren-2": "Nieuwe tekst."})  # version 3

    page = _page(login(teacher_a))

    assert f'href="{reverse("policy:diff", args=[1, 3])}"' in page
    assert f'href="{reverse("policy:diff", args=[2, 3])}"' not in page


def test_it_links_no_changes_for_someone_who_never_confirmed(v1, login, board, teacher_a):
    publish_new_version(board)
    page = _page(login(teacher_a))
    assert reverse("policy:diff", args=[1, 2]) not in page


def test_it_links_no_changes_once_the_current_version_is_confirmed(v1, login, board, teacher_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    v2 = publish_new_version(board)
    services.acknowledgement_record(user=teacher_a, version=v2)
    page = _page(login(teacher_a))
    assert reverse("policy:diff", args=[1, 2]) not in page
    assert "U hebt op" in page


@pytest.mark.parametrize("earlier", [False, True])
def test_it_reads_the_page_for_a_reader_in_the_same_queries(
    v1, login, board, teacher_a, earlier, django_assert_num_queries
):
    if earlier:
        services.acknowledgement_record(user=teacher_a, version=v1)
    publish_new_version(board)
    client = login(teacher_a)
    client.get(reverse("policy:current"))  # the session and login are read once anyway
    # 1. user  2. memberships (a staff member may confirm)  3. current version  4. the
    # reader's latest confirmation, with the version they read  5. sections  6. articles
    # 7. page scalars (banner, menu)
    with django_assert_num_queries(7):
        client.get(reverse("policy:current"))
