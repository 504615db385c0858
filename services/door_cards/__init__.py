"""Door cards: a printed A6 card with a QR code at each household's door, optional per area.

A member scans it during a visit; a matching scan is the visit's proof of presence where GPS is
poor (high-rise buildings). Only a hash of each card's secret is stored: the secret exists in the
PDF printed once. Cards are printed, replaced and revoked by coordinators (audited); a scan of
another household's card or a revoked one is refused and audited.
"""
