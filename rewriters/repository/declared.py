"""What a repository declares about the Pythons it supports, read across its files.

Single-file rewriters cannot see the rest of the repository; the facts they need from it are
read here once and handed in on the ``Policy`` (``Policy.facts``). The oldest Python declared
decides which dropped versions a pull request announces: those the project said it supported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from rewriters.specifiers import CLASSIFIER_RE
from rewriters.versions import Minor

PACKAGE_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
# ``requires-python = ">=3.9"``, ``python_requires = >=3.9``, ``python_requires=">=3.9"``
_REQUIRES_RE = re.compile(
    r"^[ \t]*(?:requires-python|python_requires)[ \t]*[=:][ \t]*[\"']?(?P<spec>[^\"'\n#]+)",
    re.MULTILINE,
)
_CANDIDATES = [Minor(2, 7), *(Minor(3, minor) for minor in range(0, 30))]


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


def oldest_declared(files: Mapping[str, str]) -> Minor | None:
    """The oldest Python the package files declare: the floor of ``requires-python`` /
    ``python_requires``, else the oldest classifier; None when they declare nothing."""
    package = {p: t for p, t in files.items() if p.rpartition("/")[2] in PACKAGE_FILES}
    floors = [_floor(m["spec"]) for text in package.values() for m in _REQUIRES_RE.finditer(text)]
    found = [floor for floor in floors if floor is not None]
    if not found:
        found = [Minor.parse(m["version"]) for text in package.values()
                 for m in CLASSIFIER_RE.finditer(text)]  # fmt: skip
    return min(found, default=None)


def _floor(spec: str) -> Minor | None:
    try:
        allowed = SpecifierSet(spec.strip().rstrip(",)"))
    except InvalidSpecifier:
        return None
    return next((v for v in _CANDIDATES if allowed.contains(f"{v}.99")), None)
