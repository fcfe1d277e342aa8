"""What a route handler gets and gives: the call, the reply, GitHub's errors, paging."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlencode

from tests.fakes._state import Repo, World

_MAX_PER_PAGE = 100
_READ = ("GET", "HEAD")


class Call(NamedTuple):
    """One authenticated request, as a handler sees it."""

    api: str
    world: World
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    installation_id: int | None  # None: a personal token or the App's JWT
    actor: str

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[-1]


class Reply(NamedTuple):
    status: int
    body: Any
    headers: Mapping[str, str] = MappingProxyType({})


class HTTPError(Exception):
    """An answer GitHub gives with an error body: 404, 422, …"""

    def __init__(
        self, status: int, message: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


def not_found() -> HTTPError:
    return HTTPError(404, "Not Found")


def invalid(text: str, **error: Any) -> HTTPError:
    """422 with GitHub's ``errors`` list when ``error`` names a resource, field and code."""
    return HTTPError(422, text, [error] if error else None)


def repo_of(call: Call) -> Repo:
    """The path's repository, if this token may see it (GitHub hides the rest behind 404)."""
    repo = call.world.repo(f"{call.params['owner']}/{call.params['repo']}")
    if repo is None or call.installation_id not in (None, repo.installation_id):
        raise not_found()
    if repo.archived and call.method not in _READ:
        raise HTTPError(403, "Repository was archived so is read-only.")
    return repo


def page(call: Call, items: list[Any]) -> Reply:
    """One page of a list, with GitHub's ``Link`` header pointing at its neighbours."""
    per_page = min(int(call.arg("per_page") or 30), _MAX_PER_PAGE)
    number = max(int(call.arg("page") or 1), 1)
    last = max(1, -(-len(items) // per_page))
    rels = {"prev": number - 1, "first": 1} if number > 1 else {}
    rels |= {"next": number + 1, "last": last} if number < last else {}
    query = {key: values[-1] for key, values in call.query.items()} | {"per_page": str(per_page)}
    links = [
        f'<{call.api}{call.path}?{urlencode(query | {"page": str(n)})}>; rel="{rel}"'
        for rel, n in rels.items()
    ]
    body = items[(number - 1) * per_page : number * per_page]
    return Reply(200, body, {"Link": ", ".join(links)} if links else {})
