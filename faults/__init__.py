"""Fault injection and load against real processes (`make faults`, `make load`)."""
