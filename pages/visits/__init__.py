"""Visit pages: the visit form and how a save survives a reload, visit cards, the coordinator's list and review."""
