"""Stability and serving readiness of the candidate (issue 10), a section of the model check.

``decisions``: how differently the candidate decides and ranks than the champion on the
same rows. ``calibration``: ECE, MCE and the Brier decomposition, and their change. With
ONNX models (``onnx_model``): ``contract`` (declared inputs vs the holdout schema),
``robustness`` (seeded perturbations) and ``latency`` (candidate vs champion timings).
``run`` turns them into the check's metrics and findings.
"""
