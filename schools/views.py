from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from schools.access import get_school_for_import, require_role, schools_for_import
from schools.forms import PupilImportForm
from schools.importer import COLUMNS, REQUIRED_COLUMNS, pupils_import
from schools.models import StaffMembership
from schools.search import school_search

Role = StaffMembership.Role


@login_required
def import_pupils(request):
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    code = request.POST.get("school") or request.GET.get("school")
    school = get_school_for_import(request.user, code) if code else None
    posted = request.method == "POST"
    form = PupilImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        schools=schools_for_import(request.user),
        initial={"school": school},
    )
    report = None
    if posted and form.is_valid():
        report = pupils_import(
            school=form.cleaned_data["school"],
            text=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
        )
    context = {
        "search": school_search(form.fields["school"].queryset, request.GET)
        if form.asks_code
        else None,
        "form": form,
        "report": report,
        "columns": COLUMNS,
        "required_columns": REQUIRED_COLUMNS,
    }
    return render(request, "schools/import_pupils.html", context)
