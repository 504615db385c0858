"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.api_tokens import ApiToken
from models.audit import AuditEntry
from models.households import GeocodeStatus, Household, HouseholdNeed, Pairing
from models.org import Area, NeedCategory, Organisation
from models.users import LoginAttempt, Role, User
from models.visits import LocationSource, Photo, Visit

__all__ = [
    "ApiToken",
    "Area",
    "AuditEntry",
    "GeocodeStatus",
    "Household",
    "HouseholdNeed",
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
