"""The one settings object, read once from DOORSTEP_* environment variables."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOORSTEP_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str = ""  # empty: SQLite file inside data_dir
    secret_key: str = ""  # empty: generated once and kept in data_dir/secret_key
    host: str = "0.0.0.0"
    port: int = 8080
    time_zone: str = "Asia/Shanghai"
    default_language: str = "zh_CN"
    demo: bool = False

    # Map tiles: OpenStreetMap by default; see README for Tianditu / AMap (GCJ-02).
    tile_provider: str = "osm"  # "osm" (tile_url below), "tianditu" (WGS-84, needs tianditu_key), "amap" (GCJ-02)
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "&copy; OpenStreetMap contributors"
    tile_crs: str = "wgs84"  # or "gcj02" for AMap/Gaode tiles
    tianditu_key: str = ""

    # Geocoding: "nominatim", "baidu" or "none".
    geocoder: str = "nominatim"
    geocoder_user_agent: str = "doorstep"
    baidu_api_key: str = ""

    # Photos: "local" (under data_dir/photos) or "s3" (an S3-compatible bucket)
    photo_backend: str = "local"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # e.g. https://oss-cn-chengdu.aliyuncs.com or a MinIO address
    s3_region: str = ""
    s3_prefix: str = "photos/"
    max_upload_bytes: int = 15 * 1024 * 1024
    daily_photo_quota: int = 200  # photos one account may add in 24 hours (visits and requests)
    max_photos_per_visit: int = 6
    photo_long_side: int = 1600
    thumb_long_side: int = 320
    max_image_pixels: int = 40_000_000
    # Memory photo decodes may take, one alone or several together (mode and bit depth counted,
    # not only pixels); at most one decode per core runs at a time (services/photo_guard). 128 MiB
    # takes a 12 MP HEIC from a phone (~117 MiB estimated) and refuses 6300x6300 RGBA or CMYK.
    max_decode_bytes: int = 128 * 1024 * 1024
    # The longest a transaction that writes photo files may take: an unreferenced photo file older
    # than this is left by a crash, and is deleted at start-up and daily (services/photos/guard/orphans.py).
    longest_transaction_seconds: int = 3600

    # Visits
    visit_interval_days: int = 30
    list_page_size: int = Field(default=20, ge=5, le=200)  # visits and households per page on the paged lists
    verify_radius_m: float = 150.0
    late_entry_hours: float = 48.0  # a visit stored (or queued offline) later than this after it happened is flagged
    max_travel_kmh: float = 30.0  # faster than this between two of a member's visits is flagged
    # Hours after saving during which a member may correct their own visit (an audited edit).
    visit_edit_hours: float = Field(default=24.0, ge=0)
    # Callbacks (回访): the share of each area's counted visits of a week drawn for a phone call.
    callback_share: float = Field(default=0.10, ge=0.0, le=1.0)

    # Password hashing: Argon2id with RFC 9106's low-memory profile (pwdlib's and argon2-cffi's
    # defaults). Lower them only for tests: every sign-in costs this much CPU and memory on purpose.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4

    # Sign-in throttling
    login_max_failures: int = 5
    login_window_minutes: int = 15
    # Sign-in tries per client address per 10 minutes, on top of the per-account throttle above.
    # A community office whose phones all reach the server through one NAT address may raise it
    # (about one try per member who signs in there within 10 minutes, plus typos).
    sign_in_attempts_per_address: int = Field(default=30, ge=1)

    reconnect_timeout: float = 300.0
    # Seconds an idle HTTP keep-alive connection stays open (uvicorn's own default is 5). Longer
    # than the idle timeout of a proxy or load balancer that reuses connections to the app (nginx's
    # upstream keepalive_timeout and most cloud balancers: 60 s), so that the proxy, not the app,
    # closes an idle connection and never sends a request on one the app is closing (docs/DEPLOY.md).
    keep_alive_seconds: int = Field(default=75, ge=1)

    # Events: cancelling closes this long before the start; check-in opens this long before it.
    event_cancel_cutoff_hours: float = 3.0
    event_checkin_opens_minutes: int = 60
    # JSON API bearer tokens (the offline page): lifetime in hours
    api_token_hours: int = 72

    # Leaders' field days per year, by leadership level.
    field_day_quota_level1: int = 30
    field_day_quota_level2: int = 60
    # Sessions: signed out after this long without use, and in any case this long after sign-in.
    session_idle_minutes: int = 120
    session_max_hours: int = 14 * 24  # also the session cookie's max age
    session_check_seconds: float = 30.0  # open pages re-check that their session is still valid
    cookie_secure: bool = False  # True when served over HTTPS: Secure cookie and HSTS
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated
    # addresses or networks, "*" for any). The client address feeds the per-address abuse limits:
    # behind a proxy not listed here every member shares the proxy's address and its limits.
    forwarded_allow_ips: str = "127.0.0.1"
    # Where the rate limits count (services/rate_limits/store.py): unset = NICEGUI_REDIS_URL if that
    # is set (several instances then share their counts), else this process's memory.
    rate_limit_redis_url: str | None = None
    require_totp_for_staff: bool = False  # coordinators and admins must set up a second factor

    # Retention (PIPL): photos kept this long after the visit; closed requests anonymised after.
    photo_retention_days: int = 3 * 365
    closed_request_anonymise_days: int = 2 * 365
    scheduled_jobs: bool = True  # the daily retention job runs inside the app

    # Messages outside the app (services/notify, docs/DEPLOY.md). Links in them start with public_url.
    public_url: str = "http://localhost:8080"
    sms_provider: str = "log"  # "log" (the log and the admin outbox page) or "aliyun"
    sms_daily_cap: int = Field(default=5, ge=0)  # SMS per number per organisation day
    notify_quiet_hours: str = "21:00-08:00"  # no SMS or bot message then; digests are dropped
    notify_retention_days: int = 90  # outbox rows are anonymised after this many days
    notify_max_retry_hours: float = 24.0  # retries back off exponentially up to this long
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = ""
    aliyun_sms_endpoint: str = "dysmsapi.aliyuncs.com"
    aliyun_sms_sign_name: str = ""
    # Approved template code per message kind, JSON: {"request.accepted": "SMS_123", ...}
    aliyun_sms_templates: dict[str, str] = Field(default_factory=dict)
    smtp_host: str = ""  # empty: no e-mail
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_tls: str = "starttls"  # "starttls", "ssl" or "none"
    smtp_from: str = ""
    # Apprise URLs of the organisation's group bots, separated by spaces or commas
    # (e.g. "wecombot://KEY dingtalk://TOKEN/SECRET"); an area may have its own (admin outbox page).
    notify_bot_urls: str = ""

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'doorstep.db').resolve()}"

    def storage_secret(self) -> str:
        """A secret that survives restarts: from the environment or kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
