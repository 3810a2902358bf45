"""Signals for changes that bypass model signals (bulk writes), for apps that cache them."""

from django.dispatch import Signal

# Sent after guardianships were created in bulk (the pupil import), with user_ids: the
# parents who gained a child. accounts.user_cache drops what it knows about them.
guardians_linked = Signal()
