"""Notifications outside the app: SMS, e-mail and group bots through an outbox that sends each message once.

Triggers (``triggers``) put rows in the outbox inside the caller's transaction; the scheduled
sender (``sender``) claims due rows, applies opt-outs, quiet hours and the daily cap (``policy``),
hands them to a provider (``providers``) and marks them. Texts live in ``templates``; digests are
composed from registered sections (``digests``). In-app notices stay in services/notifications.py.
"""
