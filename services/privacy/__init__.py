"""What the app keeps and for how long: consent, residents' rights, retention, the ethical line."""
