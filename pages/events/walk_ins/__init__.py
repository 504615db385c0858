"""Walk-ins on an event's roster: the coordinator's form for someone who turned up without signing up."""
