"""Stability and serving readiness of the candidate (issue 10), a section of the model check.

``decisions``: how differently the candidate decides and ranks than the champion on the
same rows. ``calibration``: ECE, MCE and the Brier decomposition, and their change.
``ranges``: holdout values outside the training range. With served models (``models``:
ONNX through onnxruntime, scikit-learn through skops, never a pickle): ``contract`` and
``declared`` (declared inputs vs the holdout schema and its nulls, also for an MLflow
``MLmodel`` signature), ``robustness``, ``monotone`` and ``invariance`` (seeded
perturbations, sweeps and swaps, run by ``robust_run``), and ``costs`` (latency,
throughput, peak memory and file size of the candidate vs the champion). ``run`` turns
them into the check's metrics and findings.
"""
