"""Importing a council's SSDA903 history: checked first, stored whole or not at all, and only once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.urls import reverse

from consultations.models import ChildContact, Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review, response_submit
from feedback.models import Category, Statement
from feedback.services import statement_submit
from reporting.ssda903 import UnsafeExportError, reviews_rows
from reviews.models import Child, Review
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK001,1,03/05/2012,WBRI,,,\nK002,2,10/10/2020,BAFR,,,\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "K001,06/01/2020,S,C2,N1,U1,PR1,,\n"
    "K002,01/02/2022,S,C2,N1,U1,PR1,30/06/2024,E11\n"
)
REVIEW_COLUMNS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"
REVIEWS = (
    REVIEW_COLUMNS + "K001,03/05/2012,01/02/2020,PN1\nK001,03/05/2012,01/05/2020,PN6\nK002,10/10/2020,01/03/2022,PN0\n"
)


def _files(tmp_path, header=HEADER, episodes=EPISODES, reviews=REVIEWS):
    (tmp_path / "header.csv").write_text(header)
    (tmp_path / "episodes.csv").write_text(episodes)
    (tmp_path / "reviews.csv").write_text(reviews)
    return str(tmp_path)


def test_a_history_is_imported_once(pinned_clock, db, tmp_path):
    folder = _files(tmp_path)
    out = StringIO()
    call_command("import_ssda903", folder, stdout=out, stderr=StringIO())
    assert "Imported 2 children and 3 reviews." in out.getvalue()
    k001 = Child.objects.get(case_reference="K001")
    assert (k001.became_looked_after, k001.left_care, k001.sex) == (date(2020, 1, 6), None, "1")
    assert Child.objects.get(case_reference="K002").left_care == date(2024, 6, 30)
    first, second = Review.objects.filter(child=k001, held_on__isnull=False).order_by("sequence")
    assert (first.due_by, second.due_by) == (date(2020, 2, 3), date(2020, 5, 1))  # 20 working days; 3 months
    assert Review.objects.filter(child=k001, held_on__isnull=True).count() == 1  # the next one is scheduled

    out = StringIO()
    call_command("import_ssda903", folder, stdout=out, stderr=StringIO())
    assert "Imported 0 children and 0 reviews." in out.getvalue()
    assert Review.objects.filter(held_on__isnull=False).count() == 3
    assert reviews_rows(2020)[0] == ["K001", "03/05/2012", "01/02/2020", "PN1"]


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "reviews",
            "CHILD,DOB,REVIEW,REVIEW_CODE\nK001,03/05/2012,31/02/2020,PN1\n",
            "reviews.csv row 2: REVIEW '31/02/2020' is invalid",
        ),
        (
            "reviews",
            "CHILD,DOB,REVIEW,REVIEW_CODE\nK001,03/05/2012,01/02/2020,\n",
            "reviews.csv row 2: a held review needs a participation code",
        ),
        ("reviews", "CHILD,DOB,REVIEW,REVIEW_CODE\nK001,03/05/2012,01/02/2020,PN0\n", "rule 440"),
        ("reviews", "CHILD,DOB,REVIEW,REVIEW_CODE\nK002,10/10/2020,01/03/2022,PN1\n", "rule 441"),
        ("reviews", "CHILD,DOB,REVIEW,REVIEW_CODE\nK999,03/05/2012,01/02/2020,PN1\n", "K999 is not in header.csv"),
        ("reviews", "CHILD,DOB,REVIEW\nK001,03/05/2012,01/02/2020\n", "missing column(s) REVIEW_CODE"),
        (
            "header",
            "CHILD,SEX,DOB,ETHNIC\nK001,9,03/05/2012,WBRI\nK002,2,10/10/2020,BAFR\n",
            "header.csv row 2: SEX must be 1 or 2",
        ),
        ("episodes", "CHILD,DECOM,DEC\nK001,2020-01-06,\n", "episodes.csv row 2: DECOM '2020-01-06' is not a date"),
    ],
)
def test_any_error_names_file_and_row_and_nothing_is_stored(pinned_clock, db, tmp_path, kind, content, message):
    folder = _files(tmp_path, **{kind: content})
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", folder, stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert not Child.objects.exists()
    assert not Review.objects.exists()


def test_a_missing_folder_or_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_ssda903", str(tmp_path / "nowhere"), stdout=StringIO(), stderr=StringIO())
    (tmp_path / "header.csv").write_text(HEADER)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ssda903", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "episodes.csv: missing" in err.getvalue()


# --- An import never loses a child's words -------------------------------------------------

ANSWERS = {
    "home_feeling": "happy",
    "people": ["me", "carer"],
    "where_when": "At school, after 3",
    "chairing": "co_chair",
    "advocate": "yes",
    "see_iro_alone": "yes",
    "not_shared": "Please don't tell mum about my new school.",
}
K100_HEADER = "CHILD,SEX,DOB,ETHNIC\nK100,2,17/05/2012,WBRI\n"
K100_EPISODES = "CHILD,DECOM,DEC\nK100,01/03/2022,\n"


@pytest.fixture
def consulted_child(pinned_clock, child_user, iro):
    """A child in care since 1 March 2022 whose booked review has 4 invitations, an answer and 5 statements."""
    forms_sync_from_files()
    record = make_child("K100", user=child_user, born=date(2012, 5, 17), looked_after=date(2022, 3, 1))
    iro_allocate(child=record, iro=iro, allocated_on=date(2022, 3, 2))
    review = Review.objects.get(child=record, held_on__isnull=True)
    review.scheduled_for = date(2026, 12, 7)
    review.save()
    for role, name in (("carer", "Pat"), ("parent", "Sam"), ("professional", "Jo")):
        ChildContact.objects.create(child=record, role=role, name=name, email=f"{name.lower()}@example.org")
    invitations_create_for_review(review=review)
    response_submit(invitation=Invitation.objects.get(review=review, contact__isnull=True), answers=ANSWERS)
    for number in range(5):
        statement_submit(
            author=child_user, child=record, category=Category.SCHOOL, body=f"note {number}", channel="web"
        )
    return record


def test_importing_history_keeps_every_answer_statement_and_booking_of_the_upcoming_review(consulted_child, tmp_path):
    upcoming = Review.objects.get(child=consulted_child, held_on__isnull=True)
    folder = _files(
        tmp_path,
        header=K100_HEADER,
        episodes=K100_EPISODES,
        reviews=REVIEW_COLUMNS + "K100,17/05/2012,15/03/2022,PN1\n",
    )
    out = StringIO()
    call_command("import_ssda903", folder, stdout=out, stderr=StringIO())
    assert "Imported 0 children and 1 reviews." in out.getvalue()

    held, kept = Review.objects.filter(child=consulted_child).order_by("sequence")
    assert (held.sequence, held.held_on, held.participation_code) == (1, date(2022, 3, 15), "PN1")
    assert held.due_by == date(2022, 3, 29)  # 20 working days after 1 March 2022: held on time
    assert kept.pk == upcoming.pk and kept.held_on is None
    assert kept.sequence == 2
    assert kept.scheduled_for == date(2026, 12, 7)  # the booked date stays
    assert kept.due_by == date(2022, 6, 15)  # the second review is due 3 months after the first
    assert Invitation.objects.filter(review=kept).count() == 4
    response = Response.objects.get(invitation__review=kept, invitation__contact__isnull=True)
    assert response.is_submitted and response.answers["not_shared"] == ANSWERS["not_shared"]
    assert sorted(Statement.objects.filter(review=kept).values_list("body", flat=True)) == [
        f"note {number}" for number in range(5)
    ]
    assert not Statement.objects.filter(child=consulted_child, review__isnull=True).exists()


def test_the_database_refuses_to_delete_a_review_that_has_invitations(consulted_child):
    upcoming = Review.objects.get(child=consulted_child, held_on__isnull=True)
    with pytest.raises(ProtectedError):
        upcoming.delete()
    assert Invitation.objects.filter(review=upcoming).count() == 4


def test_reviews_recorded_in_heard_keep_what_the_iro_recorded_and_history_is_numbered_before_them(
    consulted_child, tmp_path
):
    upcoming = Review.objects.get(child=consulted_child, held_on__isnull=True)
    upcoming.sequence = 2
    upcoming.save(update_fields=["sequence"])
    recorded = Review.objects.create(
        child=consulted_child, sequence=1, due_by=date(2026, 9, 1), held_on=date(2026, 9, 1), participation_code="PN6"
    )
    reviews = REVIEW_COLUMNS + "K100,17/05/2012,15/03/2022,PN1\nK100,17/05/2012,15/06/2022,PN1\n"
    folder = _files(tmp_path, header=K100_HEADER, episodes=K100_EPISODES, reviews=reviews)
    call_command("import_ssda903", folder, stdout=StringIO(), stderr=StringIO())

    in_order = list(Review.objects.filter(child=consulted_child).order_by("sequence"))
    assert [(review.sequence, review.held_on) for review in in_order] == [
        (1, date(2022, 3, 15)), (2, date(2022, 6, 15)), (3, date(2026, 9, 1)), (4, None)
    ]  # fmt: skip
    recorded.refresh_from_db()
    assert (recorded.due_by, recorded.participation_code) == (date(2026, 9, 1), "PN6")
    assert in_order[3].pk == upcoming.pk
    assert in_order[3].due_by == date(2027, 3, 1)  # 6 months after the latest review, Heard's own
    assert Invitation.objects.filter(review=upcoming).count() == 4

    call_command("import_ssda903", folder, stdout=StringIO(), stderr=StringIO())  # a second time: no change
    assert Review.objects.filter(child=consulted_child).count() == 4


def test_a_review_heard_already_has_cannot_be_given_another_code(consulted_child, tmp_path):
    upcoming = Review.objects.get(child=consulted_child, held_on__isnull=True)
    upcoming.sequence = 2
    upcoming.save(update_fields=["sequence"])
    Review.objects.create(
        child=consulted_child, sequence=1, due_by=date(2022, 3, 29), held_on=date(2022, 3, 15), participation_code="PN1"
    )
    folder = _files(
        tmp_path,
        header=K100_HEADER,
        episodes=K100_EPISODES,
        reviews=REVIEW_COLUMNS + "K100,17/05/2012,15/03/2022,PN7\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", folder, stdout=StringIO(), stderr=err)
    assert "reviews.csv row 2: REVIEW_CODE 'PN7' differs from PN1, recorded in Heard for CHILD K100 on 15/03/2022" in (
        err.getvalue()
    )


def test_a_child_heard_has_must_have_the_same_date_of_birth_in_the_files(consulted_child, tmp_path):
    header = "CHILD,SEX,DOB,ETHNIC\nK100,2,17/05/2020,WBRI\n"
    reviews = REVIEW_COLUMNS + "K100,17/05/2020,15/03/2022,PN0\n"  # PN0 would be wrong for a child born in 2012
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", _files(tmp_path, header, K100_EPISODES, reviews), stdout=StringIO(), stderr=err)
    assert "header.csv row 2: DOB '17/05/2020' differs from Heard's date of birth for CHILD K100 (17/05/2012)" in (
        err.getvalue()
    )
    assert "rule 440" in err.getvalue()  # the code is checked against the child Heard knows
    assert not Review.objects.filter(child=consulted_child, held_on__isnull=False).exists()


def test_a_review_before_the_child_came_into_care_by_heards_record_is_refused(consulted_child, tmp_path):
    # The files say care began in 2021; Heard, which the import does not change, says March 2022.
    episodes = "CHILD,DECOM,DEC\nK100,04/01/2021,\n"
    reviews = REVIEW_COLUMNS + "K100,17/05/2012,01/02/2021,PN1\n"
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", _files(tmp_path, K100_HEADER, episodes, reviews), stdout=StringIO(), stderr=err)
    assert "reviews.csv row 2: REVIEW '01/02/2021' is before CHILD K100 became looked after (01/03/2022 in Heard)" in (
        err.getvalue()
    )


# --- Validation: every bad row is named, and nothing is stored -----------------------------

BAD_FILES = [
    (
        "reviews",
        REVIEW_COLUMNS + "K001,03/05/2012,01/02/2099,PN1\n",
        "reviews.csv row 2: REVIEW '01/02/2099' is in the future",
    ),
    # The clock is pinned to Monday 23 November 2026: the next day is the future, the day itself is not.
    (
        "reviews",
        REVIEW_COLUMNS + "K001,03/05/2012,24/11/2026,PN1\n",
        "reviews.csv row 2: REVIEW '24/11/2026' is in the future",
    ),
    (
        "reviews",
        REVIEW_COLUMNS + "K001,03/05/2012,03/01/2020,PN1\n",
        "reviews.csv row 2: REVIEW '03/01/2020' is before CHILD K001 became looked after (06/01/2020)",
    ),
    (
        "reviews",
        REVIEW_COLUMNS + "K002,10/10/2020,01/07/2024,PN0\n",
        "reviews.csv row 2: REVIEW '01/07/2024' is after CHILD K002 left care (30/06/2024)",
    ),
    (
        "reviews",
        REVIEW_COLUMNS + "K001,03/05/2012,01/02/2020,PN1\nK001,03/05/2012,01/02/2020,PN6\n",
        "reviews.csv row 3: CHILD K001 already has a review on 01/02/2020 in row 2, with code PN1",
    ),
    (
        "reviews",
        REVIEW_COLUMNS + "K001,03/05/2013,01/02/2020,PN1\n",
        "reviews.csv row 2: DOB '03/05/2013' differs from CHILD K001's DOB in header.csv (03/05/2012)",
    ),
    (
        "reviews",
        REVIEW_COLUMNS + "K001,03/05/2012,01/02/2020,=1+\n",
        "reviews.csv row 2: REVIEW_CODE: '=1+' is not a participation code (PN0 to PN7)",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2012,=cmd\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: ETHNIC '=cmd' is not a DfE ethnicity code",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2012,WBRIT\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: ETHNIC 'WBRIT' is not a DfE ethnicity code",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\n=1+2,1,03/05/2012,WBRI\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: CHILD '=1+2' is not a child identifier",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\n-K001,1,03/05/2012,WBRI\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: CHILD '-K001' is not a child identifier",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\nK0010000000000000000000,1,03/05/2012,WBRI\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: CHILD 'K0010000000000000000000' is not a child identifier",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2030,WBRI\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: DOB '03/05/2030' is in the future",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/0012,WBRI\nK002,2,10/10/2020,BAFR\n",
        "header.csv row 2: DOB '03/05/0012' is not a date",
    ),
    (
        "episodes",
        "CHILD,DECOM,DEC\nK001,06/01/2020,05/01/2020\nK002,01/02/2022,30/06/2024\n",
        "episodes.csv row 2: DEC '05/01/2020' is before DECOM '06/01/2020'",
    ),
    (
        "header",
        "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2012,WBRI\nK002,2,10/10/2022,BAFR\n",
        "episodes.csv row 3: DECOM '01/02/2022' is before CHILD K002's DOB (10/10/2022)",
    ),
    (
        "episodes",
        "CHILD,DECOM,DEC\nK001,06/01/2020,\nK002,01/02/2027,\n",
        "episodes.csv row 3: DECOM '01/02/2027' is in the future",
    ),
    (
        "episodes",
        "CHILD,DECOM,DEC\nK001,06/01/2020,\nK002,01/02/2022,30/06/2027\n",
        "episodes.csv row 3: DEC '30/06/2027' is in the future",
    ),
    (
        "episodes",
        "CHILD,DECOM,DEC\nK001,06/01/2020,\nK001,01/02/2022,\nK002,01/02/2022,\n",
        "episodes.csv row 2: DEC is blank, but CHILD K001 has a later episode (row 3)",
    ),
]


@pytest.mark.parametrize(("kind", "content", "message"), BAD_FILES)
def test_a_row_that_breaks_a_rule_is_named_and_nothing_is_stored(pinned_clock, db, tmp_path, kind, content, message):
    folder = _files(tmp_path, **{kind: content})
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", folder, stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert not Child.objects.exists()
    assert not Review.objects.exists()


def test_text_that_is_not_utf8_is_named_by_row_and_field(pinned_clock, db, tmp_path):
    folder = _files(tmp_path)
    (tmp_path / "header.csv").write_bytes(b"CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2012,WBRI\nK002,2,10/10/2020,B\xffFR\n")
    (tmp_path / "reviews.csv").write_bytes(b"CHILD,DOB,REVIEW,REVIEW_CODE\nK001,03/05/2012,01/02/2020,PN\xe91\n")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", folder, stdout=StringIO(), stderr=err)
    assert "header.csv row 3: ETHNIC is not UTF-8 text" in err.getvalue()
    assert "reviews.csv row 2: REVIEW_CODE is not UTF-8 text" in err.getvalue()
    assert not Child.objects.exists()


def test_the_same_review_twice_with_the_same_code_is_stored_once(pinned_clock, db, tmp_path):
    reviews = REVIEWS + "K001,03/05/2012,01/02/2020,PN1\n"
    out = StringIO()
    call_command("import_ssda903", _files(tmp_path, reviews=reviews), stdout=out, stderr=StringIO())
    assert "Imported 2 children and 3 reviews." in out.getvalue()
    assert Review.objects.filter(child__case_reference="K001", held_on=date(2020, 2, 1)).count() == 1


def test_the_export_refuses_a_child_id_or_code_a_spreadsheet_could_run(pinned_clock, db):
    # Written straight into the record, as the admin could: the export is the last gate.
    unsafe = make_child("=1+2", born=date(2012, 5, 17), looked_after=date(2025, 1, 6))
    Review.objects.filter(child=unsafe).update(held_on=date(2025, 2, 1), participation_code="PN1")
    coded = make_child("K200", born=date(2012, 5, 17), looked_after=date(2025, 1, 6))
    Review.objects.filter(child=coded).update(held_on=date(2025, 2, 1), participation_code="@x")
    with pytest.raises(UnsafeExportError) as refused:
        reviews_rows(2025)
    assert "CHILD '=1+2'" in str(refused.value)
    assert "REVIEW_CODE '@x' of CHILD 'K200'" in str(refused.value)


def test_a_row_the_csv_reader_cannot_read_is_named(pinned_clock, db, tmp_path):
    header = HEADER + "K003,1,03/05/2012," + "W" * 200_000 + ",,,\n"
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_ssda903", _files(tmp_path, header=header), stdout=StringIO(), stderr=err)
    assert "header.csv row 4: cannot be read as CSV" in err.getvalue()
    assert not Child.objects.exists()


def test_the_download_and_the_command_say_why_an_unsafe_export_was_refused(pinned_clock, db, manager, tmp_path):
    unsafe = make_child("=1+2", born=date(2012, 5, 17), looked_after=date(2025, 1, 6))
    Review.objects.filter(child=unsafe).update(held_on=date(2025, 2, 1), participation_code="PN1")
    page = client_for(manager).get(reverse("reporting:ssda903_reviews") + "?year=2025")
    assert page.status_code == 409 and "CHILD '=1+2'" in page.content.decode()
    with pytest.raises(CommandError, match=r"CHILD '=1\+2'"):
        call_command("export_ssda903", "--year", "2025", "--out", str(tmp_path), stdout=StringIO())
    assert not (tmp_path / "reviews.csv").exists()
