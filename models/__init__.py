"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditEntry
from models.households import GeocodeStatus, Household, HouseholdNeed, Pairing
from models.jobs import JobLease
from models.org import Area, NeedCategory, Organisation
from models.users import LoginAttempt, Role, User
from models.visits import LocationSource, Photo, Visit

__all__ = [
    "Area",
    "AuditEntry",
    "GeocodeStatus",
    "Household",
    "HouseholdNeed",
    "JobLease",
    "LocationSource",
    "LoginAttempt",
    "NeedCategory",
    "Organisation",
    "Pairing",
    "Photo",
    "Role",
    "User",
    "Visit",
]
