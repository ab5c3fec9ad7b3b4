"""Readers shared by several checks: containers, magic-byte sniffing, npy, the pickle VM.

Everything here yields structure and strings, never verdicts, and never imports or
executes what it reads. Checks (``artifacts``, ``secrets``) decide what the structure means.
"""
