"""List requests: filter (scim2-models' parser and evaluator), sort, startIndex/count paging,
attributes/excludedAttributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError
from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidValueException,
    ListResponse,
    Resource,
    SearchRequest,
)
from scim2_models.path import AttrPath, Comparison

R = TypeVar("R", bound=Resource[Any])

MAX_COUNT = 200  # announced as filter.maxResults
PARAMS = {
    "filter": "filter",
    "startindex": "startIndex",
    "count": "count",
    "attributes": "attributes",
    "excludedattributes": "excludedAttributes",
    "sortby": "sortBy",
    "sortorder": "sortOrder",
}


def search_request(model: type[R], params: Mapping[str, str]) -> SearchRequest[R]:
    """The query string as a SearchRequest (parameter names are caseless, as Entra varies them)."""
    payload: dict[str, Any] = {}
    for name, value in params.items():
        key = PARAMS.get(name.lower())
        if key is not None:
            payload[key] = value
    try:
        request = SearchRequest[model].model_validate(  # type: ignore[valid-type]
            payload, scim_ctx=Context.SEARCH_REQUEST
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]) if first.get("loc") else "query"
        if where == "filter":
            raise InvalidFilterException(detail=f"Invalid filter: {first['msg']}") from None
        raise InvalidValueException(detail=f"Invalid {where}: {first['msg']}") from None
    return request


def search_body(model: type[R], payload: Mapping[str, Any]) -> SearchRequest[R]:
    """A POST .search body as a SearchRequest."""
    try:
        return SearchRequest[model].model_validate(  # type: ignore[valid-type]
            payload, scim_ctx=Context.SEARCH_REQUEST
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]) if first.get("loc") else "body"
        if where == "filter":
            raise InvalidFilterException(detail=f"Invalid filter: {first['msg']}") from None
        raise InvalidValueException(detail=f"Invalid {where}: {first['msg']}") from None


def top_equality(request: SearchRequest[Any]) -> tuple[str, Any] | None:
    """(attribute, value) when the whole filter is `<attr> eq <value>` on a top-level attribute:
    the lookup identity providers make before every create, narrowed in SQL."""
    ast = request.filter.ast if request.filter is not None else None
    if isinstance(ast, Comparison) and ast.op == "eq" and isinstance(ast.attr_path, AttrPath):
        path = ast.attr_path
        if path.sub_attr is None and path.uri in (None, ""):
            return path.attr.lower(), ast.value
    return None


def page(model: type[R], request: SearchRequest[R], resources: list[R]) -> ListResponse[R]:
    """Filter, sort and cut one page (startIndex is 1-based; count 0 asks for the total only)."""
    if request.filter is not None:
        resources = [r for r in resources if request.filter.match(r)]
    if request.sort_by is not None:
        resources = request.sort(resources)
    start = max(request.start_index or 1, 1)
    count = MAX_COUNT if request.count is None else min(max(request.count, 0), MAX_COUNT)
    chosen = resources[start - 1 : start - 1 + count]
    return ListResponse[model](  # type: ignore[valid-type]
        total_results=len(resources),
        start_index=start,
        items_per_page=len(chosen),
        resources=chosen or None,
    )


def render(response: ListResponse[R], request: SearchRequest[R]) -> dict[str, Any]:
    return response.model_dump(
        scim_ctx=Context.SEARCH_RESPONSE,
        response_parameters=request,
    )
