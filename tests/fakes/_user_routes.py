"""Routes for a signed-in user's token: who they are, which installations and repos they see."""

from __future__ import annotations

from tests.fakes import _shapes as shapes
from tests.fakes._call import Call, HTTPError, Reply, not_found, page
from tests.fakes._state import User

_NEEDS_USER_TOKEN = (
    "You must authenticate with an access token authorized to a GitHub App in order to list"
    " installations"
)


def get_user(call: Call) -> Reply:
    if call.installation_id is not None:
        raise HTTPError(403, "Resource not accessible by integration")
    found = call.world.users.get(call.actor) or User(call.actor, None)
    return Reply(200, shapes.private_user(call.api, found))


def list_installations(call: Call) -> Reply:
    user, world = _signed_in(call), call.world
    found = [world.installations[i] for i in user.installations if i in world.installations]
    items = [shapes.installation(call.api, i, world.app_id, world.app_slug) for i in found]
    listed = page(call, items)
    return listed._replace(body={"total_count": len(items), "installations": listed.body})


def list_installation_repos(call: Call) -> Reply:
    user, installation_id = _signed_in(call), int(call.params["installation_id"])
    if installation_id not in user.installations:
        raise not_found()
    repos = [r for r in call.world.repos.values() if r.installation_id == installation_id]
    seen = [r for r in repos if user.can_see(r)]
    listed = page(call, [shapes.repository(call.api, r, call.world) for r in seen])
    body = {"total_count": len(seen), "repository_selection": "selected"}
    return listed._replace(body=body | {"repositories": listed.body})


def _signed_in(call: Call) -> User:
    """The user behind a user-to-server token (from the OAuth web flow), else 403."""
    found = call.world.users.get(call.actor)
    if call.installation_id is not None or found is None:
        raise HTTPError(403, _NEEDS_USER_TOKEN)
    return found
