"""Signals for changes that bypass model signals (bulk writes), for apps that cache them."""

from django.dispatch import Signal

# Sent after guardianships were created in bulk (the pupil import), with user_ids: the
# parents who gained a child. accounts.user_cache drops what it knows about them.
guardians_linked = Signal()

# Sent after a school's pupils or guardianships were written in bulk (the pupil import),
# with school_ids. accounts.board counts those schools again for the board's home page.
pupils_written_in_bulk = Signal()

# Sent inside the transaction that took gezag away from parents, with `lost`: pupil id ->
# the user ids who no longer hold it (the pupil import's bulk update, and model saves and
# deletes). consent.receivers takes down what only their answers allowed.
gezag_lost = Signal()
