"""What a person is shown when someone else changed the record first (the service's 409
with its current version): each field they saw that differs now, in words; and nothing
odd from a ``seen`` field the browser sent back altered."""

from __future__ import annotations

import json

from services.console.stale import label_of, seen_of, what_changed

POSTING = {
    "id": "7d0c",
    "officer_id": "K100",
    "state": "awaiting_date",
    "posting_date": None,
    "to_location": "tonbridge",
    "notice_agreed_days": None,
    "version": 3,
    "facts": {"travel": {"distance_km": 31.2}},
    "recipients": ["K100", "slt-north"],
}


def test_each_field_seen_that_differs_now_is_shown_in_words() -> None:
    seen = seen_of(POSTING)
    now = {
        **POSTING,
        "state": "date_confirmed",
        "posting_date": "2027-02-01",
        "notice_agreed_days": 14,
        "version": 5,
    }

    changes = what_changed(seen, now)

    assert changes == [
        ("Notice agreed days", "Not recorded", "14"),
        ("Posting date", "Not recorded", "1 February 2027"),
        ("State", "awaiting_date", "date_confirmed"),
    ]


def test_a_record_changed_only_in_what_the_form_did_not_show_has_no_changes() -> None:
    now = {**POSTING, "version": 4, "facts": {"travel": {"distance_km": 12.0}}}

    assert what_changed(seen_of(POSTING), now) == []


def test_an_altered_or_missing_seen_field_says_nothing_rather_than_something_odd() -> None:
    for altered in ("", "not json", "[1, 2]", json.dumps({"state": 7}), "{" * 70_000):
        assert what_changed(altered, POSTING) is None
    # Fields the record does not have are not shown, whatever the browser sent back.
    invented = json.dumps({"state": "awaiting_date", "psd_reason": "made up"})
    assert all("Psd" not in field for field, _, _ in what_changed(invented, POSTING) or [])


def test_field_names_read_as_words_with_their_letters() -> None:
    assert label_of("pdr_due_on") == "PDR due on"
    assert label_of("head_id") == "Head ID"
    assert label_of("roi_ends_on") == "ROI ends on"


def test_values_that_only_look_like_days_or_moments_are_shown_as_written() -> None:
    odd = [
        "2026-02-30",
        "0000-01-01",
        "2026-13-45",
        "0001-01-01T00:00:00+10:00",
        "9999-12-31T23:59:59-10:00",
    ]
    for value in odd:
        for name in ("said", "posting_date", "stated_at"):
            changes = what_changed(json.dumps({name: value}), {name: "x"}) or []
            assert changes == [(label_of(name), value, "x")]
    # A person's words that look like a date stay their words.
    assert what_changed(json.dumps({"said": "2026-12-25"}), {"said": "x"}) == [
        ("Said", "2026-12-25", "x")
    ]
    assert what_changed("[" * 30_000, {"said": "x"}) is None
