"""How the API describes itself: component names, summaries and error responses.

Views follow one shape (one `APIView` per operation, nested `InputSerializer`
and `OutputSerializer`), so drf-spectacular's defaults would name every nested
serializer `Input` or `Output` and let them overwrite each other. This schema
class applies three rules to every view, old and new, without annotations:

* a nested `InputSerializer`/`OutputSerializer` is named after its view:
  `TaskListApi.InputSerializer` becomes `TaskListInput` (sent as
  `TaskListInputRequest`), `SeedDetailApi.OutputSerializer` becomes
  `SeedDetailOutput`;
* an operation without an explicit `summary` takes the first line of its
  method's docstring, else the view's docstring when the view has a single
  operation, else words made from the view's name;
* every operation documents the error responses Atelier can give, all with
  the same `Error` body (`detail`, `code`): 400 where it reads input, 401/403
  (missing or bad credentials, not allowed), 404 where it looks something up
  (by the path, a cursor, or ids in the body: `looks_up_body_ids` on the view),
  409 for writes refused by the current state, 413/415 where it takes a
  body (too large, or in a format it does not read), 429 when throttled.

`tests/test_api_schema.py` turns every drf-spectacular warning into a failure,
so a clash or an undocumented field is caught when it is written.
"""

from __future__ import annotations

import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_media_type_object

NESTED_SERIALIZERS = {"InputSerializer": "Input", "OutputSerializer": "Output"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a sentence a person can act on and a stable code. "
    "Validation errors add `errors`, the messages per field.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "description": "Messages per field (validation errors only).",
            "oneOf": [
                {"type": "object", "additionalProperties": True},
                {"type": "array", "items": {}},
            ],
        },
    },
    "required": ["detail", "code"],
    "additionalProperties": True,
}

ERROR_DESCRIPTIONS = {
    "400": "The input is invalid; `errors` says which field and why.",
    "401": "The credentials sent are not valid.",
    "403": "Not signed in, bad credentials, or not allowed to do this.",
    "404": "No such object (or not visible to you), or an invalid cursor.",
    "409": "Refused because of the current state (slots full, already done, ...).",
    "413": "The body (or upload) is too large.",
    "415": "The body is not in a format this operation reads.",
    "429": "Too many requests; slow down and retry later.",
}


def _words(name: str) -> str:
    """`ClaimCreateApi` -> `Claim create`."""
    stem = name.removesuffix("Api")
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", stem)
    return " ".join(words).capitalize() if words else stem


def _first_sentence(doc: str | None) -> str:
    if not doc:
        return ""
    line = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    match = re.match(r"(.+?[.!?])(\s|$)", line)
    return (match.group(1) if match else line).rstrip(".")


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema with Atelier's naming, summaries and errors."""

    def get_serializer_name(self, serializer, direction) -> str:  # noqa: ANN001
        cls = type(serializer)
        outer, _, inner = cls.__qualname__.rpartition(".")
        if outer and inner in NESTED_SERIALIZERS:
            return outer.split(".")[-1].removesuffix("Api") + NESTED_SERIALIZERS[inner]
        return cls.__name__

    def get_summary(self) -> str | None:
        explicit = super().get_summary()
        if explicit:
            return explicit
        handler = getattr(self.view, self.method.lower(), None)
        summary = _first_sentence(getattr(handler, "__doc__", None))
        if summary:
            return summary
        methods = [
            m for m in self.view.http_method_names if m not in ("options", "head")
        ]
        operations = [m for m in methods if hasattr(self.view, m)]
        if len(operations) == 1:
            summary = _first_sentence(type(self.view).__doc__)
            if summary:
                return summary
        name = _words(type(self.view).__name__)
        return name if len(operations) == 1 else f"{name} ({self.method.lower()})"

    # -- error responses ------------------------------------------------------

    def get_operation(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        component = ResolvedComponent(
            name="Error",
            type=ResolvedComponent.SCHEMA,
            object="atelier-error",
            schema=ERROR_SCHEMA,
        )
        self.registry.register_on_missing(component)
        responses = operation.setdefault("responses", {})
        codes = self._error_codes(operation.get("parameters", []))
        if "requestBody" in operation:
            codes += ["413", "415"]
        for code in codes:
            responses.setdefault(
                code,
                {
                    "content": {
                        "application/json": build_media_type_object(component.ref)
                    },
                    "description": ERROR_DESCRIPTIONS[code],
                },
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, parameters: list[dict]) -> list[str]:
        query = {p["name"] for p in parameters if p.get("in") == "query"}
        codes = ["401", "403", "429"]
        if self.method in WRITE_METHODS or query:
            codes.append("400")
        looks_up_body = getattr(self.view, "looks_up_body_ids", False)
        if "{" in self.path or "cursor" in query or looks_up_body:
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes.append("409")
        return codes
