"""What a repository declares about the Pythons it supports, read across its files.

Single-file rewriters cannot see the rest of the repository; the facts they need from it are
read here once and handed in on the ``Policy`` (see ``app.plan``).
"""

from __future__ import annotations

from collections.abc import Mapping

from rewriters.specifiers import CLASSIFIER_RE
from rewriters.versions import Minor

PACKAGE_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


def newest_supported(files: Mapping[str, str]) -> Minor | None:
    """The newest Python a ``Programming Language :: Python :: 3.X`` classifier names in any
    pyproject.toml, setup.cfg or setup.py; None when no classifier names one."""
    found = [
        Minor.parse(match["version"])
        for path, text in files.items()
        if path.rpartition("/")[2] in PACKAGE_FILES
        for match in CLASSIFIER_RE.finditer(text)
    ]
    return max(found, default=None)
