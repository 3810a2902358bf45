from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, register_converter

from accounts import views as account_views
from opo_portal.converters import IdConverter
from ops import views as ops_views
from schools import admin as schools_admin

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "OPO Portal"
admin.site.site_title = "OPO Portal"  # the tab said "Django-websitebeheer"
admin.site.autocomplete_view = schools_admin.autocomplete_view  # type: ignore[method-assign]  # pupils named with school

register_converter(IdConverter, "id")

# A form over DATA_UPLOAD_MAX_MEMORY_SIZE: a 400 page that says it held too much text.
handler400 = "accounts.views.bad_request"
# An outage of PostgreSQL or Redis anywhere in a request: the "try again" page, 503.
handler500 = "opo_portal.middleware.server_error"

urlpatterns = [
    # Landing and health
    path("", account_views.home, name="home"),
    path("health/", account_views.health, name="health"),
    path("health/ready", ops_views.ready, name="health_ready"),
    path("favicon.ico", account_views.favicon, name="favicon"),
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    # Accounts (allauth) and role home pages
    path(
        "accounts/reauthenticate/code/",
        account_views.reauthenticate_by_code,
        name="account_reauthenticate_by_code",
    ),
    path("accounts/password/set/", account_views.password_set, name="account_set_password"),
    path("accounts/sessie/", account_views.session_status, name="account_session"),
    # allauth's own address, answered here first: the file named in the user's language
    path(
        "accounts/2fa/recovery-codes/download/",
        account_views.recovery_codes_download,
        name="mfa_download_recovery_codes",
    ),
    path("accounts/", include("allauth.urls")),
    path("start/", include("accounts.urls")),
    # Apps
    path("scholen/", include("schools.urls")),
    path("protocol/", include("policy.urls")),
    path("toestemming/", include("consent.urls")),
    path("foto/", include("consent.photo.urls")),
    path("monitoring/", include("monitoring.urls")),
    # Admin
    path("admin/", admin.site.urls),
]
