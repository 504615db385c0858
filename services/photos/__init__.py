"""Photos: checking and shrinking an upload, where the files are kept, quotas and the guard against
hostile images.
"""
