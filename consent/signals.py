"""Signals the consent app sends.

`events_written_in_bulk`: consent events were written with `bulk_create` (which sends no
model signals), with `pupil_ids`. accounts.signals marks those pupils' schools for the
board's stored counts, as it does for an event saved one by one.
"""

from django.dispatch import Signal

events_written_in_bulk = Signal()
