"""Tests of one language per screen and one word per concept."""
