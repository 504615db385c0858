"""Accounts: users, signing in, passwords, API tokens, volunteers' self-registration."""
