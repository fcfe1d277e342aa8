"""Packaging metadata: pyproject.toml, setup.cfg, setup.py, requirements files, Pipfile and their
markers."""
