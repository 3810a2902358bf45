import re
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opo_portal.fields import EmailAddressField, NameField
from opo_portal.text import without_direction_controls
from schools import accesslog
from schools.integrity import in_another_schools_group, naming_another_schools_group
from schools.models import (
    Group,
    Guardianship,
    MembershipChange,
    Pupil,
    School,
    StaffMembership,
    Via,
)
from schools.services import teacher_remove


class AliasesField(forms.CharField):
    """A school's other names, typed one per line (a comma separates too), stored as the
    list of names monitoring reads. Quotes and brackets around a name are dropped, so a
    JSON list typed out of habit is read as its names. A name loses Unicode's direction
    controls, as every typed name does (opo_portal.text)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    # the names as a list, which SchoolForm stores, where a CharField gives one text
    def to_python(self, value) -> list[str]:  # type: ignore[override]
        value = without_direction_controls(value or "")
        names = (name.strip().strip("\"'[]").strip() for name in re.split(r"[\n,]", value))
        return list(dict.fromkeys(name for name in names if name))


class SchoolForm(forms.ModelForm):
    aliases = AliasesField(
        label=_("aliases"),
        required=False,
        help_text=_("Other names, hashtags and handles people use for this school, one per line."),
    )

    class Meta:
        model = School
        fields = ["code", "name", "aliases", "contact_email"]
        # a typed name and address (opo_portal.text, opo_portal.fields)
        field_classes = {"name": NameField, "contact_email": EmailAddressField}


class RecordsWhatDeleteEnds:
    """A ModelAdmin whose deletes end access the privacy officer must be able to trace
    (schools.accesslog): `record_ended(ids, by=...)` records it in the deleting
    transaction, before the rows go, for one object and for the bulk action alike."""

    def record_ended(self, ids: list[int], *, by) -> None:
        raise NotImplementedError

    # mixed in before admin.ModelAdmin: super() is the ModelAdmin, which mypy cannot see
    @transaction.atomic
    def delete_model(self, request, obj):
        self.record_ended([obj.pk], by=request.user)
        cast(admin.ModelAdmin, super()).delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        self.record_ended(list(queryset.values_list("pk", flat=True)), by=request.user)
        cast(admin.ModelAdmin, super()).delete_queryset(request, queryset)


@admin.register(School)
class SchoolAdmin(RecordsWhatDeleteEnds, admin.ModelAdmin):
    form = SchoolForm
    list_display = ["name", "code", "contact_email"]
    search_fields = ["name", "code"]

    # A school deleted here takes its memberships and groups with it (CASCADE): each is
    # recorded as ended for the privacy officer (schools.accesslog), with the school's name
    # kept, before they go. Its teachers end as a teacher membership deleted on the
    # membership page does (schools.services.teacher_remove): the same e-mail and history
    # entry. A school with pupils (or checks before posting) is refused (PROTECT): the
    # transaction then records nothing.

    def record_ended(self, ids: list[int], *, by) -> None:
        _record_school_ended(ids, by=by)


def _record_school_ended(school_ids: list[int], *, by) -> None:
    """Every membership of the schools and every group of theirs that a teacher teaches
    (of another school too: a data fault check_reach_data lists), recorded as ended."""
    memberships = StaffMembership.objects.filter(school_id__in=school_ids).order_by("pk")
    others = []
    for membership in memberships.select_related("user", "school"):
        if _ended_as_teacher(membership):
            teacher_remove(membership=membership, by=by, via=Via.ADMIN)
        else:
            others.append(membership)
    accesslog.memberships_record(others, MembershipChange.Change.ENDED, by=by, via=Via.ADMIN)
    # the links of the groups left: those of memberships of other schools
    links = StaffMembership.groups.through.objects.filter(group__school_id__in=school_ids)
    links = links.exclude(staffmembership__school_id__in=school_ids)
    _record_links_ended(links, by=by)


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        field_classes = {"name": NameField}  # a typed name (opo_portal.text)


@admin.register(Group)
class GroupAdmin(RecordsWhatDeleteEnds, admin.ModelAdmin):
    form = GroupForm
    list_display = ["name", "school", "school_year"]
    list_filter = ["school", "school_year"]

    # A group deleted here is no longer taught by its teachers: recorded for the privacy
    # officer (schools.accesslog) before the links go with it.

    def record_ended(self, ids: list[int], *, by) -> None:
        _record_groups_ended(ids, by=by)


def _record_groups_ended(group_ids: list[int], *, by) -> None:
    _record_links_ended(
        StaffMembership.groups.through.objects.filter(group_id__in=group_ids), by=by
    )


def _record_links_ended(links, *, by) -> None:
    links = links.select_related("group", "staffmembership__user", "staffmembership__school")
    ended = [(link.staffmembership, link.group) for link in links.order_by("pk")]
    accesslog.teaching_changes_record(ended=ended, by=by, via=Via.ADMIN)


def group_with_school(group: Group) -> str:
    """Every school has a "groep 5" this year: the choice names the school first."""
    return f"{group.school.name} · {group}"


def pupil_with_school(pupil: Pupil) -> str:
    """Two schools can each have a "Sem Bakker": linking a parent to the wrong one gives
    them another family's child. The choice names the school and the pupil number."""
    return f"{pupil} · {pupil.school.name} · {pupil.leerlingnummer}"


def _choices_with_school(field: forms.Field | None, label: Callable[[Any], str]) -> None:
    """A foreign key's or many-to-many's choices (`field`) named by `label`, with the
    school it names fetched along."""
    choices = cast(forms.ModelChoiceField, field)  # what such a relation's formfield is
    choices.queryset = cast(QuerySet, choices.queryset).select_related("school")
    # set on this field alone, so it takes no self: mypy reads it as the class's method
    choices.label_from_instance = label  # type: ignore[method-assign,assignment]


class PupilsNamedWithSchool(AutocompleteJsonView):
    """The admin's search-as-you-type, with pupil_with_school for every pupil suggested."""

    def serialize_result(self, obj, to_field_name):
        # django-stubs lack AutocompleteJsonView.serialize_result (Django 3.2+)
        result = super().serialize_result(obj, to_field_name)  # type: ignore[misc]
        if isinstance(obj, Pupil):
            result["text"] = pupil_with_school(obj)
        return result


def autocomplete_view(request):
    """admin.site.autocomplete_view (opo_portal/urls.py)."""
    return PupilsNamedWithSchool.as_view(admin_site=admin.site)(request)


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["user"]


class GroupOfAnotherSchool(admin.SimpleListFilter):
    """The rows `manage.py check_reach_data` lists, to put right here: reach ignores a
    group of another school (schools.access), the admin refuses to save one."""

    title = _("group of another school")
    parameter_name = "andere_school"

    def lookups(self, request, model_admin):
        return [("ja", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() != "ja":
            return queryset
        if queryset.model is Pupil:
            return in_another_schools_group(queryset)
        return naming_another_schools_group(queryset)


class PupilForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        # typed names lose direction controls (opo_portal.text)
        field_classes = dict.fromkeys(("first_name", "name_prefix", "last_name"), NameField)


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    form = PupilForm
    list_display = ["leerlingnummer", "first_name", "last_name", "school", "group", "left_on"]
    list_filter = ["school", "left_on", GroupOfAnotherSchool]
    search_fields = ["leerlingnummer", "first_name", "last_name"]
    inlines = [GuardianshipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school")  # pupil_with_school

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        """The parents linked, unlinked or given or losing gezag on the pupil's page are
        recorded for the privacy officer (schools.accesslog)."""
        if formset.model is not Guardianship:
            return super().save_formset(request, form, formset, change)
        before = accesslog.gezag_state([form.instance.pk])
        super().save_formset(request, form, formset, change)
        after = accesslog.gezag_state([form.instance.pk])
        accesslog.gezag_changes_record(before, after, by=request.user, via=Via.ADMIN)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "group":  # Pupil.clean refuses a group of another school
            _choices_with_school(field, group_with_school)
        return field


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ["user", "pupil", "has_parental_authority"]
    autocomplete_fields = ["user", "pupil"]

    # Every link added, changed (another parent or pupil, gezag) or deleted here is
    # recorded for the privacy officer (schools.accesslog), for the pupils concerned.

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        pupils = {obj.pupil_id}
        if obj.pk is not None:
            pupils |= set(Guardianship.objects.filter(pk=obj.pk).values_list("pupil_id", flat=True))
        before = accesslog.gezag_state(pupils)
        super().save_model(request, obj, form, change)
        after = accesslog.gezag_state(pupils)
        accesslog.gezag_changes_record(before, after, by=request.user, via=Via.ADMIN)

    @transaction.atomic
    def delete_model(self, request, obj):
        before = accesslog.gezag_state([obj.pupil_id])
        super().delete_model(request, obj)
        after = accesslog.gezag_state([obj.pupil_id])
        accesslog.gezag_changes_record(before, after, by=request.user, via=Via.ADMIN)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        pupils = set(queryset.values_list("pupil_id", flat=True))
        before = accesslog.gezag_state(pupils)
        super().delete_queryset(request, queryset)
        after = accesslog.gezag_state(pupils)
        accesslog.gezag_changes_record(before, after, by=request.user, via=Via.ADMIN)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "pupil":  # the pupil linked, as the search suggests them
            _choices_with_school(field, pupil_with_school)
        return field


class StaffMembershipForm(forms.ModelForm):
    """A membership's groups are groups of its own school. A teacher reaches the pupils of
    every group of their memberships (schools.access), whatever school a group is of: a
    group of another school would give a teacher that school's class."""

    class Meta:
        model = StaffMembership
        fields = ["user", "role", "school", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choices_with_school(self.fields["groups"], group_with_school)

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        groups, school = cleaned.get("groups"), cleaned.get("school")
        if not groups:
            return cleaned
        if school is None:
            self.add_error("groups", NO_SCHOOL_NO_GROUPS)
        elif any(group.school_id != school.pk for group in groups):
            self.add_error("groups", OTHER_SCHOOLS_GROUP % {"school": school.name})
        return cleaned


NO_SCHOOL_NO_GROUPS = _("A role without a school (board staff, privacy officer) has no groups.")
OTHER_SCHOOLS_GROUP = _("Choose only groups of %(school)s, the school of this role.")


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    form = StaffMembershipForm
    list_display = ["user", "role", "school"]
    list_filter = ["role", "school", GroupOfAnotherSchool]
    filter_horizontal = ["groups"]
    autocomplete_fields = ["user"]

    # A teacher membership deleted here ends as on "Leerkrachten en groepen": through
    # schools.services.teacher_remove, so the teacher gets the same one e-mail (its outbox
    # duty written in the deletion's transaction) and the history the same one entry.

    # Every membership begun or ended here is recorded for the privacy officer
    # (schools.accesslog): a change of its person, school or role ends one (with its
    # groups) and begins another. So is every group it is given or loses (save_related,
    # where the admin saves the groups, after save_model).

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        stored = None
        if obj.pk is not None:
            stored = StaffMembership.objects.select_related("user", "school").get(pk=obj.pk)
        same = stored is not None and (stored.user_id, stored.school_id, stored.role) == (
            obj.user_id,
            obj.school_id,
            obj.role,
        )
        # the groups it is taken to have taught until now: none for one begun here
        obj._groups_before = list(stored.groups.all()) if stored is not None and same else []
        if stored is not None and not same:
            accesslog.membership_ended(stored, by=request.user, via=Via.ADMIN)
        super().save_model(request, obj, form, change)
        if not same:
            accesslog.membership_added(obj, by=request.user, via=Via.ADMIN)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership = form.instance
        before = {group.pk: group for group in getattr(membership, "_groups_before", [])}
        after = {group.pk: group for group in membership.groups.all()}
        accesslog.teaching_changes_record(
            added=[(membership, group) for pk, group in after.items() if pk not in before],
            ended=[(membership, group) for pk, group in before.items() if pk not in after],
            by=request.user,
            via=Via.ADMIN,
        )

    def log_deletions(self, request, queryset):
        """The history entry of a teacher membership is teacher_remove's to write."""
        others = [membership for membership in queryset if not _ended_as_teacher(membership)]
        # Django iterates the rows to log: a list of them does (django-stubs ask a QuerySet)
        return super().log_deletions(request, others)  # type: ignore[arg-type]

    @transaction.atomic
    def delete_model(self, request, obj):
        if _ended_as_teacher(obj):
            teacher_remove(membership=obj, by=request.user, via=Via.ADMIN)
        else:
            accesslog.membership_ended(obj, by=request.user, via=Via.ADMIN)
            super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        teachers = [membership for membership in queryset if _ended_as_teacher(membership)]
        for membership in teachers:
            teacher_remove(membership=membership, by=request.user, via=Via.ADMIN)
        others = queryset.exclude(pk__in=[m.pk for m in teachers])
        ended = list(others.select_related("user", "school"))
        accesslog.memberships_record(
            ended, MembershipChange.Change.ENDED, by=request.user, via=Via.ADMIN
        )
        super().delete_queryset(request, others)


def _ended_as_teacher(membership: StaffMembership) -> bool:
    return membership.role == StaffMembership.Role.TEACHER and membership.school_id is not None
