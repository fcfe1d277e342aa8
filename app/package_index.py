"""The package index: a project's files, cached on disk with revalidation, and which CPython a
release installs on.

A project page is read from the simple repository API: PEP 691 JSON, or the PEP 503 HTML an
older private index serves instead. Names, versions, specifiers and wheel tags are read by
``packaging``. Answers are kept on disk (``IndexCache``): a fresh one (within the index's
``max-age``) costs no request, a stale one is revalidated with ``If-None-Match`` /
``If-Modified-Since``, and a 304 keeps it. One ``PackageIndex`` is made by whoever runs the
jobs (a worker for every repository it handles, or the CLI for one checkout); each repository
spends from its own ``Budget`` of requests and seconds, so no repository can hold a worker on
a slow index. An index that fails (5xx, timeout, an unreadable answer) raises
``IndexUnavailable``; callers skip the check and say so.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple, Self
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from app.errors import MoltError
from app.memory import LRU

log = logging.getLogger(__name__)

DEFAULT_INDEX_URL = "https://pypi.org/simple/"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, text/html;q=0.01"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# How long an answer is fresh when the index says nothing (PyPI's own max-age is 600).
FRESH_SECONDS = 600.0
CACHE_FILES = 20_000  # project pages kept on disk; the oldest go first
PARSED_PROJECTS = 2_000  # project pages kept parsed in memory
REQUESTS_PER_REPOSITORY = 60
SECONDS_PER_REPOSITORY = 60.0


class IndexUnavailable(MoltError):
    """The index failed to answer (error status, timeout, unreadable page); try again later."""


class BudgetSpent(MoltError):
    """A repository used up its index requests or its time."""


class Distribution(NamedTuple):
    """One file of a release: a wheel (with its tags) or an sdist (no tags)."""

    filename: str
    version: Version
    tags: frozenset[Tag]
    requires_python: SpecifierSet | None
    yanked: bool

    @property
    def is_wheel(self) -> bool:
        """True for a wheel, False for a source distribution."""
        return bool(self.tags)


class Project(NamedTuple):
    """Every file the index lists for a project, by release (oldest release first)."""

    name: NormalizedName
    releases: Mapping[Version, tuple[Distribution, ...]]

    @classmethod
    def of(cls, name: NormalizedName, files: Iterable[Distribution]) -> Project:
        """The project whose files are ``files``."""
        found: dict[Version, list[Distribution]] = {}
        for dist in files:
            found.setdefault(dist.version, []).append(dist)
        return cls(name, {version: tuple(found[version]) for version in sorted(found)})

    @property
    def files(self) -> tuple[Distribution, ...]:
        """Every file, release by release."""
        return tuple(dist for files in self.releases.values() for dist in files)


class Support(enum.Enum):
    """Whether a release installs on one CPython minor, and how."""

    WHEEL = "a wheel"
    SOURCE = "only a source distribution"  # the release ships no wheel at all: it builds
    NO_WHEEL = "no wheel"  # it ships wheels, none for this Python: an sdist would compile
    EXCLUDED = "excluded by requires-python"
    ABSENT = "no files"

    @property
    def installs(self) -> bool:
        """True when pip installs the release as its authors meant it to be installed."""
        return self in (Support.WHEEL, Support.SOURCE)


@cache
def _interpreters(minor: tuple[int, int]) -> frozenset[tuple[str, str]]:
    """The (interpreter, abi) pairs of the wheel tags CPython ``minor`` accepts: its own
    ``cpXY-cpXY``, ``abi3`` from any older CPython, and the pure ``pyX`` / ``pyXY`` ones."""
    own = f"cp{minor[0]}{minor[1]}"
    tags = [
        *cpython_tags(minor, abis=[own], platforms=["any"]),
        *compatible_tags(minor, interpreter=own, platforms=["any"]),
    ]
    return frozenset((tag.interpreter, tag.abi) for tag in tags)


def admits(dist: Distribution, python: Version) -> bool:
    """True when the file's ``requires-python`` (if any) admits ``python``."""
    return dist.requires_python is None or dist.requires_python.contains(python, prereleases=True)


def support(files: Iterable[Distribution], python: str) -> Support:
    """How one release (its files) installs on CPython ``python`` (a full version, ``3.11.9``).

    Platforms are not told apart: molt does not know where a repository deploys, so a wheel
    for any platform counts.
    """
    version = Version(python)
    accepted = _interpreters((version.major, version.minor))
    files = list(files)
    wheels = [d for d in files if d.is_wheel]
    matching = [d for d in wheels if any((t.interpreter, t.abi) in accepted for t in d.tags)]
    if any(admits(d, version) for d in matching):
        return Support.WHEEL
    if matching:
        return Support.EXCLUDED
    sdists = [d for d in files if not d.is_wheel]
    if sdists and not any(admits(d, version) for d in sdists):
        return Support.EXCLUDED
    if sdists:
        return Support.NO_WHEEL if wheels else Support.SOURCE
    return Support.NO_WHEEL if wheels else Support.ABSENT


def is_yanked(files: Iterable[Distribution]) -> bool:
    """True when every file of a release is yanked (PEP 592): pip never picks it for a range."""
    files = list(files)
    return bool(files) and all(d.yanked for d in files)


def requires_python(files: Iterable[Distribution]) -> SpecifierSet | None:
    """The release's ``requires-python``: its sdist's, else its first wheel's that says one."""
    ordered = sorted(files, key=lambda d: d.is_wheel)
    return next((d.requires_python for d in ordered if d.requires_python is not None), None)


# --- reading a project page ---------------------------------------------------------------


def _specifier(text: object) -> SpecifierSet | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None  # pip ignores a requires-python it cannot read, and so does molt


def _distribution(
    project: NormalizedName, filename: str, requires: object, yanked: bool
) -> Distribution | None:
    """The file as a ``Distribution``, or None for a file pip would not install (an egg, an
    ``.exe``, another project's file, a name ``packaging`` cannot read)."""
    try:
        if filename.endswith(".whl"):
            name, version, _, tags = parse_wheel_filename(filename)
        else:
            name, version = parse_sdist_filename(filename)
            tags = frozenset()
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    if name != project:
        return None
    return Distribution(filename, version, tags, _specifier(requires), yanked)


def parse_json(project: NormalizedName, body: str) -> Project:
    """A PEP 691 project page. Raises ``ValueError`` when it is not one."""
    page = json.loads(body)
    if not isinstance(page, dict) or not isinstance(page.get("files"), list):
        raise ValueError("not a PEP 691 project page")
    api = str(page.get("meta", {}).get("api-version", "1.0"))
    if api.split(".")[0] != "1":
        raise ValueError(f"unsupported simple API version {api}")
    files = []
    for entry in page["files"]:
        if isinstance(entry, dict) and isinstance(entry.get("filename"), str):
            yanked = entry.get("yanked", False)
            dist = _distribution(
                project, entry["filename"], entry.get("requires-python"), yanked is not False
            )
            files += [dist] if dist else []
    return Project.of(project, files)


class _Anchors(HTMLParser):
    """The anchors of a PEP 503 page: filename, ``data-requires-python``, ``data-yanked``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str | None, bool]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or self._open is None:
            return
        href = self._open.get("href") or ""
        path = unquote(urlsplit(href).path.rsplit("/", 1)[-1])
        name = "".join(self._text).strip() or path
        yanked = "data-yanked" in self._open
        self.found.append((name, self._open.get("data-requires-python"), yanked))
        self._open = None


def parse_html(project: NormalizedName, body: str) -> Project:
    """A PEP 503 project page."""
    anchors = _Anchors()
    anchors.feed(body)
    anchors.close()
    files = (_distribution(project, *found) for found in anchors.found)
    return Project.of(project, (dist for dist in files if dist is not None))


# --- the disk cache -----------------------------------------------------------------------


class Cached(NamedTuple):
    """One index answer as stored: the page (None for a 404) and how to revalidate it."""

    body: str | None
    content_type: str
    etag: str | None
    last_modified: str | None
    stored_at: float
    max_age: float


class IndexCache:
    """Index answers on disk, one file per URL, at most ``maximum`` files (oldest go first).

    Made by whoever runs the jobs and shared by every repository they check. Safe to share
    between threads: each file is written whole and moved into place.
    """

    def __init__(
        self,
        directory: Path,
        *,
        maximum: int = CACHE_FILES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.maximum = maximum
        self.clock = clock
        self._count: int | None = None

    def _path(self, url: str) -> Path:
        return self.directory / f"{hashlib.sha256(url.encode()).hexdigest()}.json"

    def get(self, url: str) -> Cached | None:
        """The stored answer for ``url``, or None (also for a file that cannot be read)."""
        try:
            raw = json.loads(self._path(url).read_text(encoding="utf-8"))
            return Cached(**raw)
        except (OSError, ValueError, TypeError):
            return None

    def put(self, url: str, entry: Cached) -> None:
        """Store ``entry``; a cache that cannot be written is only a slower cache."""
        path = self._path(url)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            new = not path.exists()
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(entry._asdict()), encoding="utf-8")
            temporary.replace(path)
        except OSError as error:
            log.warning("package index cache not written: %s", type(error).__name__)
            return
        if new:
            self._grown()

    def is_fresh(self, entry: Cached) -> bool:
        """True while ``entry`` is younger than the max-age the index gave it."""
        return self.clock() - entry.stored_at < entry.max_age

    def _grown(self) -> None:
        if self._count is None:
            self._count = sum(1 for _ in self.directory.glob("*.json"))
        else:
            self._count += 1
        if self._count > self.maximum:
            self._prune()

    def _prune(self) -> None:
        """Remove the least recently stored tenth (at least one file) beyond ``maximum``."""
        files = sorted(self.directory.glob("*.json"), key=_mtime)
        keep = self.maximum - self.maximum // 10
        for path in files[: max(0, len(files) - keep)]:
            path.unlink(missing_ok=True)
        self._count = min(len(files), keep)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# --- the client ---------------------------------------------------------------------------


class Budget:
    """What one repository may spend on the index: requests and seconds.

    It also counts what it saw, for logs and the bench: requests made, answers revalidated
    with a 304, and answers the cache had fresh (no request at all).
    """

    def __init__(
        self,
        requests: int = REQUESTS_PER_REPOSITORY,
        seconds: float = SECONDS_PER_REPOSITORY,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = requests
        self.clock = clock
        self.deadline = clock() + seconds
        self.requests = 0
        self.not_modified = 0
        self.fresh = 0

    def spend(self) -> float:
        """Take one request; the seconds left for it. Raises ``BudgetSpent`` when none is left."""
        left = self.deadline - self.clock()
        if self.requests >= self.limit:
            raise BudgetSpent(f"the limit of {self.limit} index requests per repository")
        if left <= 0:
            raise BudgetSpent("the time the index check may take")
        self.requests += 1
        return left


class _Known(NamedTuple):
    """A project page as the client knows it: how it was stored, and what it says."""

    entry: Cached
    project: Project | None


def display_url(url: str) -> str:
    """``url`` without credentials, for messages and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def _max_age(headers: Mapping[str, str]) -> float:
    for part in headers.get("cache-control", "").split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() == "max-age" and value.strip().isdigit():
            return float(value)
    return FRESH_SECONDS


CACHE_DIR = "index-cache"  # under the data dir: the package index's answers


def open_index(url: str, data_dir: Path) -> PackageIndex:
    """The index at ``url`` with its answers cached in ``data_dir``."""
    return PackageIndex(url, IndexCache(data_dir / CACHE_DIR))


class PackageIndex:
    """The project pages of one index (``url``: the simple API root), through ``cache``."""

    def __init__(
        self,
        url: str,
        cache: IndexCache,
        *,
        client: httpx.Client | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.cache = cache
        self.timeout = timeout
        self._client = client or httpx.Client(follow_redirects=True)
        self._parsed: LRU[str, _Known] = LRU(PARSED_PROJECTS)

    def __repr__(self) -> str:
        return f"PackageIndex({display_url(self.url)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def project_url(self, name: str) -> str:
        """The project page of ``name`` (normalized, as PEP 503 asks)."""
        return urljoin(self.url, f"{canonicalize_name(name)}/")

    def project(self, name: str, budget: Budget) -> Project | None:
        """The files of project ``name``, or None when the index does not have it.

        Raises ``IndexUnavailable`` when the index fails, ``BudgetSpent`` when the
        repository's budget is spent and the cache cannot answer.
        """
        url = self.project_url(name)
        known = self._known(url)
        if known is not None and self.cache.is_fresh(known.entry):
            budget.fresh += 1
            return known.project
        response = self._get(url, known, budget)
        if response.status_code == 304 and known is not None:
            budget.not_modified += 1
            entry = known.entry._replace(stored_at=self.cache.clock())
            entry = entry._replace(max_age=_max_age(response.headers))
            return self._store(url, entry, known.project)
        return self._read(url, canonicalize_name(name), response)

    def _known(self, url: str) -> _Known | None:
        known = self._parsed.get(url)
        if known is not None:
            return known
        entry = self.cache.get(url)
        if entry is None:
            return None
        try:
            project = _parse(url, entry)
        except ValueError:
            return None  # stored by another version of molt, say: fetch it again
        known = _Known(entry, project)
        self._parsed.put(url, known)
        return known

    def _get(self, url: str, known: _Known | None, budget: Budget) -> httpx.Response:
        left = budget.spend()
        headers = {"Accept": ACCEPT}
        if known is not None and known.entry.etag:
            headers["If-None-Match"] = known.entry.etag
        if known is not None and known.entry.last_modified:
            headers["If-Modified-Since"] = known.entry.last_modified
        timeout = httpx.Timeout(
            min(self.timeout.read or left, left), connect=min(self.timeout.connect or left, left)
        )
        where = display_url(url)
        try:
            response = self._client.get(url, headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            raise IndexUnavailable(f"{display_url(self.url)} timed out") from None
        except httpx.HTTPError as error:
            raise IndexUnavailable(f"{display_url(self.url)}: {type(error).__name__}") from None
        log.debug("index %s: %s", where, response.status_code)
        if response.status_code not in (200, 304, 404, 410):
            raise IndexUnavailable(f"{display_url(self.url)} answered {response.status_code}")
        return response

    def _read(self, url: str, name: NormalizedName, response: httpx.Response) -> Project | None:
        found = response.status_code == 200
        entry = Cached(
            body=response.text if found else None,
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            stored_at=self.cache.clock(),
            max_age=_max_age(response.headers),
        )
        try:
            project = _parse(url, entry, name)
        except ValueError as error:
            raise IndexUnavailable(f"{display_url(url)}: unreadable answer ({error})") from None
        self.cache.put(url, entry)
        return self._store(url, entry, project, write=False)

    def _store(
        self, url: str, entry: Cached, project: Project | None, *, write: bool = True
    ) -> Project | None:
        if write:
            self.cache.put(url, entry)
        self._parsed.put(url, _Known(entry, project))
        return project


def _parse(url: str, entry: Cached, name: NormalizedName | None = None) -> Project | None:
    """The project an answer describes (None for a 404). Raises ``ValueError``."""
    if entry.body is None:
        return None
    project = name or canonicalize_name(url.rstrip("/").rsplit("/", 1)[-1])
    kind = entry.content_type.split(";")[0].strip().lower()
    if kind in (JSON_TYPE, "application/json"):
        return parse_json(project, entry.body)
    if kind in ("text/html", "application/vnd.pypi.simple.v1+html", ""):
        return parse_html(project, entry.body)
    raise ValueError(f"unexpected content type {kind}")


def releases_installing(project: Project, python: str) -> Iterator[Version]:
    """The releases of ``project`` that install on CPython ``python`` (yanked ones left out),
    oldest first."""
    for version, files in project.releases.items():
        if not is_yanked(files) and support(files, python).installs:
            yield version
