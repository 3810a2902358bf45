"""A file sent to a page that takes none never reaches the disk (FILE_UPLOAD_HANDLERS)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_temporary_files(settings, tmp_path):
    # Anything past one byte would go to a temporary file, in a folder that is not there.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")


def a_file(size: int = 4096) -> SimpleUploadedFile:
    return SimpleUploadedFile("foto.jpg", b"\xff\xd8" + b"x" * size, content_type="image/jpeg")


def test_the_login_page_drops_a_file_it_never_asked_for(client, no_temporary_files):
    data = {"login": "niemand@example.org", "password": "fout", "file": a_file()}
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 200  # the form's own error, not a 500
    assert "file" not in response.wsgi_request.FILES


def test_a_parents_page_drops_it_too(client, parent_a, no_temporary_files):
    client.force_login(parent_a)
    response = client.post(reverse("consent:my_children"), {"file": a_file()})
    assert response.status_code in (200, 302, 405)
    assert not response.wsgi_request.FILES
