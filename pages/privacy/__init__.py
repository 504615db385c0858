"""Privacy in the pages: the ethical line under free text."""
