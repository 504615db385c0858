"""Home visits: recording one (online or synced from the offline page), its photos, when a household is
due, review and corrections.
"""
