"""What every domain model stands on: id and time helpers, text limits and field types, the strict
`Model` base, and the enumerations stored as text (phase, audit and action status, reach).

`datawalk.models` re-exports every name here; this module must not import streamlit or touch the
database either.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SHORT_TEXT = 200
LONG_TEXT = 10_000


_ID_BYTES = 12  # a multiple of 3: each id is exactly 16 URL-safe characters, with no padding
_ID_CHARS = _ID_BYTES * 4 // 3


def new_id() -> str:
    """Return an unguessable id, safe in URLs: ids end up in query params on shared tablets."""
    return secrets.token_urlsafe(_ID_BYTES)


def new_ids(count: int) -> list[str]:
    """`count` ids as `new_id` makes them, from one draw of the system's randomness: a bulk
    write of thousands of rows would otherwise ask for it once per row."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(_ID_BYTES * count)).decode("ascii")
    return [text[start : start + _ID_CHARS] for start in range(0, len(text), _ID_CHARS)]


def utc_now() -> datetime:
    return datetime.now(UTC)


def sorted_unique(values: list[str]) -> list[str]:
    """Audience and control sets are sets: keep them canonical so round trips compare equal."""
    return sorted(set(values))


ShortText = Annotated[str, StringConstraints(max_length=SHORT_TEXT)]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT)
]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT)]
VocabId = Annotated[str, StringConstraints(min_length=1, max_length=80)]
# A reference to another record's id: every string field has a length limit, imports included.
RefId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
IdSet = Annotated[list[VocabId], AfterValidator(sorted_unique)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class Model(BaseModel):
    """Strict base: an unknown field is an error, so a typo in an import is never dropped."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    def checked(self) -> Self:
        """Return this record validated again: `model_copy(update=...)` skips validation, so a
        use case checks what it stores here and no length limit or pattern is bypassed.

        Raises:
            pydantic.ValidationError: a field breaks its rule.
        """
        return type(self).model_validate(self.model_dump(mode="json"))

    @classmethod
    def stored(cls, values: dict[str, Any]) -> Self:
        """`model_construct` of a record this database wrote, given every field: no validation
        (it was validated on its way in) and, unlike `model_construct`, no walk over the fields
        looking for aliases and defaults, which cost more than the query on a 10,000-finding
        read. Anything short of every field, or a model with aliases or hooks, goes through
        `model_construct`.
        """
        fields = cls.__pydantic_fields__
        if values.keys() != fields.keys() or not _plainly_built(cls):
            return cls.model_construct(**values)
        record = cls.__new__(cls)
        # In the fields' own order, as validation would leave them: dumps follow this order.
        object.__setattr__(record, "__dict__", {name: values[name] for name in fields})
        object.__setattr__(record, "__pydantic_fields_set__", set(fields))
        object.__setattr__(record, "__pydantic_extra__", None)
        object.__setattr__(record, "__pydantic_private__", None)
        return record


@cache
def _plainly_built(cls: type[BaseModel]) -> bool:
    """Whether `model_construct` would do nothing but set every given field as it is."""
    return not (
        cls.__pydantic_post_init__
        or cls.__private_attributes__
        or cls.__pydantic_root_model__
        or any(f.alias or f.validation_alias for f in cls.model_fields.values())
    )


class Phase(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through"
    SPECIAL = "special"
    EARLY_YEARS = "early_years"


class AuditStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    ARCHIVED = "archived"


class Reach(StrEnum):
    """How quickly the people who must act can reach the information, fastest first."""

    IMMEDIATELY = "immediately"
    WITHIN_5_MINUTES = "within_5_minutes"
    SAME_DAY = "same_day"
    ON_REQUEST = "on_request"
    NOT_AT_ALL = "not_at_all"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    RISK_ACCEPTED = "risk_accepted"
