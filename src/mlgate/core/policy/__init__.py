"""The policy file (``mlgate.yaml`` or ``[tool.mlgate]``): its schema and its loading."""
