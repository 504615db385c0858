"""Helpers for request page tests: the latest request raised."""

from __future__ import annotations

from sqlmodel import Session, select

from models import ServiceRequest


def latest_request(session: Session) -> ServiceRequest:
    session.rollback()
    return session.exec(select(ServiceRequest).order_by(ServiceRequest.id.desc())).first()
