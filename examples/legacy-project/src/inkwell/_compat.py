"""What differs between the Pythons inkwell supports."""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    from typing import Self
else:
    from typing_extensions import Self

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib


def load_settings(path: str) -> dict[str, Any]:
    """The ``[tool.inkwell]`` table of a ``pyproject.toml``."""
    with open(path, "rb") as handle:
        settings: dict[str, Any] = tomllib.load(handle).get("tool", {}).get("inkwell", {})
    return settings


class Style:
    """A terminal style that can be copied and changed."""

    def copy(self) -> Self:
        return self
