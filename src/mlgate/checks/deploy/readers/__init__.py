"""Readers of the deploy check's inputs (Dockerfiles are read by mlgate.formats)."""
