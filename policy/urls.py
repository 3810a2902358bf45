from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    # The protocol, readable by anyone
    path("", views.current, name="current"),
]
