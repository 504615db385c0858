"""Rate limits: fixed-window counting, in this process or in Redis shared by every instance."""
