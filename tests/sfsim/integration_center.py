"""An Integration Center flow triggered by Intelligent Services, sending to a REST
destination in JSON, as SAP documents setting one up. It is what calls
``POST /hr-system/events`` in a tenant; nothing here is taken from postings' client.

What SAP documents, and what is modelled from it:

- **The outbound OAuth configuration** (Integration Center > Security Center > Outbound
  OAuth Configurations > Add): a Configuration Name, OAuth Type "OAuth 2.0", Grant Type
  "Client_Credentials", a Client ID, a Client Secret, a Token URL and a Token Method of
  POST ("Create Outbound OAuth Configuration in SAP SuccessFactors", SAP BTP Neo
  environment documentation). The flow fetches a token there and sends it as a bearer
  token. SAP does not say how the client authenticates to the Token URL; HTTP Basic is
  modelled, the one way every OAuth 2.0 provider must accept (RFC 6749 2.3.1).
- **The integration** (Integration Center > My Integrations > Create > More Integration
  Types): Trigger Type "Intelligent Services", Destination Type "REST", Format "JSON".
  Configure Fields adds sibling elements at the root, each with a label and either an
  associated field of the event's entity ("Set as Associated Field", e.g. User ID) or a
  default value. Destination Settings name the REST API URL, Authentication Type "OAuth"
  and the OAuth configuration above (SAP's sample "cloud-sf-extension-cap-sample",
  README step 7).
- **The body**: one JSON object per event, its keys the configured labels at the root; the
  sample's receiver reads them as ``data.employeeId`` and ``data.managerId`` (its
  ``srv/admin-service.js``).
- **The trigger**: in Intelligent Services Center, the event's flow gets the integration as
  a custom activity (Activities > Integration), timed "When the event is published"
  (the same README, step 7; KBA 2769349). So each published event is one call.
- A call that is not answered 2xx is a failed run in the Execution Manager; nothing is
  retried by the flow, so a failure is returned to the test to look at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class OutboundOAuthConfiguration:
    configuration_name: str
    client_id: str
    client_secret: str
    token_url: str
    oauth_type: str = "OAuth 2.0"
    grant_type: str = "Client_Credentials"
    token_method: str = "POST"

    def token(self, http: httpx.Client) -> str:
        if (self.oauth_type, self.grant_type, self.token_method) != (
            "OAuth 2.0",
            "Client_Credentials",
            "POST",
        ):
            raise ValueError("only OAuth 2.0 client credentials by POST is modelled")
        response = http.post(
            self.token_url,
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
        )
        response.raise_for_status()
        access: str = response.json()["access_token"]
        return access


@dataclass(frozen=True)
class ConfiguredField:
    """A sibling element at the root: an associated entity field, or a default value."""

    label: str
    associated: str | None = None
    default: Any = None

    def value(self, event: Mapping[str, Any]) -> Any:
        if self.associated is not None:
            return event.get(self.associated)
        return self.default


@dataclass
class IntelligentServicesIntegration:
    name: str
    event: str
    rest_api_url: str
    oauth: OutboundOAuthConfiguration
    fields: tuple[ConfiguredField, ...]
    #: The Execution Manager's view: each run's status code and answer.
    runs: list[httpx.Response] = field(default_factory=list)

    def body(self, published: Mapping[str, Any]) -> dict[str, Any]:
        return {f.label: f.value(published) for f in self.fields}

    def publish(self, published: Mapping[str, Any]) -> httpx.Response:
        """Intelligent Services publishes one event: the integration runs once for it."""
        with httpx.Client(timeout=30) as http:
            token = self.oauth.token(http)
            response = http.post(
                self.rest_api_url,
                json=self.body(published),
                headers={"Authorization": f"Bearer {token}"},
            )
        self.runs.append(response)
        return response
