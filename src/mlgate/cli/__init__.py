"""The command-line shell over the library: parse, call, render, return an exit code."""
