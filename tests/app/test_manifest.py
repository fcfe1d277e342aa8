"""app.yml asks for what the handlers need, and no more."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from app.events import HANDLERS

MANIFEST = YAML(typ="safe").load(Path(__file__).parents[2] / "app.yml")
# Delivered to every App without subscribing.
ALWAYS_SENT = {"installation", "installation_repositories"}


def test_subscribes_to_the_handled_events_and_no_others():
    handled = {name for name, _action in HANDLERS} - ALWAYS_SENT
    assert sorted(MANIFEST["default_events"]) == sorted(handled)


def test_least_permissions_including_workflows():
    assert MANIFEST["default_permissions"] == {
        "contents": "write",
        "pull_requests": "write",
        "issues": "write",
        "metadata": "read",
        "workflows": "write",
        "checks": "write",
        "statuses": "read",
    }


def test_probot_keys():
    assert {"name", "url", "description", "public"} <= set(MANIFEST)
