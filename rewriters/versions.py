"""Python version tokens in every spelling seen in the wild (the list rule is ``rewriters.rules``).

A token is one word naming a Python minor: ``3.9``, ``3.9.18``, ``3.9-dev``, ``py39``,
``py3.9``, ``cp39``, ``pp39``, ``python3.9``, ``python39``, ``pypy-3.9``, ``pypy3.9``,
``pypy-3.9-nightly``.
Retargeting a token keeps its spelling and only swaps the version (a pinned patch becomes
the latest patch of the new minor).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple


class Minor(NamedTuple):
    """A Python minor version such as 3.9."""

    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def nodot(self) -> str:
        """The ``39`` spelling used by tox, cibuildwheel and friends."""
        return f"{self.major}{self.minor}"

    @classmethod
    def parse(cls, text: str) -> Minor:
        """Parse ``"3.10"``; raise ``ValueError`` on anything else."""
        match = re.fullmatch(r"([23])\.(\d{1,2})", text.strip())
        if match is None:
            raise ValueError(f"not a Python minor version: {text!r}")
        return cls(int(match[1]), int(match[2]))


# prefix, then either a dotted version or (after a prefix) the no-dot form
_PREFIX = r"(?P<prefix>(?:python|pypy|py|cp|pp)-?)"
_VERSION = (
    r"(?P<major>[23])(?P<dot>\.?)(?P<minor>\d{1,2})"
    r"(?P<patch>\.\d+)?(?P<suffix>(?:-dev|-nightly|-rc|-beta|-alpha|-alpha\.\d+|-beta\.\d+|-rc\.\d+)?)"
)
TOKEN_RE = re.compile(rf"{_PREFIX}?{_VERSION}", re.IGNORECASE)
# the tokens with a prefix only: no try at every digit 2 and 3 of a long text
PREFIXED_RE = re.compile(rf"{_PREFIX}{_VERSION}", re.IGNORECASE)

# isort's and hatch's ``39``: a minor without its dot, only where a setting expects one
BARE_RE = re.compile(r"3(\d{1,2})")
# a token as a word of longer text (not the ``3.9`` of ``13.9`` or ``3.9.1.2``)
WORD_RE = re.compile(rf"(?<![A-Za-z0-9.]){TOKEN_RE.pattern}(?![0-9]|\.[0-9])", re.IGNORECASE)


class Token(NamedTuple):
    """A parsed version token; ``str(token)`` gives back the original spelling."""

    prefix: str
    version: Minor
    dot: str
    patch: str
    suffix: str
    # the whole text of a range naming this minor only (``>=3.11 <3.12``): it never moves
    span: str = ""

    def __str__(self) -> str:
        if self.span:
            return self.span
        v = self.version
        return f"{self.prefix}{v.major}{self.dot}{v.minor}{self.patch}{self.suffix}"

    @property
    def prerelease(self) -> bool:
        """True for setup-python's pre-release spellings: ``3.14-dev``, ``3.14.0-rc.2``."""
        return bool(self.suffix)


def parse_token(text: str) -> Token | None:
    """Parse one whole token, or return None when ``text`` is not a Python version."""
    match = TOKEN_RE.fullmatch(text)
    if match is None:
        return None
    prefix, dot = match["prefix"] or "", match["dot"]
    if not prefix and not dot:
        return None  # a bare "39" is not a version
    if match["patch"] and not dot:
        return None
    return Token(
        prefix=prefix,
        version=Minor(int(match["major"]), int(match["minor"])),
        dot=dot,
        patch=match["patch"] or "",
        suffix=match["suffix"] or "",
    )


# setup-python's semver ranges: ``3.11.0-beta - 3.11``, ``>=3.11 <3.12``, ``3.11.x``, ``~3.11``
_SEMVER = r"v?(?P<major>[23])\.(?P<minor>\d{1,2})(?P<patch>\.(?:\d+|[xX*]))?(?:-[0-9A-Za-z.]+)?"
_COMPARATOR_RE = re.compile(rf"(?P<op>>=|<=|>|<|=|~|\^)?\s*{_SEMVER}")
_HYPHEN_RE = re.compile(r"(\S+)\s+-\s+(\S+)")


def version_range(text: str) -> tuple[Minor, Minor | None] | None:
    """The oldest and newest minor a semver range of Pythons takes (None for no upper bound:
    setup-python picks the newest), or None when ``text`` is a plain version or not a range."""
    text = text.strip()
    if parse_token(text) is not None:
        return None
    hyphen = _HYPHEN_RE.fullmatch(text)
    parts = [f">={hyphen[1]}", f"<={hyphen[2]}"] if hyphen else re.split(r"[\s,]+", text)
    low: Minor | None = None
    high: Minor | None = None
    for part in parts:
        match = _COMPARATOR_RE.fullmatch(part)
        if match is None:
            return None
        version = Minor(int(match["major"]), int(match["minor"]))
        op, patch = match["op"] or "=", match["patch"] or ""
        if op in (">=", ">", "=", "~", "^"):
            low = version
        if op in ("<=", "=", "~"):
            high = version
        elif op == "<":
            high = Minor(version.major, version.minor - 1) if patch in ("", ".0") else version
    if low is None:
        low = Minor(high.major if high else 3, 0)
    return None if high is not None and high < low else (low, high)


def range_token(text: str) -> Token | None:
    """A range whose versions all lie in one minor, as a token naming that minor."""
    found = version_range(text)
    if found is None or found[0] != found[1]:
        return None
    return Token("", found[0], ".", "", "", span=text.strip())


def retarget(token: Token, new: Minor, latest_patch: Callable[[Minor], str]) -> str:
    """Spell ``new`` the way ``token`` was spelled."""
    patch = ""
    if token.patch:
        patch = "." + latest_patch(new).rsplit(".", 1)[1]
    return str(token._replace(version=new, patch=patch))


def needs_quotes_in_yaml(value: str) -> bool:
    """True when a plain YAML scalar would not read back as this version string.

    ``3.10`` unquoted is the float 3.1; any version >= x.10 is quoted so nobody has to think.
    """
    token = parse_token(value)
    return token is not None and not token.prefix and token.version.minor >= 10


# a quoted scalar in a value position: after ``key:``, ``- ``, ``[`` or ``,``
_QUOTED_VALUE_RE = re.compile(r"""(?:[:\[,]|^[ \t]*-)[ \t]*(['"])([^'"\n]*)\1""")


def quote_counts(text: str) -> Counter[str]:
    """How many version values YAML ``text`` writes in ``'`` and in ``"`` (comments skipped)."""
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        code = line.split(" #", 1)[0]
        if not code.lstrip().startswith("#"):
            found = _QUOTED_VALUE_RE.finditer(code)
            counts.update(m[1] for m in found if parse_token(m[2]) is not None)
    return counts


def majority_quote(counts: Counter[str]) -> str | None:
    """The quote ``counts`` has more of; None on a tie (no quoted versions at all, say)."""
    if counts["'"] == counts['"']:
        return None
    return "'" if counts["'"] > counts['"'] else '"'


def yaml_quote(text: str, default: str) -> str:
    """The quote YAML ``text`` writes versions with most, else ``default`` (the repository's)."""
    return majority_quote(quote_counts(text)) or default


def join_names(versions: Sequence[Minor]) -> str:
    """``3.9``, ``3.9 and 3.10``, ``3.8, 3.9 and 3.10``."""
    names = [str(v) for v in sorted(set(versions))]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def mentions(text: str, versions: Collection[Minor | None]) -> bool:
    """True when a word of ``text`` names one of ``versions`` in any spelling."""
    return any(
        (token := parse_token(match[0])) is not None and token.version in versions
        for match in WORD_RE.finditer(text)
    )
