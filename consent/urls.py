from django.urls import path

from consent.views import audit, board, director, parent, reminder_stop, teacher

app_name = "consent"

urlpatterns = [
    # Parents: their children's choices and their own data
    path("kinderen/", parent.my_children, name="my_children"),
    path("kind/<id:pk>/", parent.child_consent, name="child"),
    path("kind/<id:pk>/intrekken/", parent.withdraw, name="withdraw"),
    path("kind/<id:pk>/ongewijzigd/", parent.review_unchanged, name="review_unchanged"),
    path("mijn-gegevens/", parent.my_data, name="my_data"),
    path("mijn-gegevens.json", parent.my_data_json, name="my_data_json"),
    path("mijn-gegevens/herinneringen/", parent.my_data_reminders, name="my_data_reminders"),
    # Parents without logging in: the link in a reminder e-mail (List-Unsubscribe)
    path(
        "herinneringen/stoppen/<str:token>/",
        reminder_stop.reminders_stop_page,
        name="reminders_stop",
    ),
    # Teachers: class overview, check before posting, takedowns
    path("klassen/", teacher.overview, name="overview"),
    path("klassen/<id:pk>/wie-mag/", teacher.group_appear, name="group_appear"),
    path("klassen/<id:pk>/", teacher.group_overview, name="group"),
    path("controle/", teacher.check_new, name="check_new"),
    path("controle/<id:pk>/", teacher.check_detail, name="check"),
    path("controle/<id:pk>/aanpassen/", teacher.check_adjust, name="check_adjust"),
    path("verwijderen/", teacher.takedowns, name="takedowns"),
    path("verwijderen/<id:pk>/klaar/", teacher.takedown_done, name="takedown_done"),
    # Directors: coverage, conflicts, reminders, yearly review, paper/phone decisions
    path("dekking/", director.coverage_index, name="coverage_index"),
    path("dekking/<slug:code>/", director.coverage, name="coverage"),
    path("dekking/<slug:code>/export.csv", director.coverage_export, name="coverage_export"),
    path(
        "dekking/<slug:code>/export.xlsx",
        director.coverage_export_xlsx,
        name="coverage_export_xlsx",
    ),
    path("dekking/<slug:code>/verwijderen/", director.school_takedowns, name="school_takedowns"),
    path("dekking/<slug:code>/herinnering/", director.remind, name="remind"),
    path("dekking/<slug:code>/jaarronde/", director.review_round, name="review_round"),
    path("leerling/<id:pk>/vastleggen/", director.record, name="record"),
    # Reading a pupil's file (privacy officer, directors, board): decisions, checks, takedowns
    path("dekking/<slug:code>/leerlingen/", audit.pupil_search, name="pupil_search"),
    path("leerling/<id:pk>/dossier/", audit.dossier, name="dossier"),
    path("leerling/<id:pk>/dossier/gezag/", audit.dossier_gezag, name="dossier_gezag"),
    # Board: purposes and their texts
    path("doelen/", board.purposes, name="purposes"),
    path("doelen/<id:pk>/tekst/", board.purpose_text, name="purpose_text"),
]
