"""Render Markdown to terminal text."""

__version__ = "2.4.0"
