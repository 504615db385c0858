"""First run: the organisation, its top area, the default lists and the first admin."""

from __future__ import annotations

from sqlmodel import Session, select

from core.db import session_scope
from core.i18n import N_
from models import NeedCategory, Organisation, Role, User
from services.accounts.users import UserForm, create_user
from services.errors import InvalidInput
from services.org.areas import create_area

DEFAULT_NEEDS = [
    ("Elderly living alone", "独居老人"),
    ("Disability", "残疾"),
    ("Low income", "低收入"),
    ("Chronic illness", "慢性病"),
    ("Left-behind children", "留守儿童"),
]


def needs_setup(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is None


def get_organisation(session: Session) -> Organisation:
    org = session.exec(select(Organisation).limit(1)).first()
    if org is None:
        org = Organisation(name="Doorstep")
        session.add(org)
        session.flush()
    return org


def create_organisation(session: Session, org_name: str, area_name: str, admin_name: str, username: str,
                        phone: str | None, password: str) -> User:
    if not needs_setup(session):
        raise InvalidInput(N_("Doorstep is already set up."))
    if not org_name.strip():
        raise InvalidInput(N_("Enter the organisation's name."))
    org = get_organisation(session)
    org.name = org_name.strip()
    area = create_area(session, area_name or org_name, "street_office")
    for name_en, name_zh in DEFAULT_NEEDS:
        session.add(NeedCategory(name_en=name_en, name_zh=name_zh))
    form = UserForm(username=username, name=admin_name, phone=phone, role=Role.admin, area_id=area.id)
    return create_user(session, None, form, password, must_change=False)


def set_up_organisation(org_name: str, area_name: str, admin_name: str, username: str, phone: str | None,
                        password: str) -> User:
    """``create_organisation`` in a transaction of its own, for a worker thread (the admin's password is hashed)."""
    with session_scope() as session:
        return create_organisation(session, org_name, area_name, admin_name, username, phone, password)
