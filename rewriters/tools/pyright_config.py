"""pyrightconfig.json: ``pythonVersion``, at the top and in each execution environment.

pyright reads its config as JSON with comments and trailing commas, so the scanner of
``rewriters.formats.jsonc`` locates the version strings and the edits are made in the text: comments
and layout stay. What moves: ``"pythonVersion": "3.9"`` at the top level and in each object of
the top-level ``"executionEnvironments"`` array, to the new minimum spelled the same way
(``3.9.18`` becomes the new minimum's latest patch). ``pythonVersion`` anywhere else, values
that are not versions and versions the policy keeps stay as they are.
"""

from __future__ import annotations

from rewriters.formats.jsonc import String, Value, check_parses, parse
from rewriters.policy import Policy
from rewriters.result import Edit, Record, Rewrite
from rewriters.versions import parse_token, retarget


def _python_version(where: str, config: dict[str, Value], policy: Policy, found: Record) -> None:
    """Move ``config``'s ``pythonVersion`` to the policy's minimum when the policy drops it."""
    value = config.get("pythonVersion")
    if not isinstance(value, String):
        return
    token = parse_token(value.value)  # pyright spells versions 3.9 or 3.9.18, nothing else
    if token is None or token.prefix or token.suffix or not policy.drops(token.version):
        return
    new = retarget(token, policy.minimum, policy.latest_patch)
    found.edits.append(Edit(value.start, value.end, new))
    found.changes.append(f"{where}pythonVersion: {value.value} → {new}")
    found.dropped.add(token.version)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move pyright's target versions (top level and execution environments) to the minimum."""
    document = parse(text)
    if not isinstance(document, dict):
        return None
    found = Record()
    _python_version("", document, policy, found)
    environments = document.get("executionEnvironments")
    for index, environment in enumerate(environments if isinstance(environments, list) else []):
        if isinstance(environment, dict):
            _python_version(f"executionEnvironments[{index}].", environment, policy, found)
    return found.finish(text, check_parses)
