"""The photo check sent after a ticked pupil moved to another group (out of the teacher's
reach) while the page was open, or with a hand-made id of another school's pupil: still a
404, as a pupil's id out of reach in a path, but the photo page itself with a clear
message, the channel kept and the teacher's own pupils listed to tick again. Nothing is
stored (no check, no appearance) and no photo is handed out; the page never names the
pupil. Until 2026-12-07 it was the bare "page does not exist", and the teacher in a hurry
did not know why. As the check before posting (`test_check_pupil_moved.py`)."""

import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_pupil
from consent.models import PublicationCheck
from consent.photo import testkit
from consent.tests.helpers import html_of, purpose

pytestmark = pytest.mark.django_db
URL = "/foto/"
MESSAGE = (
    "Niet elke leerling die u aanvinkte, hoort (nog) bij uw leerlingen, bijvoorbeeld omdat "
    "een leerling naar een andere groep ging."
)
NOTHING_OUT = "Er is niets opgeslagen en de foto is niet teruggegeven"


@pytest.fixture(scope="module")
def photo() -> bytes:
    return testkit.camera_jpeg()


@pytest.fixture
def gijs(school_a, group_a1):
    """A pupil who stays in teacher A's group: listed again, unticked."""
    return make_pupil(school_a, group_a1, "3002", "Gijs", "Jansen")


def _post(client, data: bytes, **fields):
    upload = SimpleUploadedFile("IMG_0042.JPG", data, content_type="image/jpeg")
    if "channel" not in fields:
        fields["channel"] = purpose("sociale-media").pk
    return client.post(URL, {"photo": upload, **fields})


def _rows() -> dict[str, int]:
    """How many rows every table holds: a refused post stores nothing, anywhere."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _moved(pupil, group) -> None:
    pupil.group = group
    pupil.save(update_fields=["group"])


def _step1(client, data, pupils) -> dict:
    """Step 1 for these pupils: the fields step 2 posts back."""
    page = _post(client, data, action="preview", pupils=[p.pk for p in pupils]).content.decode()
    key = re.search(r'name="photo_key" value="([0-9a-f]+)"', page)[1]
    check = PublicationCheck.objects.latest("id")
    return {"pupils": [p.pk for p in pupils], "check": check.pk, "photo_key": key}


def _assert_says_why_and_hands_out_nothing(response, pupil, gijs) -> str:
    page = html_of(response)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]  # the page lists the teacher's pupils
    assert MESSAGE in page and NOTHING_OUT in page
    assert 'id="photo-form"' in page  # the photo page, to tick again
    assert pupil.first_name not in page and pupil.last_name not in page
    assert "data:image" not in page and 'name="photo_key"' not in page
    assert f'value="{gijs.pk}"' in page and "checked" not in page  # listed, not ticked
    assert f'<option value="{purpose("sociale-media").pk}" selected>' in page
    return page


@pytest.mark.parametrize("action", ["preview", "update", "download"])
def test_a_pupil_moved_meanwhile_is_a_404_that_says_why(
    login, teacher_a, pupil_a, gijs, group_a2, photo, action
):
    client = login(teacher_a)
    fields = _step1(client, photo, [pupil_a, gijs])
    _moved(pupil_a, group_a2)
    before = _rows()

    response = _post(client, photo, **fields, action=action)

    _assert_says_why_and_hands_out_nothing(response, pupil_a, gijs)
    assert _rows() == before


def test_another_schools_pupil_gets_the_same_answer(
    login, teacher_a, pupil_a, gijs, group_a2, pupil_b, photo
):
    client = login(teacher_a)
    _moved(pupil_a, group_a2)
    before = _rows()

    moved = _post(client, photo, action="preview", pupils=[pupil_a.pk, gijs.pk])
    other = _post(client, photo, action="preview", pupils=[pupil_b.pk, gijs.pk])

    page = _assert_says_why_and_hands_out_nothing(other, pupil_b, gijs)
    assert html_of(moved) == page
    assert _rows() == before


def test_an_id_of_nobody_gets_the_same_answer(login, teacher_a, gijs, pupil_b, photo):
    client = login(teacher_a)
    nobody = _post(client, photo, action="preview", pupils=[gijs.pk, 99999999])
    other = _post(client, photo, action="preview", pupils=[gijs.pk, pupil_b.pk])
    assert nobody.status_code == 404
    assert html_of(nobody) == html_of(other)


def test_it_keeps_the_check_before_posting_the_photo_belongs_to(
    login, teacher_a, gijs, pupil_b, photo
):
    """The first check of the photo still replaces the teacher's check before posting."""
    from consent.services import publication_check_create

    earlier = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[gijs]
    )
    response = _post(
        login(teacher_a), photo, action="preview", pupils=[pupil_b.pk], from_check=earlier.pk
    )
    assert response.status_code == 404
    assert f'name="from_check" value="{earlier.pk}"' in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_pupils(
    login, teacher_a, school_a, group_a1, pupil_b, photo, django_assert_num_queries, count
):
    for number in range(count):
        make_pupil(school_a, group_a1, f"9{number:03}", f"Kind{number}", "Test")
    client = login(teacher_a)
    client.get(URL)  # the session cached, as on the page's own post
    fields = {"action": "preview", "pupils": [pupil_b.pk], "channel": purpose("website").pk}
    # (session from the cache) user, memberships (MFA middleware, cached for the role
    # check), the channel chosen, the ticks validated in the reach; then the page: the
    # teacher's pupils with their groups, unread protocol with open takedown tasks (menu
    # badge) in one query, the active purposes (channels)
    with django_assert_num_queries(7):
        response = _post(client, photo, **fields)
    assert response.status_code == 404
    assert response.content.decode().count('name="pupils"') == count
