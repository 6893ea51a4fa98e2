"""Levels (DOMAIN.md "Levels"): a lower committee nominates its recognised models to the
committee one level up, and every committee reviews the models it recognised in earlier years.

Both are actions of the registration lifecycle, declared in `actions` and added to its registry,
so they go through the one door, the one access rule, the audit trail and the outbox like every
other action. A nomination is a new initiative in the higher committee's campaign, starting at
screening and linked to the lower-level model (`nominated_from`), which stays recognised.
"""
