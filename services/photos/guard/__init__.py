"""Keeping hostile photos from exhausting the server: a decode budget in bytes, a cap on decodes
running at once, recognising a re-sent file by its hash, returning memory to the OS, and sweeping
photo files that no row references."""
