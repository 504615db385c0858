"""SQLModel tables; importing this package registers every table on SQLModel.metadata."""

from models.api_tokens import ApiToken
from models.audit import AuditEntry
from models.events import (
    Attendance,
    CalendarFeed,
    Event,
    EventAudience,
    EventRole,
    EventStatus,
    Notice,
    Signup,
    SignupStatus,
    VolunteerIntake,
    VolunteerProfile,
    VolunteerStatus,
)
from models.households import GeocodeStatus, Household, HouseholdNeed, Pairing
from models.org import Area, NeedCategory, Organisation
from models.requests import (
    EventKind,
    Rating,
    RequestAlert,
    RequestCategory,
    RequestEvent,
    RequestPhoto,
    RequestSource,
    RequestStatus,
    Satisfaction,
    ServiceRequest,
    Visibility,
)
from models.users import LoginAttempt, Role, User
from models.visits import LocationSource, Photo, Visit

__all__ = [
    "ApiToken",
    "Area",
    "Attendance",
    "AuditEntry",
    "EventKind",
    "CalendarFeed",
    "Event",
    "EventAudience",
    "EventRole",
    "EventStatus",
    "Notice",
    "Signup",
    "SignupStatus",
    "VolunteerIntake",
    "VolunteerProfile",
    "VolunteerStatus",
    "GeocodeStatus",
    "Household",
    "HouseholdNeed",
    "LocationSource",
    "LoginAttempt",
    "NeedCategory",
    "Organisation",
    "Pairing",
    "Photo",
    "Rating",
    "RequestAlert",
    "RequestCategory",
    "RequestEvent",
    "RequestPhoto",
    "RequestSource",
    "RequestStatus",
    "Role",
    "Satisfaction",
    "ServiceRequest",
    "User",
    "Visibility",
    "Visit",
]
