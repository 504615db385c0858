"""Checks for an entity's one base model: the table and the services' inputs derive from it and keep its limits."""

from __future__ import annotations

from pydantic import BaseModel

from models.common import max_length


def limited_fields(model: type[BaseModel]) -> list[str]:
    """The text fields of ``model`` that carry a ``max_length``."""
    return [name for name, info in model.model_fields.items()
            if any(getattr(rule, "max_length", None) is not None for rule in info.metadata)]


def assert_shares_limits(base: type[BaseModel], *models: type[BaseModel]) -> None:
    """Each of ``models`` derives from ``base`` and takes every one of its limits unchanged."""
    assert limited_fields(base), f"{base.__name__} has no limits"
    for model in models:
        assert issubclass(model, base), f"{model.__name__} does not derive from {base.__name__}"
        for field in limited_fields(base):
            assert max_length(model, field) == max_length(base, field), f"{model.__name__}.{field}"
