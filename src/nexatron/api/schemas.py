"""Shared request/response model bases."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


class Request(BaseModel):
    """Request bodies refuse unknown fields (a typo is a 422, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Patch(Request):
    """A partial update: omitted fields stay as they are; `null` is refused for the fields listed
    in `not_null` (they have no empty state), rather than failing in the store."""

    not_null: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        bad = [n for n in self.not_null if n in self.model_fields_set and getattr(self, n) is None]
        if bad:
            raise PydanticCustomError(
                "not_null", "{fields} may be omitted but not null", {"fields": ", ".join(bad)}
            )
        return self
