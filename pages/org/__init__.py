"""The organisation's administration: the area tree, the audit log, the list of needs."""
