"""A service's input as a form sends it, held to its entity's limits.

Each entity's text limits are written once, on its base model in models/ (``max_length``, e.g.
models.requests.ServiceRequestBase): the table, the service's input and the form's ``maxlength``
(models.common.max_length) read them from there. A text longer than that is refused in the
user's words, as a msgid (InvalidInput), never cut.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from pydantic import ModelWrapValidatorHandler, ValidationError, model_validator
from sqlmodel import SQLModel

from core.i18n import N_
from models.common import max_length
from services.errors import InvalidInput

TOO_LONG = N_("A text field is longer than {n} characters.")

M = TypeVar("M", bound="CheckedInput")


class CheckedInput(SQLModel):
    """Mixed into a service's input (after the entity's base): building one with a text over its limit
    raises InvalidInput with the field's message (``too_long``, else TOO_LONG), wherever it is built.

    An API body derives from the entity's base instead, so that FastAPI answers such a body with a 422.
    """

    too_long: ClassVar[dict[str, str]] = {}

    @model_validator(mode="wrap")
    @classmethod
    def _long_text_is_the_users_message(cls, values: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        try:
            return handler(values)
        except ValidationError as exc:
            for error in exc.errors():
                if error["type"] == "string_too_long" and error["loc"]:
                    raise refusal(cls, str(error["loc"][0]), int(error["ctx"]["max_length"])) from exc
            raise


def refusal(model: type[CheckedInput], field: str, limit: int) -> InvalidInput:
    """The user's message for a ``field`` of ``model`` longer than ``limit``."""
    return InvalidInput(model.too_long.get(field, TOO_LONG), n=limit)


def check_length(model: type[CheckedInput], field: str, value: str) -> str:
    """``value`` if it fits ``model.field``; InvalidInput otherwise. For a value checked on its own (stripped,
    or given to the service as an argument)."""
    limit = max_length(model, field)
    if len(value) > limit:
        raise refusal(model, field, limit)
    return value


def check_lengths(data: M) -> M:
    """``data`` if every text fits its limit: a copy made with ``model_copy(update=...)`` was not validated."""
    model = type(data)
    for field, info in model.model_fields.items():
        value = getattr(data, field)
        if isinstance(value, str) and any(getattr(rule, "max_length", None) is not None for rule in info.metadata):
            check_length(model, field, value)
    return data
