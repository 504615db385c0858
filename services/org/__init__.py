"""The organisation: its area tree, its first-run set-up, its clock and its year."""
