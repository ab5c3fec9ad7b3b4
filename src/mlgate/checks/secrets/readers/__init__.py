"""Readers of the secrets check's inputs: plain text, notebooks, artifacts.

Each turns one file into :class:`~mlgate.checks.secrets.readers.hits.Hit` records:
a matched credential, where it is, and any inline suppression on its line.
"""
