"""The ethical line in the pages: a warning under free text that marks a household (see services/ethical_line)."""
