"""Built-in checks, each a package registered under the ``mlgate.checks`` entry points."""
