from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    # Pupil import for directors and board staff
    path("import/", views.import_pupils, name="import_pupils"),
    # Directors and board staff: which teacher teaches which of this year's groups
    path("leerkrachten/<slug:code>/", views.staff_groups, name="staff_groups"),
]
