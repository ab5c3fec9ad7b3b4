"""Credential detection shared by the checks: detectors as data, matching, validation, redaction.

The ``secrets`` check scans files with it and the ``sast`` check asks it whether a literal
in code is a real-format secret; checks never import each other, so what both use lives
here, below them (like ``formats/``).
"""
