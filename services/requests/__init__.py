"""Residents' requests: tracking one to resolution, the resident's feedback, statistics and privacy."""
