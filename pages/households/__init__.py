"""Household pages: a household's page, the form, privacy rights, the coordinators' list, import and coverage."""
