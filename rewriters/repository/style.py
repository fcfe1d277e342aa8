"""How a repository writes what molt writes: the quote around version strings in YAML.

A file that quotes its own versions is followed as it is (``rewriters.versions.yaml_quote``);
``repository_quote`` is the fallback for the files that do not, read from all the others and
passed in as ``Policy.facts.quote``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from rewriters import registry
from rewriters.versions import majority_quote, quote_counts


def repository_quote(files: Mapping[str, str]) -> str:
    """The quote the repository's YAML files put around version values most often
    (``'3.9'``, ``"3.12"``, ``'pypy-3.10'``); double quotes on a tie or when none is quoted."""
    counts: Counter[str] = Counter()
    for path, text in files.items():
        if path.endswith((".yml", ".yaml")) and registry.claims(path):
            counts += quote_counts(text)
    return majority_quote(counts) or '"'
