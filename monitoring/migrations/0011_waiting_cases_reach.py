"""Open cases that earlier versions left with nobody who answers for them go to whoever
answers now, who is told once.

Earlier versions opened every case unassigned, also at a school without a director, where
it stayed a count on the board's home; they emptied the assignee of a case whose assignee
left such a school; and before hand-overs existed a case stayed with someone who had left.
Now (monitoring.services.followups_unassigned_reach, followups_hand_over):
- an open case nobody has at a school without an (active) director goes to the board's
  first member by id (schools.leaders);
- an open case whose assignee no longer teaches or directs at its school, is not on the
  board, or whose account was deactivated, goes to the school's leaders' first: its first
  director by id, or the board's first member when it has none.
An open case nobody has at a school with a director stays the director's to give, as
every new case is. Each case moved gets the assignment e-mail as an outbox duty with a key
of its own (`case-assigned:<case>:<user>:upgrade`): the beat's outbox sweep sends it, and
running this again queues nothing twice. Closed cases keep who held the conversation.
"""

from django.db import migrations
from django.utils import timezone

OPEN = ("new", "conversation_planned", "conversation_held")
HANDLER = "monitoring.notifications.case_assigned_notify"


def assign_waiting_cases(apps, schema_editor):
    FollowUp = apps.get_model("monitoring", "FollowUp")
    StaffMembership = apps.get_model("schools", "StaffMembership")
    Duty = apps.get_model("outbox", "Duty")
    cases = list(
        FollowUp.objects.filter(status__in=OPEN)
        .order_by("pk")
        .values_list("pk", "school_id", "assigned_to_id")
    )
    if not cases:
        return
    active = StaffMembership.objects.filter(user__is_active=True)
    board = sorted(set(active.filter(role="board").values_list("user_id", flat=True)))
    acting, directors = set(), {}
    rows = active.filter(
        school_id__in={school for _pk, school, _user in cases}, role__in=("teacher", "director")
    ).values_list("user_id", "school_id", "role")
    for user_id, school_id, role in rows:
        acting.add((user_id, school_id))
        if role == "director":
            directors.setdefault(school_id, set()).add(user_id)
    now = timezone.now()
    for pk, school_id, assignee in cases:
        if assignee is not None and ((assignee, school_id) in acting or assignee in board):
            continue  # it reaches them
        if assignee is None and school_id in directors:
            continue  # the director's to give
        leaders = sorted(directors.get(school_id, ())) or board
        if not leaders:
            continue  # nobody answers for the school
        leader = leaders[0]
        FollowUp.objects.filter(pk=pk).update(assigned_to_id=leader)
        Duty.objects.get_or_create(
            key=f"case-assigned:{pk}:{leader}:upgrade",
            defaults={
                "handler": HANDLER,
                "payload": {"case_id": pk, "assignee_id": leader},
                "next_attempt_at": now,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0010_followup_closed_by"),
        ("schools", "0006_field_verbose_names"),
        ("outbox", "0002_duty_lost_attempts"),
    ]

    operations = [migrations.RunPython(assign_waiting_cases, migrations.RunPython.noop)]
