"""The upload handler keeps one file in memory, and no more of it than the limit."""

from django.core.files.uploadhandler import StopFutureHandlers
from django.test import RequestFactory

from schools.uploads import MemoryUploadHandler


def handler(max_bytes: int) -> MemoryUploadHandler:
    request = RequestFactory().post("/foto/")
    return MemoryUploadHandler(request, field="photo", max_bytes=max_bytes)


def catch_stop(function, *args):
    try:
        return function(*args)
    except StopFutureHandlers:
        return None


def test_it_holds_the_whole_photo_under_the_limit():
    upload = handler(100)
    catch_stop(upload.new_file, "photo", "a.jpg", "image/jpeg", 10)
    upload.receive_data_chunk(b"x" * 60, 0)
    upload.receive_data_chunk(b"y" * 40, 60)
    result = upload.file_complete(100)
    assert result.read() == b"x" * 60 + b"y" * 40
    assert result.size == 100


def test_it_keeps_one_byte_past_the_limit_and_counts_the_rest():
    upload = handler(100)
    catch_stop(upload.new_file, "photo", "a.jpg", "image/jpeg", 10)
    for start in range(0, 10_000, 1000):
        upload.receive_data_chunk(b"z" * 1000, start)
    result = upload.file_complete(10_000)
    assert len(result.read()) == 101
    assert result.size == 10_000


def test_it_drops_other_file_fields_and_a_second_photo():
    upload = handler(100)
    catch_stop(upload.new_file, "photo", "a.jpg", "image/jpeg", 10)
    upload.receive_data_chunk(b"first", 0)
    assert upload.file_complete(5).read() == b"first"
    catch_stop(upload.new_file, "photo", "b.jpg", "image/jpeg", 10)
    upload.receive_data_chunk(b"second", 0)
    assert upload.file_complete(6) is None
    catch_stop(upload.new_file, "other", "c.jpg", "image/jpeg", 10)
    upload.receive_data_chunk(b"third", 0)
    assert upload.file_complete(5) is None
