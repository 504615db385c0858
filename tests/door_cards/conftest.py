"""Fixtures for the door card tests: ``api`` (the app started, its HTTP client) as the sync tests have it."""

from tests.test_api_sync import api  # noqa: F401
