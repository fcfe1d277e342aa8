"""Fakes for the App's tests: a GitHub served over HTTP from memory (``tests.fakes.github``)."""
