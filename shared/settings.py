"""Settings every service reads, from the environment with the service's prefix
(``POSTINGS_``, ``APPEALS_``, ``ROI_``). README.md has the reference table."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: A development secret so that the embedded default runs with no set-up. Production sets
#: RS256 with a JWKS URL, where this is never consulted.
DEV_JWT_SECRET = "officer-postings-development-secret-not-for-production"


class ServiceSettings(BaseSettings):
    """Settings common to the three services. Subclasses fix the prefix and defaults."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: ClassVar[str]
    default_port: ClassVar[int]

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means the embedded SQLite file var/<service>.sqlite3",
    )
    host: str = "127.0.0.1"
    port: int = 0
    cors_origins: list[str] = Field(default_factory=list)
    page_size_max: int = Field(default=100, ge=1, le=1000)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    #: Per caller and minute: timelines, decision searches, verification, monitoring.
    expensive_queries_per_minute: int = Field(default=60, ge=1)

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwks_url: str | None = None
    jwt_issuer: str = "officer-postings"
    jwt_audience: str = "officer-postings"
    #: Bearer token this service presents to the others; minted from jwt_secret if unset
    #: (HS256 only), so production with RS256 must set it.
    service_token: SecretStr | None = None

    #: The PostgreSQL role the service runs as in production: the migrations grant it what it
    #: needs and refuse it UPDATE, DELETE and TRUNCATE on the event log.
    db_app_role: str = Field(default="officer_postings_app", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    #: Where the signing key and signed checkpoints live, outside the database; empty means
    #: var/audit/<service>.
    audit_dir: str = ""
    checkpoint_interval_seconds: float = Field(default=300.0, gt=0)

    #: Where to append how long each transaction waited for and held the log's ordering,
    #: written when the service stops (the benchmark sets it); empty: not recorded.
    ordering_timings_file: str = ""

    follower_poll_seconds: float = Field(default=1.0, gt=0)
    follower_batch_size: int = Field(default=100, ge=1, le=1000)
    #: After a batch that reached the feed's end, how long a follower lets events gather
    #: before it reads again (never longer than ``follower_poll_seconds``): under load each
    #: read then carries several decisions' events, where it carried one or two, and each
    #: read costs both services a request and the follower a transaction.
    follower_linger_seconds: float = Field(default=0.1, ge=0)

    @model_validator(mode="after")
    def _check(self) -> ServiceSettings:
        if self.jwt_algorithm == "RS256" and not self.jwks_url:
            raise ValueError("jwt_algorithm RS256 needs jwks_url")
        if self.jwt_algorithm == "HS256" and len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("jwt_secret must be at least 32 characters for HS256")
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///var/{self.service_name}.sqlite3"

    @property
    def effective_audit_dir(self) -> str:
        return self.audit_dir or f"var/audit/{self.service_name}"

    @property
    def effective_port(self) -> int:
        return self.port or self.default_port


class PostingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POSTINGS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "postings"
    default_port: ClassVar[int] = 8001

    #: Where postings asks whether an officer is bound by an ROI (L1800 3.9).
    roi_url: str = "http://127.0.0.1:8003"
    roi_timeout_seconds: float = Field(default=5.0, gt=0)
    #: Whose feed postings follows for appeal outcomes; empty: not followed (the run
    #: command and docker-compose set it).
    appeals_url: str = ""

    #: The HR system (SAP SuccessFactors) tenant's API host; empty: no integration.
    hr_url: str = ""
    #: OAuth2 SAML bearer (KBA 3462403) unless Basic is explicitly chosen: SAP is
    #: retiring Basic authentication for APIs.
    hr_auth: Literal["saml", "basic"] = "saml"
    #: The tenant's company id, the OAuth client's API key, the API user the assertion
    #: names, and the PEM private key of the certificate registered for that client.
    hr_company_id: str = ""
    hr_api_key: str = ""
    hr_api_user: str = ""
    hr_saml_private_key: SecretStr = SecretStr("")
    #: Basic credentials (``user@companyId``), only with ``hr_auth=basic``.
    hr_username: str = ""
    hr_password: SecretStr = SecretStr("")
    #: SuccessFactors Learning: its host (empty: the HR system's), and the client id and
    #: secret of its own token server (KBA 2558226); no secret: completions are not read.
    hr_learning_url: str = ""
    hr_learning_client_id: str = ""
    hr_learning_client_secret: SecretStr = SecretStr("")
    hr_learning_user: str = ""
    hr_page_size: int = Field(default=500, ge=1, le=1000)
    #: The token the integration presents to ROI to record course completions; by default
    #: (HS256 development) one is minted for the integration.
    hr_roi_token: SecretStr | None = None
    #: How often the inbound sync and the outbound delivery run by themselves; 0: on demand.
    hr_sync_interval_seconds: float = Field(default=0, ge=0)
    hr_delivery_interval_seconds: float = Field(default=0, ge=0)
    #: Employee Central job codes to ranks.
    hr_job_ranks: dict[str, str] = Field(
        default_factory=lambda: {
            "PC": "constable",
            "PS": "sergeant",
            "INSP": "inspector",
            "CINSP": "chief_inspector",
            "SUPT": "superintendent",
            "CSUPT": "chief_superintendent",
        }
    )
    #: The Employee Central position an officer holds at each place of duty (location code
    #: to position code); a posting there writes it on the new EmpJob row.
    hr_positions: dict[str, str] = Field(default_factory=dict)
    #: Location and department codes as the tenant spells them, where postings' own
    #: (lower case) differ; a code not here is spelled as the officer's own EmpJob rows
    #: spell it, else as postings does.
    hr_codes: dict[str, str] = Field(default_factory=dict)
    #: The EmpJob event reason written for each kind of posting that takes effect.
    hr_event_reasons: dict[str, str] = Field(
        default_factory=lambda: {
            "appointment": "POSTAPPT",
            "selection": "POSTSEL",
            "officer_request": "POSTREQ",
            "redeployment": "POSTREDEP",
            "compulsory": "POSTCOMP",
            "best_interests": "POSTBI",
            "senior_leadership": "POSTSLT",
        }
    )


class AppealsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPEALS_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "appeals"
    default_port: ClassVar[int] = 8002

    #: Whose feed appeals follows for posting decisions; empty: not followed.
    postings_url: str = "http://127.0.0.1:8001"


class RoiSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ROI_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "roi"
    default_port: ClassVar[int] = 8003

    #: Where ROI checks a delegate's delegation (exceptional designations, L1800 3.9.2).
    postings_url: str = "http://127.0.0.1:8001"


SETTINGS_BY_SERVICE: dict[str, type[ServiceSettings]] = {
    "postings": PostingsSettings,
    "appeals": AppealsSettings,
    "roi": RoiSettings,
}
