"""A view that fails with personal data everywhere, for the error-report scrubbing test."""

import logging

from django.urls import path

from schools.models import Pupil


def boom(request):
    pupil = Pupil.objects.get()
    logging.getLogger("ops.tests").error("import failed for %s", pupil.full_name)
    raise ValueError(f"cannot save {pupil.full_name} for {request.user.email}")


urlpatterns = [path("boom/", boom)]
handler500 = "opo_portal.middleware.server_error"  # as opo_portal.urls
