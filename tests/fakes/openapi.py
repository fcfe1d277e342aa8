"""GitHub's OpenAPI subset as a router and a validator for the fake's requests and responses.

The description is OpenAPI 3.0 (GitHub's, June 2022): schemas are JSON Schema draft 4 plus
``nullable``. On load, ``nullable: true`` becomes a ``"null"`` type and every internal ``$ref``
is made absolute, so any schema in the document can be checked on its own with jsonschema.
Extra fields are allowed wherever GitHub's schemas allow them; required fields and types hold.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

SUBSET = Path(__file__).resolve().parent.parent / "fixtures" / "openapi-subset.json"
_BASE = "urn:github-openapi"
_METHODS = ("get", "post", "put", "patch", "delete")
# GitHub may answer any endpoint with these, described or not; they carry a basic-error body.
_ANY_ENDPOINT_ERRORS = frozenset({401, 403, 404, 429, 500, 502, 503})
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Operation:
    """One method + path template of the description."""

    method: str
    template: str
    spec: dict[str, Any] = field(repr=False)
    pattern: re.Pattern[str] = field(repr=False)

    @property
    def operation_id(self) -> str:
        return str(self.spec["operationId"])

    @property
    def literal_size(self) -> int:
        """How much of the template is fixed text: the more specific route wins."""
        return len(re.sub(r"\{[^}]+\}", "", self.template))


def _convert(node: Any) -> Any:
    """Turn OpenAPI 3.0 schema dialect into draft 4: nullable → null type, refs absolute."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _convert(schema) for name, schema in value.items()}
        elif key in ("example", "examples"):
            out[key] = value
        elif key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = _BASE + value
        else:
            out[key] = _convert(value)
    return _nullable(out) if out.pop("nullable", False) else out


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    if "type" in schema:
        kind = schema["type"]
        schema["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
        return schema
    return {"anyOf": [{"type": "null"}, schema]}


class OpenAPI:
    """Routes (method, path) to an operation and checks what crosses the wire against it."""

    def __init__(self, path: Path = SUBSET) -> None:
        self.document: dict[str, Any] = _convert(json.loads(path.read_text()))
        resource = DRAFT4.create_resource(self.document)
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self.operations = tuple(self._operations())

    def _operations(self) -> list[Operation]:
        found = []
        for template, item in self.document["paths"].items():
            for method in _METHODS:
                if method in item:
                    pattern = re.compile(self._template_regex(template, item[method]))
                    found.append(Operation(method.upper(), template, item[method], pattern))
        return found

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The most specific operation for a raw (percent-encoded) path, with decoded params."""
        hits = [
            (op, m)
            for op in self.operations
            if op.method == method
            if (m := op.pattern.fullmatch(path))
        ]
        if not hits:
            return None
        op, found = max(hits, key=lambda hit: hit[0].literal_size)
        return op, {name: unquote(value) for name, value in found.groupdict().items()}

    def check_request(
        self, op: Operation, params: dict[str, str], query: dict[str, list[str]], body: Any
    ) -> list[str]:
        """Problems with a request: parameters (path and query) and the JSON body."""
        problems = self._check_parameters(
            op, {"path": {k: [v] for k, v in params.items()}, "query": query}
        )
        problems += self._check_body(op, body)
        return [f"{op.method} {op.template} request: {p}" for p in problems]

    def check_response(self, op: Operation, status: int, body: Any) -> list[str]:
        """Problems with a response: an undescribed status or a body off its schema."""
        described = op.spec["responses"].get(str(status))
        if status == 304 and op.method == "GET" and body is None:
            return []  # any GET answers a matching If-None-Match so
        if described is None and status not in _ANY_ENDPOINT_ERRORS:
            return [f"{op.method} {op.template} response: status {status} is not described"]
        error = {"$ref": f"{_BASE}#/components/schemas/basic-error"}
        if described is None:
            schema: dict[str, Any] | None = error
        else:
            schema = _json_schema(self._resolve(described))
            # Some errors are described with no body, yet GitHub sends its error JSON with them.
            schema = error if schema is None and status >= 400 else schema
        problems = self.validate(schema, body) if schema is not None else []
        if schema is None and body is not None:
            problems = [f"status {status} is described without a body"]
        return [f"{op.method} {op.template} response {status}: {p}" for p in problems]

    def validate(self, schema: dict[str, Any], instance: Any) -> list[str]:
        """Every way ``instance`` breaks ``schema``, one short line each."""
        validator = _validator(json.dumps(schema, sort_keys=True), self)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [_shorten(f"{e.json_path}: {e.message}") for e in errors]

    def _check_parameters(self, op: Operation, given: dict[str, dict[str, list[str]]]) -> list[str]:
        declared = [self._resolve(p) for p in op.spec.get("parameters", [])]
        names = {(p["in"], p["name"]) for p in declared}
        problems = [
            f"unknown query parameter {n!r}" for n in given["query"] if ("query", n) not in names
        ]
        for param in declared:
            values = given.get(param["in"], {}).get(param["name"])
            if values is None:
                if param.get("required"):
                    problems.append(f"missing required {param['in']} parameter {param['name']!r}")
                continue
            value = _coerce(values[-1], param["schema"])
            problems += [f"{param['name']}: {p}" for p in self.validate(param["schema"], value)]
        return problems

    def _check_body(self, op: Operation, body: Any) -> list[str]:
        described = op.spec.get("requestBody")
        if described is None:
            return [] if body is None else ["a body was sent to an operation that takes none"]
        if body is None:
            return ["the request body is required"] if described.get("required") else []
        schema = _json_schema(described)
        return self.validate(schema, body) if schema is not None else []

    def _template_regex(self, template: str, spec: dict[str, Any]) -> str:
        params = [self._resolve(p) for p in spec.get("parameters", [])]
        multi = {p["name"] for p in params if p.get("x-multi-segment")}

        def group(m: re.Match[str]) -> str:
            name = m.group(1)
            return f"(?P<{name}>.+)" if name in multi else f"(?P<{name}>[^/]+)"

        return re.sub(r"\\\{(\w+)\\\}", group, re.escape(template))

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self._registry.resolver().lookup(node["$ref"]).contents
        return node


def _json_schema(described: dict[str, Any]) -> dict[str, Any] | None:
    content = described.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    return None if media is None else media.get("schema")


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    """Query and path values arrive as text; give the validator the type the schema wants."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


@cache
def _validator(schema_json: str, api: OpenAPI) -> Draft4Validator:
    return Draft4Validator(json.loads(schema_json), registry=api._registry)


@cache
def load() -> OpenAPI:
    """The subset, parsed once per test session (it is 400 kB)."""
    return OpenAPI()
