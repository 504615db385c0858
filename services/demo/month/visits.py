"""Demo visits with evidence: photos drawn with Pillow (no files from elsewhere), some visits unverified."""

from __future__ import annotations

import io
import random
import uuid
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlmodel import Session, col, select

from models import Household, LocationSource, Pairing, User, Visit
from models.common import utcnow
from services.visits.records import add_photo, prepare_photo
from services.visits.review.counting import apply_rule, refresh_household_clock
from services.visits.review.signals import location_signal

PHOTO_VISITS = 6  # visits with a photo each (the pipeline costs ~0.1 s a photo)
UNVERIFIED_SHARE = 0.2  # roughly one visit in five is logged away from the door (a pin, an address, no signal)
WALLS = [(214, 196, 170), (190, 205, 214), (222, 214, 196), (200, 184, 160)]


def draw_photo(rng: random.Random, width: int = 800, height: int = 600) -> bytes:
    """A plausible doorway snapshot: a wall, a door, a window, a bag of groceries; JPEG bytes."""
    image = Image.new("RGB", (width, height), rng.choice(WALLS))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, int(height * 0.8), width, height), fill=(120, 110, 100))  # floor
    left = rng.randint(80, width // 2)
    draw.rectangle((left, int(height * 0.15), left + 240, int(height * 0.8)), fill=(120, 70, 40))  # door
    draw.ellipse((left + 200, int(height * 0.48), left + 216, int(height * 0.5) + 16), fill=(220, 190, 60))
    wx = rng.randint(left + 300, width - 40) if left + 340 < width - 40 else 40
    draw.rectangle((wx, 120, min(width - 20, wx + 180), 300), fill=(170, 200, 230), outline=(250, 250, 250), width=8)
    bag_x = rng.randint(20, width - 200)
    draw.rounded_rectangle((bag_x, int(height * 0.62), bag_x + 150, int(height * 0.86)), radius=18,
                           fill=rng.choice([(200, 40, 40), (40, 120, 60), (230, 200, 120)]))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed_visit_evidence(session: Session, rng: random.Random, members: list[User]) -> None:
    visits = list(session.exec(select(Visit).order_by(col(Visit.visited_at).desc())).all())
    for visit in visits:
        if rng.random() < UNVERIFIED_SHARE:
            household = session.get(Household, visit.household_id)
            if rng.random() < 0.5 or household is None or household.lat is None:
                visit.location_source, visit.lat, visit.lng, visit.accuracy_m = LocationSource.none, None, None, None
                visit.distance_m = None
            else:  # a fix 300-700 m off, as a phone indoors or a member logging it later from home gives
                visit.lat = household.lat + rng.choice([-1, 1]) * rng.uniform(0.003, 0.006)
                visit.distance_m = round(rng.uniform(300, 700), 1)
                visit.accuracy_m = round(rng.uniform(30, 90), 1)
            visit.verified = False
            # Unverified visits carry their signal and wait for review, as if a member had logged them.
            found = location_signal(visit.location_source, False, visit.distance_m, visit.accuracy_m,
                                    household is not None and household.lat is not None)
            visit.signals = [found] if found else []
            apply_rule(visit)
            session.add(visit)
            refresh_household_clock(session, visit.household_id)
    now = utcnow()
    for member in members:  # a fresh visit with photos for some of each member's households
        pairs = session.exec(select(Pairing.household_id).where(Pairing.member_id == member.id)).all()
        for household_id in list(pairs)[: max(1, PHOTO_VISITS // len(members))]:
            household = session.get(Household, household_id)
            visit = Visit(id=str(uuid.UUID(int=rng.getrandbits(128))), household_id=household_id,
                          member_id=member.id, visited_at=now - timedelta(days=rng.randint(1, 6), hours=2),
                          lat=household.lat, lng=household.lng, accuracy_m=12.0, location_source=LocationSource.gps,
                          distance_m=8.0, verified=True, photo_consent=True, notes="送去米油，老人精神不错。",
                          help_given="送去米油")
            apply_rule(visit)  # verified, entered in time, its own photos: it counts
            session.add(visit)
            session.flush()
            add_photo(session, member, visit, prepare_photo(draw_photo(rng)))
            refresh_household_clock(session, household_id)
    session.flush()
