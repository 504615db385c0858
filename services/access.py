"""Who may see which household: the one place the visibility rule is written down."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from models import Household, Pairing, Role, User
from services.areas import subtree_ids


def household_scope(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on Household limiting rows to those the actor may see."""
    if not actor.active:
        return false()
    if actor.role == Role.admin:
        return true()
    if actor.role == Role.coordinator:
        return col(Household.area_id).in_(subtree_ids(session, actor.area_id))
    if actor.role == Role.member:
        paired = select(Pairing.household_id).where(
            Pairing.member_id == actor.id, col(Pairing.ended_at).is_(None)
        )
        return col(Household.id).in_(paired)
    return false()


def can_see_household(session: Session, actor: User, household_id: int) -> bool:
    found = session.exec(
        select(Household.id).where(Household.id == household_id, household_scope(session, actor))
    ).first()
    return found is not None


def reads_are_audited(actor: User) -> bool:
    """Coordinators and admins reading a household record leave an audit entry."""
    return actor.role in (Role.admin, Role.coordinator)


def can_manage_households(actor: User) -> bool:
    return actor.active and actor.role in (Role.admin, Role.coordinator)
