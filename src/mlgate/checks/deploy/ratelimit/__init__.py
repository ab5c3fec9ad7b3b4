"""Proof that exposed APIs are rate limited, across manifests and application code."""
