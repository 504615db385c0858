"""Who may do what: the role sets, the area scope and the named checks, written down once.

Pages build their menus and guards from these names, services check with them, and the API
and the command line go through the same services, so a rule changes here or nowhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from models import Household, Pairing, Role, User
from services.org.areas import subtree_ids

# Role sets, named for what they allow.
ALL_ROLES: frozenset[Role] = frozenset(Role)
MANAGERS: frozenset[Role] = frozenset({Role.coordinator, Role.admin})
"""Manage an area: households, pairings, accounts, events, needs, service points; see the map,
coverage, reports and exports; review visits."""
ADMINS: frozenset[Role] = frozenset({Role.admin})
"""The whole organisation: areas at the top, the audit log, residents' data requests, backups."""
VISITORS: frozenset[Role] = frozenset({Role.member})
"""Paired with households; log visits to them."""
REQUEST_STAFF: frozenset[Role] = frozenset({Role.member, Role.coordinator, Role.admin})
"""Raise and follow residents' requests (members their own, managers their area's)."""
EVENT_SIGNERS: frozenset[Role] = frozenset({Role.member, Role.volunteer})
"""Sign up for service events and see their own hours."""
VOLUNTEERS: frozenset[Role] = frozenset({Role.volunteer})
"""Volunteer accounts (they may close their own account)."""
YEAR_KEEPERS: frozenset[Role] = frozenset({Role.member, Role.coordinator})
"""Keep a year of commitments and an annual record of their own."""
FIELD_STAFF: frozenset[Role] = frozenset({Role.member, Role.coordinator, Role.admin})
"""Everyone with an area of work (not volunteers): service posts, field days, annual records."""
SECOND_FACTOR_ROLES: frozenset[Role] = MANAGERS
"""Accounts that may (or, by setting, must) use a second sign-in factor."""
HOUSEHOLD_READERS: frozenset[Role] = frozenset({Role.member, Role.coordinator, Role.admin})
"""Open household records (managers their area's, members the households paired with them)."""
REQUEST_ASSIGNEES: frozenset[Role] = frozenset({Role.member, Role.coordinator})
"""Take a resident's request on and follow it (and see the requests they took on)."""
POST_HOLDERS: frozenset[Role] = YEAR_KEEPERS
"""Hold a service post (members, and coordinators who also serve)."""


def holds(actor: User | None, roles: frozenset[Role]) -> bool:
    """True if ``actor`` is an active account with one of ``roles``."""
    return actor is not None and actor.active and actor.role in roles


def may_log_visits(actor: User | None) -> bool:
    return holds(actor, VISITORS)


def may_manage_households(actor: User | None) -> bool:
    return holds(actor, MANAGERS)


def may_manage_events(actor: User | None) -> bool:
    return holds(actor, MANAGERS)


def may_manage_accounts(actor: User | None) -> bool:
    return holds(actor, MANAGERS)


def may_review_visits(actor: User | None) -> bool:
    return holds(actor, MANAGERS)


def may_see_reports(actor: User | None) -> bool:
    """The map, coverage, the request dashboard and exports of an area."""
    return holds(actor, MANAGERS)


def may_raise_requests(actor: User | None) -> bool:
    return holds(actor, REQUEST_STAFF)


def may_take_requests_by_phone(actor: User | None) -> bool:
    """Record a request that came by hotline or at a service point, for any household of the area."""
    return holds(actor, MANAGERS)


def may_sign_up_for_events(actor: User | None) -> bool:
    return holds(actor, EVENT_SIGNERS)


def may_keep_commitments(actor: User | None) -> bool:
    return holds(actor, YEAR_KEEPERS)


def may_manage_posts(actor: User | None) -> bool:
    return holds(actor, MANAGERS)


def may_hold_posts(actor: User | None) -> bool:
    """Take a service post (members, and coordinators who also serve)."""
    return holds(actor, POST_HOLDERS)


def may_administer(actor: User | None) -> bool:
    return holds(actor, ADMINS)


def reads_are_audited(actor: User) -> bool:
    """Coordinators and admins reading a household record leave an audit entry."""
    return actor.role in MANAGERS


def area_scope(session: Session, actor: User, area_column: Any) -> ColumnElement[bool]:
    """A WHERE clause limiting rows by their area column to what a manager may see.

    Admins see every area, a coordinator their area and everything below it, anyone else
    nothing (callers that also show a member's own rows add that with ``or_``).
    """
    if not actor.active:
        return false()
    if actor.role == Role.admin:
        return true()
    if actor.role == Role.coordinator:
        return col(area_column).in_(subtree_ids(session, actor.area_id))
    return false()


def area_ids_in_scope(session: Session, actor: User) -> set[int] | None:
    """The area ids a manager may act in; None means every area (an admin)."""
    if not actor.active:
        return set()
    if actor.role == Role.admin:
        return None
    if actor.role == Role.coordinator:
        return set(subtree_ids(session, actor.area_id))
    return set()


def in_area_scope(session: Session, actor: User, area_id: int | None) -> bool:
    """Whether a row of ``area_id`` lies in what ``area_scope`` lets the actor see."""
    scope = area_ids_in_scope(session, actor)
    return scope is None or area_id in scope


def household_scope(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on Household: managers see their area's, members the households paired with them."""
    if actor.active and actor.role == Role.member:
        paired = select(Pairing.household_id).where(Pairing.member_id == actor.id, col(Pairing.ended_at).is_(None))
        return col(Household.id).in_(paired)
    return area_scope(session, actor, Household.area_id)
