"""A service's problem as the GOV.UK error summary shows it: each entry in plain words,
linked to the form's field at fault; a broken rule with its clause."""

from __future__ import annotations

from services.console.refusals import FormField, summarise

FIELDS = [
    FormField("code", "the code"),
    FormField("lat", "the latitude"),
    FormField("appointed_on", "the date of appointment", "appointed_on-day"),
]


def test_input_errors_are_sentences_linked_to_their_fields() -> None:
    problem = {
        "status": 422,
        "detail": "the request is not valid: body.code, body.lat, body.appointed_on",
        "errors": [
            {"field": "body.code", "message": "Field required", "type": "missing"},
            {
                "field": "body.lat",
                "message": "Input should be a valid number",
                "type": "float_parsing",
            },
            {
                "field": "body.appointed_on",
                "message": "Input should be a valid date",
                "type": "date_from_datetime_parsing",
            },
        ],
    }
    summary = summarise(problem, FIELDS)
    assert summary.entries == [
        ("#code", "Enter the code"),
        ("#lat", "The latitude must be a number"),
        ("#appointed_on-day", "The date of appointment must be a real date"),
    ]
    assert summary.by_field["appointed_on"] == "The date of appointment must be a real date"


def test_a_choice_left_unmade_asks_to_select() -> None:
    fields = [FormField("rank", "a rank", chosen=True)]
    problem = {"errors": [{"field": "body.rank", "message": "Field required", "type": "missing"}]}
    assert summarise(problem, fields).entries == [("#rank", "Select a rank")]


def test_a_broken_rule_keeps_the_services_words_and_its_clause() -> None:
    problem = {
        "status": 422,
        "rule": "PlaceOfDutyIsRegistered",
        "violations": [
            {
                "rule": "PlaceOfDutyIsRegistered",
                "message": "no place of duty 'nowhere' is registered",
                "clause": "L1800 3.1.1",
                "field": "code",
            },
            {"rule": "SomethingAboutTheRecord", "message": "the record is closed"},
        ],
    }
    summary = summarise(problem, FIELDS)
    assert summary.entries == [
        ("#code", "No place of duty 'nowhere' is registered (L1800 3.1.1)"),
        (None, "The record is closed"),
    ]


def test_an_error_for_a_field_the_form_lacks_is_listed_without_a_link() -> None:
    problem = {
        "errors": [{"field": "body.home.lon", "message": "value is too large", "type": "odd"}]
    }
    assert summarise(problem, FIELDS).entries == [(None, "Value is too large")]


def test_a_problem_with_neither_errors_nor_violations_shows_its_detail() -> None:
    problem = {"status": 409, "detail": "the posting has already moved"}
    assert summarise(problem, FIELDS).entries == [(None, "The posting has already moved")]
