from django.urls import path

from consent.photo import views

app_name = "photo"

urlpatterns = [
    # Photo check for teachers and directors: upload, preview, blur, download
    path("", views.photo_check, name="check"),
]
