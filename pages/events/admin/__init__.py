"""Coordinators' event pages, one module per job: editing events, the roster with QR check-in,
volunteers' applications, and hours per person."""
