from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Duty(models.Model):
    """Something that must happen because a transaction committed (see outbox/services.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    handler = models.CharField(_("handler"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Attempts whose worker stopped mid-handler (killed, out of memory) and so recorded no
    # outcome; the next claim counts one when it finds such a lease run out.
    lost_attempts = models.PositiveIntegerField(_("lost attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The sweeper (re)dispatches a pending duty once this moment has passed.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A worker running the duty holds it until then; another run waits for the lease to end.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_duty_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return self.key
