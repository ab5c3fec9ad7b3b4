"""Policies as data: per-framework allowlists and the explaining denylist."""
