"""Visits that can be trusted: honesty signals computed when a visit is stored, coordinator review
(received / approved / has issues / rejected, as ODK Central reviews submissions, with the member's
one answer) and the one rule of which visits count for the household's clock, coverage and figures.

- ``signals``: what is worth a second look about a visit, and its short reason in the user's language;
- ``counting``: the rule "this visit counts" / "pending review", in Python and as SQL, and the household clock;
- ``review``: who may change a visit's review state, the history of those changes, the member's answer.
"""
