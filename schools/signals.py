"""Signals for changes that bypass model signals (bulk writes), for apps that cache them."""

from django.dispatch import Signal

# Sent after guardianships were created in bulk (the pupil import), with user_ids: the
# parents who gained a child. accounts.user_cache drops what it knows about them.
guardians_linked = Signal()

# Sent after a school's pupils or guardianships were written in bulk (the pupil import),
# with school_ids. accounts.board counts those schools again for the board's home page.
pupils_written_in_bulk = Signal()

# Sent inside the transaction that changed who holds gezag over pupils in bulk (the pupil
# import), with `lost` and `gained`: pupil id -> the user ids who lost or gained it (a
# parent linked to a pupil they had answered for before counts as gaining it).
# consent.receivers takes down what the change stopped allowing.
gezag_changed = Signal()

# Sent inside the transaction that erased a pupil who left (schools.services.pupil_erase),
# with pupil_id. consent.receivers empties the notes of checks that recorded the pupil.
pupil_erased = Signal()

# Sent by the retention task after erasing (schools.services.pupils_erase_left), with
# `kept_from`: the first day whose records are kept (anything recorded before it is past the
# term) and `today`. consent.receivers empties the notes of checks made before it and
# deletes the records of reminders sent before it;
# outbox.receivers applies the outbox's own terms (outbox.services.duties_apply_retention).
retention_term_passed = Signal()
