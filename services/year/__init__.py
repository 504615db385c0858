"""A member's year: the annual record, yearly commitments to residents and leaders' field days."""
