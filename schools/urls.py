from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    # Pupil import for directors and board staff
    path("import/", views.import_pupils, name="import_pupils"),
    # Directors and board staff: which teacher teaches which of this year's groups
    path("leerkrachten/<slug:code>/", views.staff_groups, name="staff_groups"),
    # Directors and board staff: where parents' replies to the school's e-mails go
    path("contactadres/<slug:code>/", views.school_contact, name="school_contact"),
    # ... and who teaches at the school: a teacher added, a teacher's membership ended
    path("leerkrachten/<slug:code>/nieuw/", views.staff_teacher_add, name="staff_teacher_add"),
    path(
        "leerkrachten/<slug:code>/<id:pk>/weg/",
        views.staff_teacher_remove,
        name="staff_teacher_remove",
    ),
    # Privacy officer (and board staff): staff roles given and ended, per school
    path("toegang/", views.access_changes, name="access_changes"),
]
