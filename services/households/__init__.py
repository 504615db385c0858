"""Households: the records, importing them, and coverage (who was visited, who is overdue)."""
