"""Test environments: tox and nox env lists, conda environment files."""
