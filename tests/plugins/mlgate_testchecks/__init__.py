"""A third-party plug-in package used by mlgate's tests: checks that misbehave on purpose."""
