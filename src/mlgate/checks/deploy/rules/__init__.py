"""Rule families of the deploy check: one module per kind of input."""
