"""Event pages: the list and event page for volunteers, my activities, and the coordinators' event pages."""
