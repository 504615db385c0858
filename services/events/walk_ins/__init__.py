"""Walk-ins: a coordinator adds someone who turned up at an event to its roster, finding or creating their account."""
