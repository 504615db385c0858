"""What counts: the one rule deciding which visits reset a household's clock and enter coverage and figures.

A visit counts when a coordinator approved it, or when it is still ``received`` and has no honesty
signal (its location was verified, it was entered in time, its photos are its own...). A visit with
a signal waits for review ("pending review") and counts only once approved; a rejected visit, or one
marked "has issues", does not count. The rule is stored on the visit (``Visit.counts``, indexed and in
the covering indexes) in the same transaction as any change of the visit or its review, so every
query asks the column, never re-derives the rule.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from models import Household, ReviewState, Visit


def counts_by_rule(state: ReviewState, signals: list[dict]) -> bool:
    """The rule itself, for one visit."""
    return state == ReviewState.approved or (state == ReviewState.received and not signals)


def tally_of(counts: bool, state: ReviewState | str) -> int:
    """0 counted, 1 pending review, 2 rejected: the tally a visit falls in (services/rollups keys on it)."""
    if counts:
        return 0
    return 2 if ReviewState(state) == ReviewState.rejected else 1


def visit_counts() -> ColumnElement[bool]:
    """SQL: the visit counts (clock, coverage, member figures, annual record, map status)."""
    return col(Visit.counts).is_(True)


def visit_pending() -> ColumnElement[bool]:
    """SQL: the visit waits for a coordinator (a signal, or marked "has issues")."""
    return col(Visit.counts).is_(False) & (col(Visit.review_state) != ReviewState.rejected)


def visit_rejected() -> ColumnElement[bool]:
    return col(Visit.review_state) == ReviewState.rejected


def tally_columns() -> tuple[ColumnElement[int], ColumnElement[int], ColumnElement[int]]:
    """SUM columns (counted, pending, rejected) for a visit query."""
    return (func.coalesce(func.sum(case((visit_counts(), 1), else_=0)), 0),
            func.coalesce(func.sum(case((visit_pending(), 1), else_=0)), 0),
            func.coalesce(func.sum(case((visit_rejected(), 1), else_=0)), 0))


def apply_rule(visit: Visit) -> bool:
    """Set ``visit.counts`` from its state and signals; True when it changed."""
    counts = counts_by_rule(ReviewState(visit.review_state), visit.signals or [])
    changed = counts != visit.counts
    visit.counts = counts
    return changed


def refresh_household_clock(session: Session, household_id: int) -> None:
    """Set the household's last visit to its latest counted visit (None: none counts)."""
    session.flush()
    latest = session.exec(
        select(func.max(Visit.visited_at)).where(Visit.household_id == household_id, visit_counts())
    ).one()
    household = session.get(Household, household_id)
    if household is not None and household.last_visit_at != latest:
        household.last_visit_at = latest
        session.add(household)
