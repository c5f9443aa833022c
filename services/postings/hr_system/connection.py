"""The HR system as configured: its client, the inbound sync and outbound delivery."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from services.postings.application import PostingsApplication
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

    @property
    def configured(self) -> bool:
        return bool(self.settings.hr_url)

    def client(self) -> ODataClient:
        if not self.configured:
            raise Unavailable("no HR system is configured for postings", service="hr")
        s = self.settings
        auth = (
            ("basic", s.hr_username, s.hr_password.get_secret_value())
            if s.hr_auth == "basic"
            else ("bearer", s.hr_token.get_secret_value())
        )
        return ODataClient(s.hr_url, auth=auth, transport=self._transport)

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

    def _sync(self, client: ODataClient, roi: RoiCommitments | None = None) -> HrSync:
        return HrSync(
            self._app,
            self._handlers,
            client,
            job_ranks=self.settings.hr_job_ranks,
            page_size=self.settings.hr_page_size,
            roi=roi,
        )

    def sync(self, *, now: datetime, full: bool = False) -> SyncReport:
        client, roi = self.client(), self._roi()
        try:
            return self._sync(client, roi).run(now=now, full=full)
        finally:
            client.close()
            if roi is not None:
                roi.close()

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
            )
        finally:
            client.close()
