"""Visit review pages: the coordinator's review queue and controls, the member's answer to a visit with issues."""
