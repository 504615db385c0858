"""Notification pages: the admin outbox, the public SMS opt-out page, the profile's channel choices."""
