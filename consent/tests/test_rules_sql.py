"""The rules' reads written out in SQL (consent.rules) answer what their ORM forms answer."""

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from conftest import make_user, require_service
from consent.models import ConsentEvent, Purpose, PurposeVersion
from consent.rules import (
    CHILD_PURPOSE_INFOS_SQL,
    DECISIONS_SQL,
    GEZAG_HOLDERS_SQL,
    PURPOSE_FIELDS,
    PURPOSE_INFOS_SQL,
    VERSION_FIELDS,
    _fetch,
    cell_states,
    child_purpose_info_rows_orm,
    child_purpose_infos,
    consent_table,
    decision_rows_orm,
    gezag_holder_rows_orm,
    meaning_baseline,
    purpose_info_rows_orm,
    purpose_infos,
)
from consent.services import (
    publication_check_adjust,
    publication_check_create,
    purpose_version_publish,
)
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship


@pytest.fixture
def postgres(db):
    """The SQL is PostgreSQL's; other databases read through the ORM forms (rules._rows)."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def orm_purpose_infos(codes=None):
    """consent.rules.purpose_infos as it was built with the ORM."""
    versions = PurposeVersion.objects.select_related("purpose").order_by(
        "purpose__ordering", "purpose__code", "number"
    )
    if codes is None:
        versions = versions.filter(purpose__active=True)
    else:
        versions = versions.filter(purpose__code__in=codes)
    by_purpose = {}
    for version in versions:
        by_purpose.setdefault(version.purpose_id, []).append(version)
    return [
        (
            model_to_dict(items[-1].purpose),
            model_to_dict(items[-1]),
            meaning_baseline((v.number, v.kind) for v in items),
        )
        for items in by_purpose.values()
    ]


def as_dicts(infos):
    return [(model_to_dict(i.purpose), model_to_dict(i.current_version), i.baseline) for i in infos]


def test_it_reads_every_field_of_both_models():
    assert [f.attname for f in Purpose._meta.concrete_fields] == PURPOSE_FIELDS
    assert [f.attname for f in PurposeVersion._meta.concrete_fields] == VERSION_FIELDS


def test_it_reads_purposes_as_the_orm_query_would(board):
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Nieuwe tekst.", kind="change_of_meaning"
    )
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Nieuwe tekst!", kind="correction"
    )
    Purpose.objects.filter(code="nieuwsbrief").update(active=False)
    assert as_dicts(purpose_infos()) == orm_purpose_infos()
    assert "nieuwsbrief" not in {i.purpose.code for i in purpose_infos()}
    codes = ["nieuwsbrief", "website"]
    assert as_dicts(purpose_infos(codes=codes)) == orm_purpose_infos(codes)
    assert [i.purpose.code for i in purpose_infos(codes=codes)] == [
        d[0]["code"] for d in orm_purpose_infos(codes)
    ]
    assert purpose_infos(codes=[]) == []
    website = next(i for i in purpose_infos() if i.purpose.code == "website")
    assert website.current_version.purpose is website.purpose
    assert website.baseline == website.current_version.number - 1


def test_its_purpose_sql_reads_the_rows_of_its_orm_form(postgres, board):
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Nieuwe tekst.", kind="change_of_meaning"
    )
    Purpose.objects.filter(code="nieuwsbrief").update(active=False)
    codes = ["nieuwsbrief", "website"]
    for params in ([False, [], True, []], [False, codes, False, codes], [True, [], True, []]):
        found = _fetch(PURPOSE_INFOS_SQL, params)
        assert found and found == list(purpose_info_rows_orm(*params))


def test_it_reads_retired_purposes_when_asked(board):
    Purpose.objects.filter(code="nieuwsbrief").update(active=False)
    assert as_dicts(purpose_infos(retired=True)) == orm_purpose_infos(
        list(Purpose.objects.values_list("code", flat=True))
    )
    assert "nieuwsbrief" in {i.purpose.code for i in purpose_infos(retired=True)}


def test_it_reads_where_a_child_still_appears_on_retired_channels(
    director_a, parent_a, pupil_a, pupil_a2
):
    """Social media: Sem appears (counted). Press: replaced by a check that leaves him out.
    Parent app: already taken down. Newsletter: only Roos appears. Website: active, so
    nothing to say. Every purpose is read, retired ones too."""

    def check(code, pupils, media="photo"):
        return publication_check_create(
            user=director_a, purpose=purpose(code), media_type=media, pupils=pupils
        )

    check("sociale-media", [pupil_a])
    publication_check_adjust(
        user=director_a, check=check("pers", [pupil_a]), appearances={pupil_a.pk: "left_out"}
    )
    decide(pupil_a, parent_a, "ouderapp", "photo", True)
    check("ouderapp", [pupil_a])
    decide(pupil_a, parent_a, "ouderapp", "photo", False)
    check("nieuwsbrief", [pupil_a2])
    check("website", [pupil_a])
    codes = ["sociale-media", "pers", "ouderapp", "nieuwsbrief"]
    Purpose.objects.filter(code__in=codes).update(active=False)
    infos, appearing = child_purpose_infos(pupil_a.pk)
    assert appearing == {purpose("sociale-media").pk}
    assert {i.purpose.code for i in infos} == set(Purpose.objects.values_list("code", flat=True))
    assert as_dicts(infos) == orm_purpose_infos(
        list(Purpose.objects.values_list("code", flat=True))
    )
    for pupil in (pupil_a, pupil_a2):
        rows = list(child_purpose_info_rows_orm(pupil.pk))
        if connection.vendor == "postgresql":
            assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil.pk, pupil.pk]) == rows
    assert child_purpose_infos(pupil_a2.pk)[1] == {purpose("nieuwsbrief").pk}


def test_it_reads_holders_and_decisions_as_the_orm_queries_would(
    postgres, parent_a, pupil_a, pupil_a2, pupil_b, parent_b
):
    second = make_user("ouder.a2@example.org")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=False)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "video", False)
    decide(pupil_a, parent_a, "website", "photo", False)
    decide(pupil_b, parent_b, "nieuwsbrief", "audio", True)
    pupils = [pupil_a.pk, pupil_a2.pk, pupil_b.pk]
    holders = Guardianship.objects.filter(pupil_id__in=pupils, has_parental_authority=True)
    assert sorted(_fetch(GEZAG_HOLDERS_SQL, [pupils])) == sorted(
        holders.values_list("pupil_id", "user_id")
    )
    assert sorted(gezag_holder_rows_orm(pupils)) == sorted(_fetch(GEZAG_HOLDERS_SQL, [pupils]))
    purposes = [purpose("website").pk, purpose("nieuwsbrief").pk]
    for media in (["photo"], ["photo", "video", "audio"]):
        events = ConsentEvent.objects.filter(
            pupil_id__in=pupils, purpose_id__in=purposes, media_type__in=media
        ).values_list(
            "pupil_id",
            "purpose_id",
            "media_type",
            "guardian_id",
            "purpose_version__number",
            "granted",
            "created_at",
            "id",
        )
        found = _fetch(DECISIONS_SQL, [pupils, purposes, media])
        assert found and sorted(found) == sorted(events)
        assert sorted(decision_rows_orm(pupils, purposes, media)) == sorted(found)


def test_it_gives_the_cell_states_consent_table_gives(
    board, parent_a, pupil_a, pupil_a2, pupil_b, parent_b
):
    second = make_user("ouder.a2@example.org")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    stepparent = make_user("stief.a@example.org")
    Guardianship.objects.create(user=stepparent, pupil=pupil_a, has_parental_authority=False)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, second, "website", "photo", False)  # conflict
    decide(pupil_a, parent_a, "website", "video", False)
    decide(pupil_a, parent_a, "website", "video", True)  # the later answer counts
    decide(pupil_a, parent_a, "pers", "photo", True)
    purpose_version_publish(
        user=board, purpose=purpose("pers"), text="Nieuwe betekenis.", kind="change_of_meaning"
    )
    decide(pupil_a, parent_a, "nieuwsbrief", "audio", True)
    purpose_version_publish(
        user=board, purpose=purpose("nieuwsbrief"), text="Verbeterd.", kind="correction"
    )
    decide(pupil_b, parent_b, "nieuwsbrief", "audio", True)
    pupil_b.not_in_picture = True
    pupil_b.save()
    infos = purpose_infos()
    for media_types in (["photo", "video", "audio"], ["video"]):
        cells = [(i.purpose.pk, media) for i in infos for media in media_types]
        pupils = [pupil_a, pupil_a2, pupil_b]
        table = consent_table(pupils, infos, media_types)
        states = cell_states(pupils, infos, media_types)
        for pupil in pupils:
            expected = [table.state(pupil.pk, purpose_id, media) for purpose_id, media in cells]
            assert states.row(pupil.pk, cells) == expected
    cells = [(i.purpose.pk, media) for i in infos for media in ("photo", "video", "audio")]
    states = cell_states([pupil_a, pupil_b], infos, ["photo", "video", "audio"])
    assert set(states.row(pupil_a.pk, cells)) == {"granted", "conflict", "unanswered"}
    assert set(states.row(pupil_b.pk, cells)) == {"not_in_picture"}
