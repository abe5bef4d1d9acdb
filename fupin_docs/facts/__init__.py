"""Facts computed once from a school's data: counts, pairings, entitlements and totals, checks."""
