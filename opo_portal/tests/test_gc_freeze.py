"""The web worker freezes the objects alive after its first request (opo_portal.gc_freeze)."""

import gc
import importlib
import weakref

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections

from opo_portal import gc_freeze


@pytest.fixture
def unfrozen():
    """Leave the test process as it was: nothing frozen, the handler disconnected.
    Django's own closing of old connections is off meanwhile, as the test client does
    around a request (these tests use no database)."""
    gc.unfreeze()
    request_finished.disconnect(close_old_connections)
    yield
    request_finished.connect(close_old_connections)
    request_finished.disconnect(gc_freeze.freeze_after_first_request)
    gc.unfreeze()


def test_the_first_finished_request_freezes_and_the_second_does_not(unfrozen):
    gc_freeze.install()
    assert gc.get_freeze_count() == 0
    request_finished.send(sender=None)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, the apps and their modules
    made_later = []
    request_finished.send(sender=None)
    # once per process: nothing more frozen (frozen objects that died meanwhile are
    # freed by reference counting, so the count may only fall)
    assert gc.get_freeze_count() <= frozen
    collectable = {id(thing) for thing in gc.get_objects()}  # the frozen are not listed
    assert id(made_later) in collectable
    assert id(gc_freeze) not in collectable


def test_a_cycle_made_after_the_first_request_is_collected_after_later_ones(unfrozen):
    gc_freeze.install()
    request_finished.send(sender=None)

    class Node:
        pass

    node = Node()
    node.self = node  # a cycle: only the collector can free it
    alive = weakref.ref(node)
    request_finished.send(sender=None)  # had this request frozen it, it would never go
    del node
    gc.collect()
    assert alive() is None


def test_the_wsgi_application_installs_it(unfrozen):
    import opo_portal.wsgi

    request_finished.disconnect(gc_freeze.freeze_after_first_request)
    importlib.reload(opo_portal.wsgi)
    assert request_finished.disconnect(gc_freeze.freeze_after_first_request)
