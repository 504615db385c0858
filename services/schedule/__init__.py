"""Scheduled work: job leases that hold across instances, and the in-process scheduler loop."""
