"""Settings files of Python tools: the Python version each tool targets (mypy, ruff, pylint,
pyright, pre-commit, uv, hatch)."""
