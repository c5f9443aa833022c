"""The entity sets the simulated tenant serves and their properties, as its ``$metadata``
says (SAP SuccessFactors HXM Suite OData API Reference Guide (V2), "Retrieving Metadata").

A property that is not here does not exist: a ``$filter`` or ``$select`` naming it is a
400 ``COE_PROPERTY_NOT_FOUND`` ("Invalid property name", KBA 2545055), which is how a real
tenant tells a client it asked for a field the entity does not have."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

#: Property name -> EDM type. Dates of effective dating are Edm.DateTime (the day in the
#: data centre's calendar); audit stamps are Edm.DateTimeOffset (an instant; KBA 2933028).
ENTITIES: dict[str, dict[str, str]] = {
    "User": {
        "userId": "Edm.String",
        "username": "Edm.String",
        "firstName": "Edm.String",
        "lastName": "Edm.String",
        "hireDate": "Edm.DateTime",
        "status": "Edm.String",
        "lastModifiedDateTime": "Edm.DateTimeOffset",
    },
    "EmpJob": {
        "userId": "Edm.String",
        "startDate": "Edm.DateTime",
        "seqNumber": "Edm.Int64",
        "endDate": "Edm.DateTime",
        "company": "Edm.String",
        "businessUnit": "Edm.String",
        "division": "Edm.String",
        "department": "Edm.String",
        "location": "Edm.String",
        "jobCode": "Edm.String",
        "position": "Edm.String",
        "managerId": "Edm.String",
        "eventReason": "Edm.String",
        "timezone": "Edm.String",
        "lastModifiedDateTime": "Edm.DateTimeOffset",
    },
    # FormHeader's public field list has formLastModifiedDate and no lastModifiedDateTime
    # (SAP SuccessFactors Performance Management OData reference, FormHeader).
    "FormHeader": {
        "formDataId": "Edm.Int64",
        "formSubjectId": "Edm.String",
        "formTemplateType": "Edm.String",
        "formTitle": "Edm.String",
        "formDataStatus": "Edm.Int64",
        "formReviewDueDate": "Edm.DateTime",
        "formLastModifiedDate": "Edm.DateTime",
    },
}

#: EmpJob's key: a person may have several rows on one start date (KBA 2701624).
EMPJOB_KEY = ("userId", "startDate", "seqNumber")


def edmx(entities: list[str]) -> str:
    """The ``$metadata`` document (EDMX, OData v2) of these entity sets."""
    types = []
    for name in entities:
        properties = "".join(
            f"<Property Name={quoteattr(p)} Type={quoteattr(t)}/>"
            for p, t in ENTITIES[name].items()
        )
        keys = EMPJOB_KEY if name == "EmpJob" else (next(iter(ENTITIES[name])),)
        key = "".join(f"<PropertyRef Name={quoteattr(k)}/>" for k in keys)
        types.append(f'<EntityType Name="{name}"><Key>{key}</Key>{properties}</EntityType>')
    sets = "".join(f'<EntitySet Name="{n}" EntityType="SFOData.{n}"/>' for n in entities)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">'
        '<edmx:DataServices m:DataServiceVersion="2.0" '
        'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">'
        '<Schema Namespace="SFOData" xmlns="http://schemas.microsoft.com/ado/2008/09/edm">'
        + "".join(types)
        + f'<EntityContainer Name="EntityContainer" m:IsDefaultEntityContainer="true">{sets}'
        "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"
    )
