"""Service events: the catalogue, sign-ups and the waitlist, attendance and hours, walk-ins, calendar
files.
"""
