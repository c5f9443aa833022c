"""The SAML 2.0 bearer assertion SuccessFactors' token endpoint takes (KBA 3462403; the
OData API developer guide, "Generating a SAML Assertion"): issued by us, about the API
user, for the audience ``www.successfactors.com`` and the token URL as recipient, naming
the OAuth client's API key, and signed with the private key whose X.509 certificate is
registered for that client: an enveloped XML signature, RSA-SHA256 over the exclusively
canonicalised SignedInfo, whose SHA-256 reference digests the assertion.

The standard library's C14N 2.0 gives the same octets as exclusive C14N 1.0 for this
document: no comments, no ``xml:`` attributes, each namespace declared where it is used."""

from __future__ import annotations

import base64
import hashlib
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
AUDIENCE = "www.successfactors.com"
#: Long enough to reach the token endpoint, short enough to be of no use if intercepted.
LIFETIME = timedelta(minutes=10)
ET.register_namespace("saml2", SAML)
ET.register_namespace("ds", DS)


def _c14n(element: ET.Element) -> bytes:
    return ET.canonicalize(ET.tostring(element, encoding="unicode")).encode()


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(
    parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    element.text = text
    return element


def load_signing_key(pem: str) -> rsa.RSAPrivateKey:
    """The private key (PEM, unencrypted) of the OAuth client's registered certificate."""
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the SAML signing key must be an RSA private key")
    return key


def signed_assertion(
    *,
    key: rsa.RSAPrivateKey,
    issuer: str,
    api_key: str,
    user_id: str,
    token_url: str,
    now: datetime,
) -> str:
    """The base64 of a signed assertion, as the ``assertion`` form field wants it."""
    assertion_id = f"_{uuid.uuid4().hex}"
    until = _time(now + LIFETIME)
    root = ET.Element(
        f"{{{SAML}}}Assertion", {"ID": assertion_id, "IssueInstant": _time(now), "Version": "2.0"}
    )
    _sub(root, SAML, "Issuer", issuer)
    subject = _sub(root, SAML, "Subject")
    _sub(
        subject,
        SAML,
        "NameID",
        user_id,
        Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    )
    confirmation = _sub(
        subject, SAML, "SubjectConfirmation", Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"
    )
    _sub(confirmation, SAML, "SubjectConfirmationData", NotOnOrAfter=until, Recipient=token_url)
    conditions = _sub(
        root, SAML, "Conditions", NotBefore=_time(now - timedelta(minutes=1)), NotOnOrAfter=until
    )
    _sub(_sub(conditions, SAML, "AudienceRestriction"), SAML, "Audience", AUDIENCE)
    statement = _sub(
        root, SAML, "AuthnStatement", AuthnInstant=_time(now), SessionIndex=assertion_id
    )
    _sub(
        _sub(statement, SAML, "AuthnContext"),
        SAML,
        "AuthnContextClassRef",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    )
    attribute = _sub(_sub(root, SAML, "AttributeStatement"), SAML, "Attribute", Name="api_key")
    _sub(attribute, SAML, "AttributeValue", api_key)

    digest = base64.b64encode(hashlib.sha256(_c14n(root)).digest()).decode()
    signature = ET.Element(f"{{{DS}}}Signature")
    signed_info = _sub(signature, DS, "SignedInfo")
    _sub(signed_info, DS, "CanonicalizationMethod", Algorithm=EXC_C14N)
    _sub(signed_info, DS, "SignatureMethod", Algorithm=RSA_SHA256)
    reference = _sub(signed_info, DS, "Reference", URI=f"#{assertion_id}")
    transforms = _sub(reference, DS, "Transforms")
    _sub(transforms, DS, "Transform", Algorithm=ENVELOPED)
    _sub(transforms, DS, "Transform", Algorithm=EXC_C14N)
    _sub(reference, DS, "DigestMethod", Algorithm=SHA256)
    _sub(reference, DS, "DigestValue", digest)
    value = key.sign(_c14n(signed_info), padding.PKCS1v15(), hashes.SHA256())
    _sub(signature, DS, "SignatureValue", base64.b64encode(value).decode())
    # The schema puts the signature right after the Issuer.
    root.insert(1, signature)
    return base64.b64encode(ET.tostring(root, encoding="utf-8")).decode()
