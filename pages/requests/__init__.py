"""Residents' request pages: staff list and detail, the public form and status page, the dashboard."""
