from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    # Dashboard, flags and cases
    path("", views.dashboard, name="dashboard"),
    path("signalen/<id:pk>/onterecht/", views.flag_dismiss, name="flag_dismiss"),
    path("zaken/<id:pk>/", views.case_detail, name="case"),
    path("zaken/<id:pk>/bijwerken/", views.case_update, name="case_update"),
    path("zaken/<id:pk>/reactie/", views.reply_draft, name="reply_draft"),
    path("reacties/<id:pk>/goedkeuren/", views.reply_approve, name="reply_approve"),
    path("reacties/<id:pk>/geplaatst/", views.reply_posted, name="reply_posted"),
    # Every post that names a school ("Vermeldingen"), and staff marks
    path("vermeldingen/<slug:code>/", views.mentions, name="mentions"),
    path(
        "vermeldingen/<slug:code>/<id:post_pk>/markeren/",
        views.mention_mark,
        name="mention_mark",
    ),
    # Manual reports by staff
    path("melden/", views.report_post, name="report_post"),
    # Reports
    path("rapportage/", views.report, name="report"),
    path("rapportage.csv", views.report_csv, name="report_csv"),
    # Sources and watch terms (board)
    path("bronnen/", views.sources, name="sources"),
    path("bronnen/<id:pk>/aan-uit/", views.source_toggle, name="source_toggle"),
    path("zoektermen/", views.watch_terms, name="watch_terms"),
    path("zoektermen/<id:pk>/verwijderen/", views.watch_term_delete, name="watch_term_delete"),
    # Public: what is monitored, why, and for how long
    path("privacy/", views.privacy, name="privacy"),
]
