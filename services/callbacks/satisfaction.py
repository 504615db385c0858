"""Satisfaction as the yardstick: per member and per area, from callbacks (1-5) and from request ratings.

A figure always comes with the number of answers behind it; on fewer than ``MIN_ANSWERS`` answers
there is no percentage or average, only the answers themselves. Members see their own figures,
coordinators their area's (``services.policy.area_scope``). Nothing here scores a resident: the
answers are about members, grouped by member or area, never by household.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from core.i18n import N_
from models import Area, Callback, Rating, Role, Satisfaction, ServiceRequest, User
from services.policy import MANAGERS, area_scope, holds
from services.requests.feedback import SATISFACTION_LABELS

MIN_ANSWERS = 5
SATISFIED_FROM = 4  # callback scores 4 and 5 are "satisfied"
SATISFIED_RATINGS = (Satisfaction.satisfied, Satisfaction.basically_satisfied)
Translate = Callable[[str], str]


class Source(StrEnum):
    callbacks = "callbacks"  # the household's 1-5 on a callback
    requests = "requests"  # the resident's rating of a request's answer


@dataclass
class Figure:
    source: Source
    answers: list = field(default_factory=list)  # ints 1-5 (callbacks) or Satisfaction values (requests)

    @property
    def n(self) -> int:
        return len(self.answers)

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS

    @property
    def share_satisfied(self) -> float | None:
        if not self.enough:
            return None
        if self.source == Source.callbacks:
            return sum(1 for a in self.answers if a >= SATISFIED_FROM) / self.n
        return sum(1 for a in self.answers if a in SATISFIED_RATINGS) / self.n

    @property
    def average(self) -> float | None:
        return sum(self.answers) / self.n if self.enough and self.source == Source.callbacks else None


@dataclass
class SatisfactionRow:
    key: int
    name: str
    callbacks: Figure = field(default_factory=lambda: Figure(Source.callbacks))
    requests: Figure = field(default_factory=lambda: Figure(Source.requests))


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _answers_text(figure: Figure, tr: Translate) -> str:
    if figure.source == Source.callbacks:
        return " · ".join(str(a) for a in sorted(figure.answers, reverse=True))
    ordered = sorted((Satisfaction(a) for a in figure.answers), key=list(Satisfaction).index)
    return " · ".join(tr(SATISFACTION_LABELS[a]) for a in ordered)


def describe(figure: Figure, tr: Translate = lambda s: s) -> str:
    """The figure in words with its number of answers; on fewer than 5, the answers and no percentage."""
    if figure.n == 0:
        return tr(N_("No answers yet"))
    if not figure.enough:
        counted = tr(N_("1 answer")) if figure.n == 1 else tr(N_("{n} answers")).format(n=figure.n)
        return f"{_answers_text(figure, tr)} ({counted})"
    if figure.source == Source.callbacks:
        return tr(N_("{share} satisfied (4 or 5), average {average} of 5 ({n} answers)")).format(
            share=_percent(figure.share_satisfied or 0), average=f"{figure.average:.1f}", n=figure.n)
    return tr(N_("{share} satisfied or basically satisfied ({n} answers)")).format(
        share=_percent(figure.share_satisfied or 0), n=figure.n)


def headline(figure: Figure, tr: Translate = lambda s: s) -> str:
    """Short form for a stat card: "80% of 12", or only the number of answers when there are fewer than 5."""
    if figure.enough:
        return tr(N_("{share} of {n}")).format(share=_percent(figure.share_satisfied or 0), n=figure.n)
    return tr(N_("1 answer")) if figure.n == 1 else tr(N_("{n} answers")).format(n=figure.n)


def requests_figure(satisfied: int, basically: int, not_satisfied: int) -> Figure:
    """A figure from rating counts (as the annual record keeps them)."""
    return Figure(Source.requests, [Satisfaction.satisfied] * satisfied
                  + [Satisfaction.basically_satisfied] * basically + [Satisfaction.not_satisfied] * not_satisfied)


# --- the queries -------------------------------------------------------------------------------

def callback_scores(session: Session, member_ids: list[int], start: datetime, end: datetime) -> dict[int, list[int]]:
    """Each member's callback satisfaction answers given in [start, end)."""
    scores: dict[int, list[int]] = {}
    if member_ids:
        for member_id, score in session.exec(
                select(Callback.member_id, Callback.satisfaction)
                .where(col(Callback.member_id).in_(member_ids), col(Callback.satisfaction).is_not(None),
                       col(Callback.closed_at) >= start, col(Callback.closed_at) < end)).all():
            scores.setdefault(member_id, []).append(int(score))  # type: ignore[arg-type]
    return scores


def _callback_rows(session: Session, group: object, where: list, start: datetime, end: datetime) -> list:
    return list(session.exec(
        select(group, Callback.satisfaction)  # type: ignore[call-overload]
        .where(*where, col(Callback.satisfaction).is_not(None), col(Callback.closed_at) >= start,
               col(Callback.closed_at) < end)).all())


def _rating_rows(session: Session, group: object, where: list, start: datetime, end: datetime) -> list:
    return list(session.exec(
        select(group, Rating.satisfaction)  # type: ignore[call-overload]
        .join(ServiceRequest, col(ServiceRequest.id) == Rating.request_id)
        .where(*where, Rating.at >= start, Rating.at < end)).all())


def _rows(names: dict[int, str], callbacks: list, ratings: list) -> list[SatisfactionRow]:
    rows: dict[int, SatisfactionRow] = {}
    for key, score in callbacks:
        rows.setdefault(key, SatisfactionRow(key, names.get(key, ""))).callbacks.answers.append(int(score))
    for key, satisfaction in ratings:
        if key is not None:
            rows.setdefault(key, SatisfactionRow(key, names.get(key, ""))).requests.answers.append(
                Satisfaction(satisfaction))
    return sorted(rows.values(), key=lambda r: r.name)


def own_satisfaction(session: Session, actor: User, start: datetime, end: datetime) -> SatisfactionRow:
    """The actor's own figures: the callbacks about their visits, the ratings of their answers."""
    rows = _rows({actor.id: actor.name} if actor.id else {},  # type: ignore[dict-item]
                 _callback_rows(session, Callback.member_id, [Callback.member_id == actor.id], start, end),
                 _rating_rows(session, Rating.assignee_id, [Rating.assignee_id == actor.id], start, end))
    return rows[0] if rows else SatisfactionRow(actor.id or 0, actor.name)


def satisfaction_by_member(session: Session, actor: User, start: datetime, end: datetime) -> list[SatisfactionRow]:
    """Per member, from the callbacks and requests of the actor's areas (managers only; others get nothing)."""
    if not holds(actor, MANAGERS):
        return []
    callbacks = _callback_rows(session, Callback.member_id, [area_scope(session, actor, Callback.area_id)],
                               start, end)
    ratings = _rating_rows(session, Rating.assignee_id, [area_scope(session, actor, ServiceRequest.area_id)],
                           start, end)
    ids = {k for k, _s in callbacks} | {k for k, _s in ratings if k is not None}
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all()) if ids else {}
    return _rows(names, callbacks, ratings)


def satisfaction_by_area(session: Session, actor: User, start: datetime, end: datetime) -> list[SatisfactionRow]:
    """Per area (the household's area for callbacks, the request's area for ratings), managers only."""
    if not holds(actor, MANAGERS):
        return []
    callbacks = _callback_rows(session, Callback.area_id, [area_scope(session, actor, Callback.area_id)], start, end)
    ratings = _rating_rows(session, ServiceRequest.area_id, [area_scope(session, actor, ServiceRequest.area_id)],
                           start, end)
    ids = {k for k, _s in callbacks} | {k for k, _s in ratings}
    names = dict(session.exec(select(Area.id, Area.name).where(col(Area.id).in_(ids))).all()) if ids else {}
    return _rows(names, callbacks, ratings)


def satisfaction_view(session: Session, actor: User, start: datetime, end: datetime) -> \
        tuple[SatisfactionRow | None, list[SatisfactionRow], list[SatisfactionRow]]:
    """(own row for a member, rows by area, rows by member for a manager)."""
    if actor.role == Role.member:
        return own_satisfaction(session, actor, start, end), [], []
    return None, satisfaction_by_area(session, actor, start, end), satisfaction_by_member(session, actor, start, end)
