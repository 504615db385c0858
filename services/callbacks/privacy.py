"""Callbacks under the resident's rights: in the household's archive, and deleted with it.

Registers with services/privacy/resident_data.py, which imports this module at its end, so the rule
applies wherever an export or a deletion runs. Registered after the visits, so a household's
callbacks are deleted before the visits they point at.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from models import Callback, CallbackDraw
from services.privacy.resident_data import ResidentDataProvider, row_as_dict


def export_callbacks(session: Session, household_id: int) -> tuple[Any, dict[str, bytes]]:
    rows = session.exec(select(Callback, CallbackDraw.week).join(CallbackDraw, CallbackDraw.id == Callback.draw_id)
                        .where(Callback.household_id == household_id).order_by(col(Callback.id))).all()
    return [{"week": week, **row_as_dict(callback, exclude={"household_id", "draw_id", "closed_by_id"})}
            for callback, week in rows], {}


def delete_callbacks(session: Session, household_id: int) -> list[str]:
    session.exec(delete(Callback).where(col(Callback.household_id) == household_id))  # type: ignore[call-overload]
    return []


PROVIDER = ResidentDataProvider(name="callbacks", export=export_callbacks, delete=delete_callbacks)
