"""Helpers for request page tests: the latest request raised, setting a control by value."""

from __future__ import annotations

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import ServiceRequest


def latest_request(session: Session) -> ServiceRequest:
    session.rollback()
    return session.exec(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()


def set_value(user: TestUser, marker: str, value: object) -> None:
    """Set the value of the control marked ``marker`` (a select's key, not its label)."""
    element = user.find(marker=marker).elements.pop()
    element.set_value(value)
