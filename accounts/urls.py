from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    # One home page per role
    path("ouder/", views.home_parent, name="home_parent"),
    path("leerkracht/", views.home_teacher, name="home_teacher"),
    path("directie/", views.home_director, name="home_director"),
    path("bestuur/", views.home_board, name="home_board"),
    path("privacy/", views.home_privacy, name="home_privacy"),
    path("welkom/", views.home_none, name="home_none"),
]
