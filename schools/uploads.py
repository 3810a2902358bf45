"""An upload handler that keeps one file in memory and never on disk: the photo check's
photo (`consent.photo.views`) and the pupil import's file (`schools.views`) hold pupils."""

from io import BytesIO

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class MemoryUploadHandler(FileUploadHandler):
    """Hold one file, of field `field`, in memory: at most `max_bytes` + 1 bytes of it.

    Django's default handlers write uploads over 2.5 MB to a temporary file; a photo of
    pupils or a pupil list must not touch the disk. Bytes past the limit are read and
    dropped, while the reported size still counts them, so the form can say "too large"
    without holding a huge upload. Other file fields, and a second file, are dropped.
    """

    def __init__(self, request, *, field: str, max_bytes: int):
        super().__init__(request)
        self.field = field
        self.max_bytes = max_bytes
        self.buffer: BytesIO | None = None
        self.taken = False

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.buffer = None
        if field_name == self.field and not self.taken:
            self.buffer = BytesIO()
            self.taken = True
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        if self.buffer is not None:
            room = self.max_bytes + 1 - self.buffer.tell()
            if room > 0:
                self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
