from django.contrib import admin

from schools.models import Group, Guardianship, Pupil, School, StaffMembership


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "school_year"]
    list_filter = ["school", "school_year"]


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["leerlingnummer", "first_name", "last_name", "school", "group", "left_on"]
    list_filter = ["school", "left_on"]
    search_fields = ["leerlingnummer", "first_name", "last_name"]
    inlines = [GuardianshipInline]


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ["user", "pupil", "has_parental_authority"]
    autocomplete_fields = ["user", "pupil"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school"]
    list_filter = ["role", "school"]
    filter_horizontal = ["groups"]
    autocomplete_fields = ["user"]
