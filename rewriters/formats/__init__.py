"""Scanners that only locate: YAML, TOML, INI, JSON-with-comments and Python source as text
offsets; they never write."""
