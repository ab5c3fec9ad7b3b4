"""Integrations with pipeline systems (Kubeflow Pipelines); each needs its own extra."""
