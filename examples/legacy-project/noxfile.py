"""Test sessions for inkwell; `nox -s tests` runs them on every supported Python."""

import nox

PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".", "pytest")
    session.run("pytest", *session.posargs)


@nox.session(python="3.9")
def docs(session: nox.Session) -> None:
    session.install("-e", ".", "sphinx")
    session.run("sphinx-build", "docs", "docs/_build")
