from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    # Pupil import for directors and board staff
    path("import/", views.import_pupils, name="import_pupils"),
]
