import logging
import time

from allauth.account import app_settings as account_settings
from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from allauth.account.forms import ConfirmLoginCodeForm
from allauth.account.views import BaseReauthenticateView
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.recovery_codes.views import DownloadRecoveryCodesView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, connection
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.i18n import set_language

from accounts import reauthentication
from accounts.attention import attention_overview
from accounts.board import board_home
from accounts.languages import language_remember
from accounts.middleware import form_page
from accounts.roles import home_url_name, requires_mfa
from accounts.security_middleware import SEEN, seconds_left
from consent.reports import children_for_parent, review_round_due
from consent.services import current_school_year
from schools.access import (
    own_child_ids,
    own_family_ids,
    require_role,
    taught_groups,
    teaching_year,
)
from schools.models import School, StaffMembership
from schools.staffing import has_groups_of, staffing_years, untaught_group_count

Role = StaffMembership.Role
log = logging.getLogger(__name__)


@never_cache
def health(request):
    """For load balancers: the process answers and the database responds (503 if not,
    logged as a warning by type, without a traceback every few seconds)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        log.warning("health: the database does not respond (%s)", type(error).__name__)
        return JsonResponse({"status": "fail"}, status=503)
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_status(request):
    """The session warning's endpoint (static/js/session-warning.js), staff only: GET
    answers the seconds left until the idle and the absolute limit, and is not activity
    (SessionLimitsMiddleware leaves it out); POST is "Stay logged in": activity, 204. The
    absolute limit stays where it was. An ended session is sent to the login page, as
    every request is, before this runs."""
    if not requires_mfa(request.user):
        raise Http404
    now = time.time()
    if request.method == "POST":
        request.session[SEEN] = now  # exactly now: the middleware writes it once a minute
        return HttpResponse(status=204)
    return JsonResponse(seconds_left(request.session, now=now))


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says. Answering it with the 404 page
    would render a form and set a CSRF cookie that can race the page the user is opening."""
    icon = settings.BASE_DIR / "static" / "img" / "favicon.svg"
    response = HttpResponse(icon.read_bytes(), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=7 * 24 * 3600)
    return response


def home(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    return redirect(home_url_name(request.user))


def language_set(request):
    """Django's language switch (a cookie; a language the portal does not speak is
    refused, as there), and for a signed-in user the choice is also stored: the portal's
    e-mails to them follow it (accounts.languages)."""
    response = set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is not None and request.user.is_authenticated:
        language_remember(request.user.pk, chosen.value)
    return response


@require_safe
@login_required
def home_parent(request):
    year = current_school_year(timezone.localdate())
    children = children_for_parent(request.user, year=year)
    return render(request, "accounts/home_parent.html", {"children": children})


@require_safe
@login_required
def home_teacher(request):
    """The groups the teacher has this school year (and next, once linked), as the class
    overview lists them: last year's group is empty after the new list, and no longer
    gives its pupils from 1 August (schools.access.teaching_year), so it is no "my
    group" here; a teacher linked only to such groups is told whom to ask."""
    require_role(request.user, Role.TEACHER)
    year = teaching_year()
    taught = list(taught_groups(request.user).select_related("school"))
    groups = [group for group in taught if group.school_year >= year]
    context = {"groups": groups, "school_year": year, "taught_only_earlier": taught and not groups}
    return render(request, "accounts/home_teacher.html", context)


@require_safe
@never_cache
@login_required
def home_director(request):
    """Wat vraagt aandacht, per school the user directs (the director reach only, even
    when the same person is board staff too)."""
    require_role(request.user, Role.DIRECTOR)
    # this school year, and in June and July the next one, whose groups a list imported
    # for next year fills at once (schools.staffing.staffing_years)
    year, *next_year = staffing_years(timezone.localdate())
    counts = {"untaught_groups": untaught_group_count(year), "has_groups": has_groups_of(year)}
    if next_year:
        counts["untaught_next_year"] = untaught_group_count(next_year[0])
    schools = (
        School.objects.filter(memberships__user=request.user, memberships__role=Role.DIRECTOR)
        .distinct()
        .annotate(**counts, review_round_due=review_round_due(year))  # in the same query
    )
    overview = attention_overview(schools, directed=True, review_year=year)
    # their own children's lines say a colleague records the paper form and reminds the
    # parents (both refuse them); no line links a reminder to one of those parents, their
    # child at this school or another (read with the own children, no query more)
    context = {
        "overview": overview,
        "school_year": year,
        "own_children": own_child_ids(request.user),
        "own_family": own_family_ids(request.user),
    }
    context["next_school_year"] = next_year[0] if next_year else None
    return render(request, "accounts/home_director.html", context)


@require_safe
@never_cache
@login_required
def home_board(request):
    """Wat vraagt aandacht for the foundation: a line per school (paged) and the total;
    schools without a director in full, because the board answers for them. A large
    foundation's consent and protocol numbers are the last counts (accounts.board)."""
    require_role(request.user, Role.BOARD)
    home = board_home(request.GET.get("page"))
    # the schools without a director list pupils in full: the paper form for all but the
    # user's own children, a reminder link for all but their family (one query for both,
    # none for a board member who is nobody's parent)
    listed = bool(home.without_director)
    context = {
        "home": home,
        "own_children": own_child_ids(request.user) if listed else frozenset(),
        "own_family": own_family_ids(request.user) if listed else frozenset(),
    }
    return render(request, "accounts/home_board.html", context)


@require_safe
@login_required
def home_privacy(request):
    require_role(request.user, Role.PRIVACY_OFFICER)
    return render(request, "accounts/home_privacy.html")


@require_safe
@login_required
def home_none(request):
    return render(request, "accounts/home_none.html")


# --- Reauthentication by e-mailed code (accounts.reauthentication) ------------------------

CODE_SENT = _("We have sent a code to %(address)s. It works for %(minutes)s minutes.")
TOO_MANY_CODES = _("You asked for several codes just now. Wait a minute, then ask for a new code.")
TOO_MANY_WRONG = _("That code was wrong too often. Ask for a new code.")


@method_decorator(login_required, name="dispatch")
class ReauthenticateByCodeView(BaseReauthenticateView):
    """allauth's reauthentication step, with a code mailed to the account's main address.
    "Send me a code" mails one; the right code resumes what asked for it (adding an
    address, say), as allauth's password and TOTP steps do. allauth's base view sends
    accounts not offered a code (staff) to their first method, and limits the requests."""

    form_class = ConfirmLoginCodeForm
    template_name = "account/reauthenticate_code.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "code": reauthentication.pending_code(self.request)}

    def post(self, request, *args, **kwargs):
        if "action_send" in request.POST:
            return self._send_code()
        return super().post(request, *args, **kwargs)

    def _send_code(self):
        if reauthentication.code_send(self.request):
            address = reauthentication.code_address(self.request.user)
            minutes = account_settings.LOGIN_BY_CODE_TIMEOUT // 60
            messages.success(self.request, CODE_SENT % {"address": address, "minutes": minutes})
        else:
            messages.error(self.request, TOO_MANY_CODES)
        return self._again()

    def form_valid(self, form):
        reauthentication.code_accepted(self.request)
        return super().form_valid(form)

    def form_invalid(self, form):
        if reauthentication.code_rejected(self.request):  # that was the last try
            messages.error(self.request, TOO_MANY_WRONG)
            return self._again()
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "code_sent": bool(reauthentication.pending_code(self.request)),
            "address": reauthentication.code_address(self.request.user),
            "minutes": account_settings.REAUTHENTICATION_TIMEOUT // 60,
        }

    def _again(self):
        return redirect(self.passthrough_next_url(reverse("account_reauthenticate_by_code")))


reauthenticate_by_code = ReauthenticateByCodeView.as_view()


# --- Setting a password (allauth's page, asked again first) -------------------------------

SET_AFTER_CONFIRMING = _(
    "Your password has not been set yet. Confirm who you are first, then enter it again."
)


@method_decorator(login_required, name="dispatch")
class PasswordSetView(allauth_views.PasswordSetView):
    """allauth's "set a password" page, for an account without one (a parent who logs in
    by e-mailed code), asks again who you are first, as an e-mail change does: a password
    is a lasting way in, so a stolen session alone must not be able to add one. An account
    with a password is sent on to the change page, which asks for the old one.

    The form itself is never kept for after the confirmation (allauth would keep a posted
    form in the session and resume it): that would store the new password in plain text
    in the session, in Redis and in the database's backups. A form posted too late is
    dropped; the parent confirms and types the password again."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_usable_password():
            return super().dispatch(request, *args, **kwargs)
        try:
            return self._dispatch_confirmed(request, *args, **kwargs)
        except ReauthenticationRequired:
            if request.method != "POST":
                raise  # allauth's middleware sends it to the confirmation step
            messages.warning(request, SET_AFTER_CONFIRMING)
            return redirect(request.get_full_path())

    @method_decorator(reauthentication_required(app="allauth.account"))
    def _dispatch_confirmed(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


password_set = PasswordSetView.as_view()


class RecoveryCodesDownloadView(DownloadRecoveryCodesView):
    """allauth's download of the recovery codes (signed in, codes of one's own), named in
    the user's language as the portal's other downloads; allauth named it
    recovery-codes.txt in Dutch too. Its template heads the codes with what they are."""

    content_type = "text/plain; charset=utf-8"  # the heading's "één"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        name = pgettext("file name", "opo-portal-recovery-codes.txt")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


recovery_codes_download = RecoveryCodesDownloadView.as_view()


def bad_request(request, exception):
    """handler400. A form larger than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB: a huge paste
    into a protocol draft or a case note) is refused by Django before any view reads it,
    wherever it is sent: its page says so, that nothing was saved, that Back usually still
    has what was typed, and links the form's page (its same-site Referer). Nothing here
    reads the database. A form with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
    (TooManyFieldsSent) or more files than DATA_UPLOAD_MAX_NUMBER_FILES (TooManyFilesSent)
    is refused the same way and gets a page of its own that says so.
    Every other bad request gets the general 400 page."""
    limit: str | int
    if isinstance(exception, RequestDataTooBig):
        template = "400_too_large.html"
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    elif isinstance(exception, TooManyFieldsSent):
        template = "400_too_many_fields.html"
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    elif isinstance(exception, TooManyFilesSent):
        template = "400_too_many_files.html"
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    else:
        return defaults.bad_request(request, exception)
    context = {"back": form_page(request), "limit": limit}
    return HttpResponseBadRequest(render_to_string(template, context))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from a page opened before a login or logout in another
    tab (a login gives a new token) or without cookies. Says nothing was saved, that Back
    usually still has what was typed, as whom the browser is logged in now (a shared
    tablet: someone else may have logged in meanwhile), and links the form's page (its
    same-site Referer). The error layout, without the menu: nothing here reads the
    database (the user was read by the session limits already)."""
    user = getattr(request, "user", None)
    context = {
        "back": form_page(request),
        "email": user.email if user is not None and user.is_authenticated else "",
    }
    return HttpResponseForbidden(render_to_string("403_csrf.html", context))
