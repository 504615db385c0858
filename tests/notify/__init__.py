"""Tests of the notifications feature (services/notify, pages/notify)."""
