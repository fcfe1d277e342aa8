"""Which keys of a CI file hold Python versions by what they hold, whatever they are called.

A key's name decides most cases (``rewriters.ci.work.is_python_key``). A key named otherwise
(``interpreter``, ``target``, ``environment``) is a version axis when a list under it, or a
space-separated string (``interpreter: 3.9 3.10 3.11``), holds nothing but Python versions:

- two values at least, every one a CPython 3 minor from 3.5 up that molt knows was released,
  spelled ``3.N`` (a patch or a pre-release suffix allowed) or with a Python prefix (``py39``,
  ``pypy3.10``, ``cp311``);
- the key does not name another language, runtime or service (``ruby: ["3.2", "3.3"]``,
  ``django: ["3.2", "4.2"]``, ``mongodb: ["3.6"]`` are not Python), nor only where a value
  sits (a parameter's ``default``: its single values elsewhere stay ambiguous).

A matrix key whose values pick a file named for a version (``ci/environment-${{
matrix.environment }}.yaml``) is a Python key too, from one value up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewriters.ci.work import is_python_key, is_tox_key, key_words
from rewriters.formats import yaml
from rewriters.formats.yaml import Node, ScalarNode
from rewriters.policy import Policy
from rewriters.versions import Minor, Token, parse_token

# ``ci/environment-${{ matrix.environment }}.yaml``: a file path built from a matrix value
_FILE_TEMPLATE_RE = re.compile(r"[\w./-]*\$\{\{\s*matrix\.([\w-]+)\s*\}\}[\w-]*\.[A-Za-z]\w*")

# words in a key that say it is about something other than Python
_OTHER_WORDS = frozenset(
    {
        "ruby", "rails", "node", "nodejs", "npm", "go", "golang", "java", "jdk", "jvm", "kotlin",
        "scala", "sbt", "php", "dotnet", "net", "csharp", "rust", "elixir", "erlang", "otp",
        "julia", "perl", "lua", "swift", "dart", "flutter", "haskell", "ghc", "r", "gcc",
        "clang", "llvm", "cuda", "cmake", "qt", "django", "flask", "numpy", "pandas", "sphinx",
        "postgres", "postgresql", "pg", "mysql", "mariadb", "mongo", "mongodb", "redis",
        "elasticsearch", "kafka", "rabbitmq", "sqlite", "kubernetes", "k8s", "helm", "terraform",
        "ansible", "ubuntu", "debian", "alpine", "centos", "fedora", "macos", "windows", "os",
        "xcode", "android", "ios", "gradle", "maven", "electron", "deno", "bun",
    }
)  # fmt: skip

OLDEST = Minor(3, 5)

# keys that only say where a value sits (a parameter's ``default``): their lists are read by
# the key that owns them, never made a Python key for the whole file
_STRUCTURAL = frozenset({"default", "values", "value", "options", "enum", "items", "list"})


def python_keys(text: str, documents: list[Node], policy: Policy) -> frozenset[str]:
    """Keys of this file that hold Python versions by content (see the module docstring)."""
    templated = set(_FILE_TEMPLATE_RE.findall(text))
    found = set()
    for key, value in _pairs(documents):
        if key in _STRUCTURAL or is_python_key(key) or is_tox_key(key) or _names_other(key):
            continue
        words = _values(value)
        if len(words) >= (1 if key in templated else 2) and all(
            is_version(w, policy) for w in words
        ):
            found.add(key)
    return frozenset(found)


def is_version(word: str, policy: Policy) -> bool:
    """True for a word that can only be a released CPython 3 minor from 3.5 up, or a PyPy."""
    token = parse_token(word)
    return token is not None and _plausible(token, policy)


def spaced_versions(value: str, policy: Policy) -> bool:
    """True for a string of two or more words that are all Python versions: ``3.9 3.10``."""
    words = value.split()
    return len(words) >= 2 and all(is_version(w, policy) for w in words)


def _plausible(token: Token, policy: Policy) -> bool:
    version = token.version
    if version.major != 3 or version < OLDEST or version not in policy.releases:
        return False
    return bool(token.dot) or token.prefix.lower().rstrip("-") in ("py", "cp", "pp", "pypy")


def _names_other(key: str) -> bool:
    return any(word in _OTHER_WORDS for word in key_words(key))


def _values(node: Node) -> list[str]:
    """The words a list holds, or a scalar's space-separated words; none for anything else."""
    if isinstance(node, ScalarNode):
        return node.value.split() if node.style in (None, "'", '"') else []
    items = yaml.items_of(node)
    if not items or not all(isinstance(item, ScalarNode) for item in items):
        return []
    return [str(item.value).strip() for item in items]


def _pairs(documents: list[Node]) -> Iterator[tuple[str, Node]]:
    """Every key/value pair of the file, each node once (an alias is its anchor's node)."""
    stack = list(documents)
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for key, value in yaml.items(node):
            yield key, value
            stack.append(value)
        stack.extend(yaml.items_of(node))
