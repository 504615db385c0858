"""A member's year: the annual record, commitments to residents, leaders' field days."""
