from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    # The protocol, readable by anyone
    path("", views.current, name="current"),
    path("versies/", views.history, name="history"),
    path("versie/<id:number>/", views.version_detail, name="version"),
    path("verschil/", views.diff_choose, name="diff_choose"),
    path("verschil/<id:old>/<id:new>/", views.diff, name="diff"),
    # Confirming the current version (staff and parents)
    path("bevestigen/", views.confirm, name="confirm"),
    # Who has confirmed (directors: own school; board: all schools)
    path("bevestigingen/", views.confirmations, name="confirmations"),
    # the board staff's and privacy officers' own list (a "." is in no school's code)
    path("bevestigingen/bestuur.csv", views.foundation_staff_csv, name="foundation_staff_csv"),
    path("bevestigingen/bestuur.xlsx", views.foundation_staff_xlsx, name="foundation_staff_xlsx"),
    path("bevestigingen/<slug:code>/", views.confirmation_list, name="confirmation_list"),
    path("bevestigingen/<slug:code>/csv/", views.confirmation_csv, name="confirmation_csv"),
    path("bevestigingen/<slug:code>/xlsx/", views.confirmation_xlsx, name="confirmation_xlsx"),
    path(
        "bevestigingen/<slug:code>/herinneren/",
        views.confirmation_remind,
        name="confirmation_remind",
    ),
    # Drafting and publishing (board staff)
    path("concepten/", views.drafts, name="drafts"),
    path("concepten/nieuw/", views.draft_start, name="draft_start"),
    path("concepten/<id:number>/", views.draft_edit, name="draft_edit"),
    path("concepten/<id:number>/voorbeeld/", views.draft_preview, name="draft_preview"),
    path("concepten/<id:number>/publiceren/", views.draft_publish, name="draft_publish"),
    path("concepten/<id:number>/weggooien/", views.draft_discard, name="draft_discard"),
    path("concepten/<id:number>/sectie/", views.section_add, name="section_add"),
    path("concepten/<id:number>/sectie/<id:pk>/", views.section_edit, name="section_edit"),
    path(
        "concepten/<id:number>/sectie/<id:pk>/verwijderen/",
        views.section_remove,
        name="section_remove",
    ),
    path("concepten/<id:number>/sectie/<id:pk>/artikel/", views.article_add, name="article_add"),
    path("concepten/<id:number>/artikel/<id:pk>/", views.article_edit, name="article_edit"),
    path(
        "concepten/<id:number>/artikel/<id:pk>/verwijderen/",
        views.article_remove,
        name="article_remove",
    ),
]
