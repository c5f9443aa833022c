"""The HR system as configured: its clients (OData v2, and Learning's v4 with its own
token), the inbound sync and outbound delivery. The credentials live as long as the
service, so a token is fetched once a day, not once a run (KBA 2735876)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx

from services.postings.application import PostingsApplication
from services.postings.hr_system.auth import (
    BasicCredentials,
    Credentials,
    LearningCredentials,
    SamlBearerCredentials,
)
from services.postings.hr_system.learning import RoiCommitments
from services.postings.hr_system.odata import ODataClient
from services.postings.hr_system.outbox import DeliveryReport, deliver_due
from services.postings.hr_system.sync import INTEGRATION, HrSync, SyncReport
from shared.errors import Unavailable
from shared.handling import Handlers
from shared.identity import mint_token
from shared.roles import Role
from shared.settings import PostingsSettings


class HrSystem:
    def __init__(
        self,
        settings: PostingsSettings,
        app: PostingsApplication,
        handlers: Handlers,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._app = app
        self._handlers = handlers
        self._transport = transport
        self._credentials: Credentials | None = None
        #: How the clients wait between retries (tests replace it so they need not wait).
        self.sleep: Callable[[float], None] = time.sleep
        self._learning_credentials: LearningCredentials | None = None

    @property
    def configured(self) -> bool:
        return bool(self.settings.hr_url)

    @property
    def learning_configured(self) -> bool:
        return bool(self.settings.hr_learning_client_secret.get_secret_value())

    def credentials(self) -> Credentials:
        if self._credentials is None:
            s = self.settings
            if s.hr_auth == "basic":
                self._credentials = BasicCredentials(
                    s.hr_username, s.hr_password.get_secret_value()
                )
            else:
                self._credentials = SamlBearerCredentials(
                    s.hr_url,
                    company_id=s.hr_company_id,
                    api_key=s.hr_api_key,
                    user_id=s.hr_api_user,
                    private_key_pem=s.hr_saml_private_key.get_secret_value(),
                )
        return self._credentials

    def client(self) -> ODataClient:
        if not self.configured:
            raise Unavailable("no HR system is configured for postings", service="hr")
        return ODataClient(
            self.settings.hr_url,
            credentials=self.credentials(),
            transport=self._transport,
            sleep=self.sleep,
        )

    def _learning(self) -> ODataClient | None:
        s = self.settings
        if not self.learning_configured:
            return None
        host = s.hr_learning_url or s.hr_url
        if self._learning_credentials is None:
            self._learning_credentials = LearningCredentials(
                host,
                company_id=s.hr_company_id,
                client_id=s.hr_learning_client_id or s.hr_company_id,
                client_secret=s.hr_learning_client_secret.get_secret_value(),
                user_id=s.hr_learning_user or s.hr_api_user,
            )
        return ODataClient(
            host,
            credentials=self._learning_credentials,
            transport=self._transport,
            sleep=self.sleep,
        )

    def _roi(self) -> RoiCommitments | None:
        s = self.settings
        if not s.roi_url:
            return None
        fixed = s.hr_roi_token.get_secret_value() if s.hr_roi_token else None
        return RoiCommitments(
            s.roi_url,
            (lambda: fixed) if fixed else (lambda: self._integration_token()),
            timeout=s.roi_timeout_seconds,
        )

    def _integration_token(self) -> str:
        return mint_token(
            self.settings,
            subject=INTEGRATION.subject,
            role=Role.INTEGRATION,
            ttl=timedelta(minutes=15),
        )

    def _sync(
        self,
        client: ODataClient,
        roi: RoiCommitments | None = None,
        learning: ODataClient | None = None,
    ) -> HrSync:
        return HrSync(
            self._app,
            self._handlers,
            client,
            job_ranks=self.settings.hr_job_ranks,
            page_size=self.settings.hr_page_size,
            roi=roi,
            learning=learning,
        )

    def sync(self, *, now: datetime, full: bool = False) -> SyncReport:
        client, roi, learning = self.client(), self._roi(), self._learning()
        try:
            return self._sync(client, roi, learning).run(now=now, full=full)
        finally:
            client.close()
            if roi is not None:
                roi.close()
            if learning is not None:
                learning.close()

    def reread(self, user_ids: set[str], *, now: datetime) -> SyncReport:
        client = self.client()
        try:
            return self._sync(client).reread(user_ids, now=now)
        finally:
            client.close()

    def deliver(self, *, now: datetime) -> DeliveryReport:
        client = self.client()
        try:
            return deliver_due(
                self._app.db,
                client,
                self.settings.hr_event_reasons,
                now=now,
                positions=self.settings.hr_positions,
                codes=self.settings.hr_codes,
            )
        finally:
            client.close()
