"""A package index the real installers can use: PEP 503 HTML and PEP 691 JSON pages over HTTP
on 127.0.0.1, serving wheels and sdists built here, with PEP 658 metadata files.

The distributions are tiny but real: a wheel is a zip with ``METADATA`` (``Requires-Python``,
``Requires-Dist``), ``WHEEL`` and ``RECORD``; an sdist is a ``.tar.gz`` with ``PKG-INFO``. uv,
Poetry, pdm and pip-compile resolve against it exactly as against PyPI.

    with SimpleIndex(DISTS) as index:
        run(["uv", "lock", "--default-index", index.url])
        with index.withholding(("six", "1.17.0")):   # as if not yet released
            ...
        index.down = True          # every request answers 503 from now on
        index.hang = 5.0           # every request waits five seconds first
        index.requests             # the paths asked for, in order
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import tarfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import NamedTuple

from packaging.utils import canonicalize_name

from tests.fakes.index import JSON_TYPE, LocalServer

FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # every archive member's date: the bytes are reproducible


class Dist(NamedTuple):
    """One release of a pure-Python project: its metadata and which files it has."""

    name: str
    version: str
    requires_python: str | None = None
    requires: tuple[str, ...] = ()
    wheel: bool = True
    sdist: bool = True


# Releases for the lock-file tests, each about one behaviour:
# - tomli: a backport only Pythons before 3.11 need (the change must remove it);
# - demo-lib: newer releases exist beyond the locked one (no unrelated upgrade may happen);
# - old-only: its newest release leaves the old Pythons, so the 3.9 lock holds an older one.
DISTS: tuple[Dist, ...] = (
    Dist("tomli", "2.0.1", ">=3.7"),
    Dist("tomli", "2.2.1", ">=3.8"),
    Dist("demo-lib", "1.0.0", ">=3.8"),
    Dist("demo-lib", "1.1.0", ">=3.8", ("tomli>=1.1; python_version < '3.11'",)),
    Dist("demo-lib", "2.0.0", ">=3.9"),
    Dist("six", "1.16.0", ">=2.7"),
    Dist("six", "1.17.0", ">=2.7"),
    Dist("old-only", "1.0.0", ">=3.8"),
    Dist("old-only", "2.0.0", ">=3.11"),
)


def metadata(dist: Dist) -> str:
    """The core metadata (``METADATA`` / ``PKG-INFO``) of ``dist``."""
    lines = ["Metadata-Version: 2.1", f"Name: {dist.name}", f"Version: {dist.version}"]
    if dist.requires_python:
        lines.append(f"Requires-Python: {dist.requires_python}")
    lines += [f"Requires-Dist: {requirement}" for requirement in dist.requires]
    return "\n".join(lines) + "\n\n"


def _stem(dist: Dist) -> str:
    return f"{dist.name.replace('-', '_')}-{dist.version}"


def build_wheel(dist: Dist) -> tuple[str, bytes]:
    """A ``py3-none-any`` wheel of ``dist``: its file name and bytes."""
    info = f"{_stem(dist)}.dist-info"
    members = {
        f"{dist.name.replace('-', '_')}/__init__.py": "",
        f"{info}/METADATA": metadata(dist),
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    members[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in members.items():
            archive.writestr(zipfile.ZipInfo(path, FIXED_TIME), text)
    return f"{_stem(dist)}-py3-none-any.whl", buffer.getvalue()


def build_sdist(dist: Dist) -> tuple[str, bytes]:
    """A ``.tar.gz`` sdist of ``dist`` holding its ``PKG-INFO``: its file name and bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        data = metadata(dist).encode()
        member = tarfile.TarInfo(f"{_stem(dist)}/PKG-INFO")
        member.size, member.mtime = len(data), 1_704_067_200
        archive.addfile(member, io.BytesIO(data))
    return f"{_stem(dist)}.tar.gz", buffer.getvalue()


class _File(NamedTuple):
    dist: Dist
    filename: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def core_metadata(self) -> bytes | None:
        return metadata(self.dist).encode() if self.filename.endswith(".whl") else None


def _files(dists: Iterable[Dist]) -> dict[str, list[_File]]:
    by_project: dict[str, list[_File]] = {}
    for dist in dists:
        built = [build_wheel(dist)] if dist.wheel else []
        built += [build_sdist(dist)] if dist.sdist else []
        files = by_project.setdefault(canonicalize_name(dist.name), [])
        files.extend(_File(dist, name, data) for name, data in built)
    return by_project


class SimpleIndex(LocalServer):
    """The index and what it holds. Starts on construction, stops with ``close()``."""

    def __init__(self, dists: Iterable[Dist] = DISTS) -> None:
        self.projects = _files(dists)
        self.down = False
        self.hang = 0.0
        self.withheld: frozenset[tuple[str, str]] = frozenset()
        self.requests: list[str] = []
        super().__init__()
        self.root = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.root}/simple/"

    @contextmanager
    def withholding(self, *releases: tuple[str, str]) -> Iterator[None]:
        """Serve the index without ``releases`` ((name, version) pairs) for a while."""
        self.withheld = frozenset((canonicalize_name(n), v) for n, v in releases)
        try:
            yield
        finally:
            self.withheld = frozenset()

    def _listed(self, name: str) -> list[_File]:
        return [f for f in self.projects[name] if (name, f.dist.version) not in self.withheld]

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        status, kind, body = self._page(handler.path, handler.headers.get("Accept", ""))
        return status, {"Content-Type": kind}, body

    def _page(self, path: str, accept: str) -> tuple[int, str, bytes]:
        self.requests.append(path)
        if self.hang:
            time.sleep(self.hang)
        if self.down:
            return 503, "text/plain", b"Service Unavailable"
        if path.startswith("/files/"):
            return self._file(path.removeprefix("/files/"))
        if path.rstrip("/") == "/simple":
            links = "".join(f'<a href="{name}/">{name}</a>\n' for name in sorted(self.projects))
            page = f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>"
            return 200, "text/html", page.encode()
        name = canonicalize_name(path.removeprefix("/simple/").strip("/"))
        if not path.startswith("/simple/") or name not in self.projects:
            return 404, "text/plain", b"Not Found"
        if JSON_TYPE in accept:
            return 200, JSON_TYPE, self._json(name).encode()
        return 200, "text/html", self._html(name).encode()

    def _file(self, filename: str) -> tuple[int, str, bytes]:
        for files in self.projects.values():
            for file in files:
                if filename == file.filename:
                    return 200, "application/octet-stream", file.data
                if filename == f"{file.filename}.metadata" and file.core_metadata:
                    return 200, "application/octet-stream", file.core_metadata
        return 404, "text/plain", b"Not Found"

    def _json(self, name: str) -> str:
        files = []
        for file in self._listed(name):
            meta = file.core_metadata
            files.append(
                {
                    "filename": file.filename,
                    "url": f"{self.root}/files/{file.filename}",
                    "hashes": {"sha256": file.sha256},
                    "requires-python": file.dist.requires_python,
                    "core-metadata": {"sha256": hashlib.sha256(meta).hexdigest()}
                    if meta
                    else False,
                    "yanked": False,
                }
            )
        versions = sorted({f.dist.version for f in self._listed(name)})
        page = {"meta": {"api-version": "1.1"}, "name": name, "files": files, "versions": versions}
        return json.dumps(page)

    def _html(self, name: str) -> str:
        anchors = []
        for file in self._listed(name):
            attrs = f'href="{self.root}/files/{file.filename}#sha256={file.sha256}"'
            if file.dist.requires_python:
                attrs += f' data-requires-python="{html.escape(file.dist.requires_python)}"'
            meta = file.core_metadata
            if meta:
                attrs += f' data-core-metadata="sha256={hashlib.sha256(meta).hexdigest()}"'
            anchors.append(f"<a {attrs}>{file.filename}</a><br />")
        return (
            f"<!DOCTYPE html>\n<html><head><title>Links for {name}</title></head><body>\n"
            + "\n".join(anchors)
            + "\n</body></html>\n"
        )
