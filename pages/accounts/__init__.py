"""Account pages: signing in, registration, two-step sign-in, the profile, account administration."""
