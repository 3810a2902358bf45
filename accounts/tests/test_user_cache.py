"""The session's user and memberships from the cache (accounts.user_cache): no query on a
warm request, and every change that matters for access counts from the next request."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import user_cache
from schools.importer import pupils_import
from schools.models import Guardianship, StaffMembership
from schools.tests.importfiles import csv_text, pupil_row

USER_ROW = 'FROM "accounts_user" WHERE "accounts_user"."id" ='
MEMBERSHIPS = 'FROM "schools_staffmembership" WHERE "schools_staffmembership"."user_id" ='
PARENT_ROLE = 'FROM "schools_guardianship" WHERE "schools_guardianship"."user_id" ='


def _expire_tombstone(user) -> None:
    """As a minute after the last change: the next request fills the cache."""
    cache.delete(user_cache._key(user.pk))


def _warm(client, user, url: str) -> None:
    _expire_tombstone(user)
    assert client.get(url).status_code == 200  # reads the database, fills the cache
    assert isinstance(cache.get(user_cache._key(user.pk)), tuple)


def _sql(queries) -> str:
    return "\n".join(q["sql"] for q in queries.captured_queries)


def test_it_reads_neither_the_user_nor_the_memberships_on_a_warm_request(login, teacher_a):
    client = login(teacher_a)
    url = reverse("accounts:home_teacher")
    _warm(client, teacher_a, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["user"] == teacher_a
    assert USER_ROW not in _sql(queries)
    assert MEMBERSHIPS not in _sql(queries)
    assert PARENT_ROLE not in _sql(queries)  # the menu's roles


def test_it_loads_a_cached_user_with_its_memberships_in_no_query(
    teacher_a, django_assert_num_queries
):
    _expire_tombstone(teacher_a)
    user_cache.load_user(teacher_a.pk)
    with django_assert_num_queries(0):
        user = user_cache.load_user(teacher_a.pk)
        roles = [m.role for m in user._opo_memberships]
    assert (user.pk, user.email, user.is_active) == (teacher_a.pk, teacher_a.email, True)
    assert roles == [StaffMembership.Role.TEACHER]
    assert user.get_session_auth_hash() == teacher_a.get_session_auth_hash()


def test_it_keeps_the_password_hash_out_of_the_cache(teacher_a):
    _expire_tombstone(teacher_a)
    user_cache.load_user(teacher_a.pk)
    entry = cache.get(user_cache._key(teacher_a.pk))
    assert teacher_a.password not in repr(entry)
    user = user_cache.load_user(teacher_a.pk)
    assert user.check_password("correct horse 42")  # read from the database when needed


def test_it_ends_the_session_at_once_when_the_password_changes(login, teacher_a):
    client = login(teacher_a)
    url = reverse("accounts:home_teacher")
    _warm(client, teacher_a, url)
    teacher_a.set_password("another horse 43")
    teacher_a.save()
    response = client.get(url)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_ends_the_session_at_once_when_the_user_is_deactivated(login, parent_a):
    client = login(parent_a)
    url = reverse("consent:my_children")
    _warm(client, parent_a, url)
    parent_a.is_active = False
    parent_a.save(update_fields=["is_active"])
    assert client.get(url).status_code == 302


def test_it_ends_the_session_at_once_when_the_user_is_deleted(login, parent_a):
    client = login(parent_a)
    url = reverse("consent:my_children")
    _warm(client, parent_a, url)
    parent_a.delete()
    assert client.get(url).status_code == 302


def test_it_takes_a_removed_role_away_at_once(login, teacher_a, group_a1):
    client = login(teacher_a)
    url = reverse("consent:group", args=[group_a1.pk])
    _warm(client, teacher_a, url)
    StaffMembership.objects.filter(user=teacher_a).delete()
    assert client.get(url).status_code == 404


def test_it_gives_a_new_role_at_once(login, teacher_a, school_a):
    client = login(teacher_a)
    url = reverse("accounts:home_director")
    _warm(client, teacher_a, reverse("accounts:home_teacher"))
    assert client.get(url).status_code != 200
    StaffMembership.objects.create(user=teacher_a, role="director", school=school_a)
    assert client.get(url).status_code == 200


def test_it_forgets_both_users_when_a_membership_moves(teacher_a, outsider):
    for user in (teacher_a, outsider):
        _expire_tombstone(user)
        user_cache.load_user(user.pk)
    membership = StaffMembership.objects.get(user=teacher_a)
    membership.user = outsider
    membership.save()
    assert cache.get(user_cache._key(teacher_a.pk)) == user_cache.TOMBSTONE
    assert cache.get(user_cache._key(outsider.pk)) == user_cache.TOMBSTONE


def test_it_does_not_fill_over_a_tombstone(teacher_a, django_assert_num_queries):
    # A request that read the database before a change must not cache what it read: after
    # a change, readers go to the database and leave the tombstone in place.
    user_cache.forget_user(teacher_a.pk)
    for _ in range(2):
        with django_assert_num_queries(2):  # the user row (with: any guardianship?), memberships
            user_cache.load_user(teacher_a.pk)
    assert cache.get(user_cache._key(teacher_a.pk)) == user_cache.TOMBSTONE


def test_it_does_not_use_an_entry_made_with_another_secret_key(
    settings, teacher_a, django_assert_num_queries
):
    _expire_tombstone(teacher_a)
    user_cache.load_user(teacher_a.pk)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with django_assert_num_queries(2):
        user = user_cache.load_user(teacher_a.pk)
    assert user.get_session_auth_hash() == teacher_a.get_session_auth_hash()


def test_it_reads_the_database_every_time_when_turned_off(
    settings, teacher_a, django_assert_num_queries
):
    settings.USER_CACHE_SECONDS = 0
    _expire_tombstone(teacher_a)
    for _ in range(2):
        with django_assert_num_queries(2):
            user_cache.load_user(teacher_a.pk)
    assert cache.get(user_cache._key(teacher_a.pk)) is None


def test_it_gives_the_parent_role_at_once(login, teacher_a, pupil_a):
    client = login(teacher_a)
    _warm(client, teacher_a, reverse("accounts:home_teacher"))
    assert user_cache.load_user(teacher_a.pk)._opo_is_parent is False
    Guardianship.objects.create(user=teacher_a, pupil=pupil_a, has_parental_authority=True)
    assert user_cache.load_user(teacher_a.pk)._opo_is_parent is True
    response = client.get(reverse("accounts:home_teacher"))
    assert "consent:my_children" in {item["name"] for item in response.context["nav_items"]}


def test_it_takes_the_parent_role_away_at_once(parent_a):
    _expire_tombstone(parent_a)
    assert user_cache.load_user(parent_a.pk)._opo_is_parent is True
    Guardianship.objects.filter(user=parent_a).delete()
    assert user_cache.load_user(parent_a.pk)._opo_is_parent is False


def test_it_forgets_a_user_the_pupil_import_links_to_a_child(school_a, teacher_a):
    _expire_tombstone(teacher_a)
    user_cache.load_user(teacher_a.pk)
    parent = ("Juf A", teacher_a.email, "ja")
    pupils_import(school=school_a, text=csv_text([pupil_row(parent1=parent)]))
    assert cache.get(user_cache._key(teacher_a.pk)) == user_cache.TOMBSTONE
    assert user_cache.load_user(teacher_a.pk)._opo_is_parent is True
