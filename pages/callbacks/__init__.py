"""Callback pages (回访): the coordinator's weekly lists and calls, and the satisfaction figures on other pages."""
