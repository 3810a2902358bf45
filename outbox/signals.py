"""What the outbox tells the apps whose duties it runs."""

from django.dispatch import Signal

# A duty was marked failed for good: its retries ran out, or its worker died during the
# handler too often. Sent after the mark committed, with ``handler`` (its dotted path) and
# ``payload``, so the app that wrote it can record that its effect never happened (a
# reminder that was not delivered). Receivers' errors are logged, never raised.
duty_gave_up = Signal()
