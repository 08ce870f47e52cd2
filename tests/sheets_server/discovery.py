"""Requests checked against Google's own discovery document of the Sheets API v4 (shipped
in google-api-python-client): the body's field names, types and enum values, the query
parameters a method takes, and the ``fields`` partial-response mask.

Google parses a request body as the method's proto message: an unknown name is refused
(``Invalid JSON payload received. Unknown name "titel" at 'requests[0].add_sheet.properties':
Cannot find field.``), a value of the wrong type or an unknown enum value too. Like
Google's proto3 JSON parser this accepts snake_case names (``value_input_option``),
integers written as strings (``"7"``) and enum values written as their numbers; the body
handed on is normalized to camelCase names and real integers.

``fields`` (a system parameter of every method) selects parts of the answer:
``a,b/c,d(e,f)``, with ``.`` or ``/`` between names (gspread sends both) and ``*`` for
every field of a level. Names the method's response cannot have are refused; what is
selected is all that comes back.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from .grid import ApiError

# A field mask: name → the mask below it, or None for the whole value.
Mask = dict[str, "Mask | None"]

_SHEETS = "sheets.spreadsheets."
# The request log's kinds (see grid.KINDS) and the discovery methods they serve.
METHODS = {
    "get": _SHEETS + "get",
    "batchGet": _SHEETS + "values.batchGet",
    "valuesGet": _SHEETS + "values.get",
    "valuesUpdate": _SHEETS + "values.update",
    "batchUpdateValues": _SHEETS + "values.batchUpdate",
    "batchUpdate": _SHEETS + "batchUpdate",
    "append": _SHEETS + "values.append",
    "clear": _SHEETS + "values.clear",
    "batchClear": _SHEETS + "values.batchClear",  # the "clear" kind without a range
    "metadataGet": _SHEETS + "developerMetadata.get",
    "metadataSearch": _SHEETS + "developerMetadata.search",
    "getByDataFilter": _SHEETS + "getByDataFilter",
    "batchGetByDataFilter": _SHEETS + "values.batchGetByDataFilter",
    "batchUpdateByDataFilter": _SHEETS + "values.batchUpdateByDataFilter",
    "batchClearByDataFilter": _SHEETS + "values.batchClearByDataFilter",
}


@functools.cache
def _document() -> dict[str, Any]:
    spec = importlib.util.find_spec("googleapiclient")
    assert spec is not None and spec.submodule_search_locations, "google-api-python-client"
    folder = Path(next(iter(spec.submodule_search_locations)))
    path = folder / "discovery_cache" / "documents" / "sheets.v4.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@functools.cache
def _methods() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(resources: dict[str, Any]) -> None:
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                found[method["id"]] = method
            walk(resource.get("resources", {}))

    walk(_document()["resources"])
    return found


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = _document()["schemas"][name]
    return schema


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _schema(schema["$ref"])
    return schema


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def _at(where: list[str]) -> str:
    return ".".join(where).replace(".[", "[")


# ----------------------------------------------------------------- bodies


def check_body(kind: str, body: Any) -> Any:
    """The body, normalized, or a 400 naming the first thing Google would refuse."""
    method = _methods()[METHODS[kind]]
    request = method.get("request")
    if request is None:
        if body not in (None, {}):
            raise ApiError(400, "Invalid JSON payload received. This method takes no body.")
        return None
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "Invalid JSON payload received. Expected an object (a JSON map) as the request.",
        )
    return _value(body, {"$ref": request["$ref"]}, [])


def _value(value: Any, schema: dict[str, Any], where: list[str]) -> Any:
    schema = _resolve(schema) if "$ref" in schema else schema
    kind = schema.get("type")
    if value is None:
        return None  # proto3 JSON: null is "not set"
    if kind == "object":
        return _object(value, schema, where)
    if kind == "array":
        if not isinstance(value, list):
            raise _invalid(where, "list", value)
        item = schema["items"]
        if item.get("type") == "any":
            return list(value)  # cell values: the handler checks them
        return [_value(v, item, [*where, f"[{i}]"]) for i, v in enumerate(value)]
    if kind == "string":
        return _string(value, schema, where)
    if kind == "integer":
        return _integer(value, schema, where)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _invalid(where, "TYPE_DOUBLE", value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                raise _invalid(where, "TYPE_DOUBLE", value) from None
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _invalid(where, "TYPE_BOOL", value)
        return value
    return value  # "any": the handler checks it


def _object(value: Any, schema: dict[str, Any], where: list[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(where, "object", value)
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key if key in properties else _camel(key)
        if name in properties:
            checked = _value(item, properties[name], [*where, _snake(name)])
        elif extra is not None:
            name, checked = key, _value(item, extra, [*where, key])
        else:
            at = f" at '{_at(where)}'" if where else ""
            raise ApiError(
                400,
                f'Invalid JSON payload received. Unknown name "{key}"{at}: Cannot find field.',
            )
        if checked is not None:
            out[name] = checked
    return out


def _string(value: Any, schema: dict[str, Any], where: list[str]) -> str:
    enum = schema.get("enum")
    if enum is not None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(enum):
            return str(enum[value])
        if not isinstance(value, str) or value not in enum:
            raise _invalid(where, "enum", value)
        return value
    if not isinstance(value, str):
        raise _invalid(where, "TYPE_STRING", value)
    return value


def _integer(value: Any, schema: dict[str, Any], where: list[str]) -> int:
    if isinstance(value, bool):
        raise _invalid(where, "TYPE_INT32", value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if not isinstance(value, int) or not -(2**31) <= value < 2**31:
        raise _invalid(where, "TYPE_INT32", value)
    return value


def _invalid(where: list[str], kind: str, value: Any) -> ApiError:
    return ApiError(400, f"Invalid value at '{_at(where)}' ({kind}), {json.dumps(value)}")


# ----------------------------------------------------------------- query parameters


def check_query(kind: str, query: dict[str, list[str]]) -> None:
    """Every query parameter must be one the method (or every method) takes."""
    method = _methods()[METHODS[kind]]
    known = {n for n, p in method.get("parameters", {}).items() if p["location"] == "query"}
    known |= set(_document()["parameters"])
    for name in query:
        if name not in known and _camel(name) not in known:
            raise ApiError(
                400,
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                f"parameter. Field '{name}' could not be found in request message.",
            )


# ----------------------------------------------------------------- field masks


def field_mask(kind: str, query: dict[str, list[str]]) -> Mask | None:
    """The ``fields`` mask of a request (None: the whole answer), checked against the
    method's response."""
    texts = [t for t in query.get("fields") or [] if t.strip()]
    if not texts:
        return None
    mask: Mask = {}
    for text in texts:
        _merge(mask, _Parser(text).parse())
    response = _methods()[METHODS[kind]]["response"]
    _check_mask(mask, {"$ref": response["$ref"]}, [])
    return mask


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text.replace(" ", "")
        self.pos = 0

    def parse(self) -> Mask:
        mask = self.selection()
        if self.pos != len(self.text):
            raise self.error()
        return mask

    def selection(self) -> Mask:
        mask: Mask = {}
        while True:
            path = [self.name()]
            while self.peek() in ("/", "."):
                self.pos += 1
                path.append(self.name())
            below: Mask | None = None
            if self.peek() == "(":
                self.pos += 1
                below = self.selection()
                if self.peek() != ")":
                    raise self.error()
                self.pos += 1
            for name in reversed(path[1:]):
                below = {name: below}
            _merge(mask, {path[0]: below})
            if self.peek() != ",":
                return mask
            self.pos += 1

    def name(self) -> str:
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\*").match(self.text, self.pos)
        if match is None:
            raise self.error()
        self.pos = match.end()
        return match.group(0)

    def peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def error(self) -> ApiError:
        return ApiError(400, f"Invalid field selection: {self.text}")


def _merge(into: Mask, other: Mask) -> None:
    for name, below in other.items():
        if name in into:
            current = into[name]
            if current is None:
                continue
            if below is None:
                into[name] = None
            else:
                _merge(current, below)
        else:
            into[name] = below


def _check_mask(mask: Mask, schema: dict[str, Any], where: list[str]) -> None:
    schema = _resolve(schema)
    while schema.get("type") == "array":
        schema = _resolve(schema["items"])
    properties = schema.get("properties", {})
    for name, below in mask.items():
        if name == "*":
            continue
        if name not in properties and _camel(name) not in properties:
            raise ApiError(400, f"Invalid field selection {'.'.join([*where, name])}")
        if below is not None:
            _check_mask(below, properties.get(name) or properties[_camel(name)], [*where, name])


def apply_mask(value: Any, mask: Mask | None) -> Any:
    """``value`` with only what ``mask`` selects (lists: each item)."""
    if mask is None:
        return value
    if isinstance(value, list):
        return [apply_mask(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        below = mask.get(key, mask.get(_snake(key), _MISSING)) if "*" not in mask else None
        if below is _MISSING:
            continue
        out[key] = apply_mask(item, below)
    return out


_MISSING: Any = object()


def selects(mask: Mask | None, *path: str) -> bool:
    """Whether the mask selects anything at or below ``path`` (None selects all)."""
    node: Mask | None = mask
    for name in path:
        if node is None or "*" in node:
            return True
        below = node.get(name, node.get(_snake(name), _MISSING))
        if below is _MISSING:
            return False
        node = below
    return True
