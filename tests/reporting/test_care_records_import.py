"""The daily feed from the case system: checked as SSDA903 files are, changing only what differs, deleting nothing."""

import json
import logging
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from accounts.models import Role
from backend.jobs import import_care_records
from consultations.models import Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review, response_submit
from feedback.models import Category, SafeguardingAlert, Statement
from feedback.services import statement_submit
from reviews.models import AdvocateAssignment, Child, IROAllocation, PlacementType, Review, WorkerAllocation
from tests.conftest import make_child, make_user
from tests.reporting.test_ssda903_import import ANSWERS

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026

HEADER = "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2012,WBRI\nHRD0001,2,17/05/2012,WBRI\n"
EPISODE_COLUMNS = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
EPISODES = EPISODE_COLUMNS + "K001,06/01/2020,S,C2,N1,U4,PR1,,\nHRD0001,01/09/2025,S,C2,N1,U6,PR4,,\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\nK001,03/05/2012,01/02/2020,PN1\n"
ALLOCATIONS = (
    "CHILD,ROLE,STAFF,FROM,TO\n"
    "K001,iro,Amara@Heard.example,07/01/2020,\n"  # email addresses match in any case
    "K001,social_worker,sam@heard.example,07/01/2020,\n"
    "HRD0001,iro,amara@heard.example,03/09/2025,\n"
    "HRD0001,social_worker,sam@heard.example,01/09/2025,\n"
    "HRD0001,advocate,riley@heard.example,10/09/2025,\n"
)
DAY_ONE = {"header": HEADER, "episodes": EPISODES, "reviews": REVIEWS, "allocations": ALLOCATIONS}

# The next day: a new child (K002); K001 moves to a children's home (a new episode) and has a review
# recorded; K003, in Heard, leaves care; HRD0001 gets a new IRO and a new social worker; K005, who is 17,
# a personal adviser.
DAY_TWO = {
    "header": HEADER + "K002,2,10/10/2015,BAFR\n",
    "episodes": EPISODE_COLUMNS
    + "K001,06/01/2020,S,C2,N1,U4,PR1,20/11/2026,X1\n"
    + "K001,20/11/2026,P,C2,N1,K2,PR4,,\n"
    + "HRD0001,01/09/2025,S,C2,N1,U6,PR4,,\n"
    + "K002,02/11/2026,S,C2,N1,U1,PR1,,\n"
    + "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,E8\n",
    "reviews": REVIEWS + "K001,03/05/2012,01/05/2020,PN6\n",
    "allocations": ALLOCATIONS.replace(
        "HRD0001,iro,amara@heard.example,03/09/2025,\n",
        "HRD0001,iro,amara@heard.example,03/09/2025,20/11/2026\nHRD0001,iro,ben@heard.example,20/11/2026,\n",
    ).replace(
        "HRD0001,social_worker,sam@heard.example,01/09/2025,\n",
        "HRD0001,social_worker,sam@heard.example,01/09/2025,20/11/2026\n"
        "HRD0001,social_worker,alex@heard.example,20/11/2026,\n",
    )
    + "K002,iro,ben@heard.example,02/11/2026,\n"
    + "K005,personal_adviser,pat@heard.example,20/11/2026,\n",
}


def _folder(path, files: dict[str, str]):
    path.mkdir(exist_ok=True)
    for kind, content in files.items():
        (path / f"{kind}.csv").write_text(content)
    return str(path)


def _run(folder, *options) -> dict:
    """Run the command as the council's scheduler would, returning its JSON summary."""
    out = StringIO()
    call_command("import_care_records", folder, "--format", "json", *options, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def _fail(folder, *options) -> str:
    """Run the command on files with errors: exit code 1; return what it printed as errors."""
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported") as failed:
        call_command("import_care_records", folder, *options, stdout=StringIO(), stderr=err)
    assert failed.value.returncode == 1
    return err.getvalue()


def _database() -> dict:
    """Everything the feed could touch, and a child's words, answers and alerts: every row and field."""
    return {
        "children": list(Child.objects.order_by("pk").values()),
        "reviews": list(Review.objects.order_by("pk").values()),
        "iro": list(IROAllocation.objects.order_by("pk").values()),
        "workers": list(WorkerAllocation.objects.order_by("pk").values()),
        "advocates": list(AdvocateAssignment.objects.order_by("pk").values()),
        "statements": list(Statement.objects.order_by("pk").values("pk", "body", "review_id")),
        "invitations": list(Invitation.objects.order_by("pk").values("pk", "review_id")),
        "responses": list(Response.objects.order_by("pk").values("pk", "answers", "submitted_at")),
        "alerts": list(SafeguardingAlert.objects.order_by("pk").values("pk", "assigned_to_id", "acknowledged_at")),
    }


@pytest.fixture
def staff(iro, other_iro, advocate):
    return {
        "sam": make_user("sam", Role.SOCIAL_WORKER, email="sam@heard.example"),
        "alex": make_user("alex", Role.SOCIAL_WORKER, email="alex@heard.example"),
        "pat": make_user("pat", Role.PERSONAL_ADVISER, email="pat@heard.example"),
    }


@pytest.fixture
def day_one(child, staff, tmp_path):
    """HRD0001 (Alice, in Heard with Amara as IRO and Riley as advocate), K003 and K005 in Heard; day one imported."""
    make_child("K003", born=date(2008, 6, 1), looked_after=date(2024, 3, 1))
    make_child("K005", born=date(2009, 6, 1), looked_after=date(2024, 3, 1))
    _run(_folder(tmp_path / "day1", DAY_ONE))
    return child


def test_the_same_files_twice_the_second_run_changes_nothing(child, staff, tmp_path):
    folder = _folder(tmp_path / "feed", DAY_ONE)
    first = _run(folder)
    assert first["ok"] and first["changed"]
    assert first["children_added"] == ["K001"]
    assert first["children_updated"] == {"HRD0001": {"placement_type": ["", "foster_agency"]}}
    assert first["reviews_added"] == 1
    assert sorted((entry["child"], entry["role"]) for entry in first["allocations_started"]) == [
        ("HRD0001", "social_worker"), ("K001", "iro"), ("K001", "social_worker")
    ]  # fmt: skip
    assert first["allocations_ended"] == []
    # Amara and Riley were already HRD0001's IRO and advocate: those rows change nothing.
    assert first["rows_unchanged"] == {"header.csv": 1, "episodes.csv": 0, "reviews.csv": 0, "allocations.csv": 2}
    k001 = Child.objects.get(case_reference="K001")
    assert (k001.placement_type, k001.became_looked_after) == (PlacementType.FOSTER_COUNCIL, date(2020, 1, 6))
    assert WorkerAllocation.objects.get(child=k001).worker == staff["sam"]
    before = _database()

    second = _run(folder)
    assert second["ok"] and not second["changed"]
    assert second["children_added"] == [] and second["children_updated"] == {}
    assert second["reviews_added"] == 0
    assert second["allocations_started"] == second["allocations_ended"] == []
    assert second["rows_unchanged"] == {"header.csv": 2, "episodes.csv": 2, "reviews.csv": 1, "allocations.csv": 5}
    assert _database() == before
    out = StringIO()
    call_command("import_care_records", folder, stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("Nothing changed.")
    assert _database() == before


def test_the_next_days_changes_are_made_and_reported_by_child_id(day_one, child_user, iro, other_iro, staff, tmp_path):
    alert = statement_submit(
        author=child_user, child=day_one, category=Category.SCHOOL, body="I don't feel safe at home", channel="web"
    )[0].alert
    assert alert is not None and alert.assigned_to == iro and alert.is_open
    folder = _folder(tmp_path / "day2", DAY_TWO)

    report = _run(folder)

    assert report["children_added"] == ["K002"]
    assert report["children_updated"] == {
        "K001": {"placement_type": ["foster_council", "childrens_home"]},
        "K003": {"placement_type": ["", "supported"], "left_care": [None, "2026-11-20"]},
    }
    assert report["placements_changed"] == ["K001", "K003"]
    assert report["left_care_changed"] == ["K003"]
    assert report["reviews_added"] == 1 and report["reviews_added_by_child"] == {"K001": 1}
    assert sorted((entry["child"], entry["role"], entry["from"]) for entry in report["allocations_started"]) == [
        ("HRD0001", "iro", "2026-11-20"),
        ("HRD0001", "social_worker", "2026-11-20"),
        ("K002", "iro", "2026-11-02"),
        ("K005", "personal_adviser", "2026-11-20"),
    ]
    assert sorted((entry["child"], entry["role"], entry["on"]) for entry in report["allocations_ended"]) == [
        ("HRD0001", "iro", "2026-11-20"),
        ("HRD0001", "social_worker", "2026-11-20"),
    ]
    assert "Alice" not in json.dumps(report)

    k001, k002, k003 = (Child.objects.get(case_reference=reference) for reference in ("K001", "K002", "K003"))
    assert k001.placement_type == PlacementType.CHILDRENS_HOME and k001.left_care is None
    assert (k002.placement_type, k002.became_looked_after, k002.left_care) == ("kinship", date(2026, 11, 2), None)
    assert k003.left_care == date(2026, 11, 20)
    assert list(Review.objects.filter(child=k001, held_on__isnull=False).values_list("held_on", flat=True)) == [
        date(2020, 2, 1), date(2020, 5, 1)
    ]  # fmt: skip
    # The new IRO, as a manager's re-allocation: Amara's allocation ends that day, and the open alert follows.
    amara, ben = IROAllocation.objects.filter(child=day_one).order_by("allocated_on")
    assert (amara.iro, amara.ended_on, ben.iro, ben.ended_on) == (iro, date(2026, 11, 20), other_iro, None)
    alert.refresh_from_db()
    assert alert.assigned_to == other_iro and alert.acknowledged_at is None
    assert alert.events.filter(kind="reassigned", recipient=other_iro).exists()
    # The new social worker ends the old one's allocation, which is kept.
    old, new = WorkerAllocation.objects.filter(child=day_one, kind="social_worker").order_by("allocated_on")
    assert (old.worker, old.ended_on, new.worker, new.ended_on) == (
        staff["sam"],
        date(2026, 11, 20),
        staff["alex"],
        None,
    )
    adviser = WorkerAllocation.objects.get(child__case_reference="K005")
    assert (adviser.kind, adviser.worker, adviser.allocated_on) == (
        "personal_adviser",
        staff["pat"],
        date(2026, 11, 20),
    )

    after = _database()
    again = _run(folder)
    assert not again["changed"] and again["allocations_started"] == [] and again["children_updated"] == {}
    assert _database() == after


def test_a_dry_run_reports_the_same_and_stores_nothing(day_one, staff, tmp_path):
    folder = _folder(tmp_path / "day2", DAY_TWO)
    before = _database()
    dry = _run(folder, "--dry-run")
    assert dry["dry_run"] and dry["changed"]
    assert _database() == before
    out = StringIO()
    call_command("import_care_records", folder, "--dry-run", stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("Dry run: nothing was stored.")
    assert "  K003: placement_type (none) -> supported; left_care (none) -> 20/11/2026" in out.getvalue()
    assert _database() == before

    real = _run(folder)
    assert {**dry, "dry_run": False} == real


# As the council's scheduler runs it (a real process exit, which closes the connection: so outside a test
# transaction).
def test_the_exit_code_is_0_on_success_and_1_on_errors(transactional_db, tmp_path, capsys):
    good = _folder(tmp_path / "good", {"header": DAY_ONE["header"].replace("HRD0001,2,17/05/2012,WBRI\n", "")})
    (tmp_path / "good" / "episodes.csv").write_text(EPISODE_COLUMNS + "K001,06/01/2020,S,C2,N1,U4,PR1,,\n")
    execute_from_command_line(["manage.py", "import_care_records", good])  # no SystemExit: 0
    assert Child.objects.filter(case_reference="K001").exists()
    bad = _folder(
        tmp_path / "bad", {"allocations": "CHILD,ROLE,STAFF,FROM,TO\nK001,iro,nobody@heard.example,01/11/2026,\n"}
    )
    with pytest.raises(SystemExit) as stopped:
        execute_from_command_line(["manage.py", "import_care_records", bad])
    assert stopped.value.code == 1
    assert "allocations.csv row 2: STAFF 'nobody@heard.example'" in capsys.readouterr().err


def _row(content: str, line: str) -> int:
    return content.splitlines().index(line.rstrip("\n")) + 1


# (file, text replaced ("" to add at the end), its replacement, the error, with {row} the row of the first new line)
BAD = [
    ("allocations", "", "K002,iro,nobody@heard.example,02/11/2026,\n",
     "allocations.csv row {row}: STAFF 'nobody@heard.example' is not the email address of anyone in Heard"),
    ("allocations", "", "K002,iro,sam@heard.example,02/11/2026,\n",
     "allocations.csv row {row}: STAFF 'sam@heard.example' has the role Social worker in Heard, "
     "not Independent Reviewing Officer"),
    ("allocations", "", "K002,advocate,riley@heard.example,31/02/2026,\n",
     "allocations.csv row {row}: FROM '31/02/2026' is not a date (DD/MM/YYYY)"),
    ("allocations", "", "K002,advocate,riley@heard.example,24/11/2026,\n",
     "allocations.csv row {row}: FROM '24/11/2026' is in the future"),
    ("allocations", "", "K002,advocate,riley@heard.example,10/11/2026,1/13/2026\n",
     "allocations.csv row {row}: TO '1/13/2026' is not a date (DD/MM/YYYY)"),
    ("allocations", "", "K002,advocate,riley@heard.example,10/11/2026,01/11/2026\n",
     "allocations.csv row {row}: TO '01/11/2026' is before FROM '10/11/2026'"),
    ("allocations", "", "K002,carer,riley@heard.example,10/11/2026,\n",
     "allocations.csv row {row}: ROLE 'carer' must be one of iro, social_worker, personal_adviser, advocate"),
    ("allocations", "", "K999,advocate,riley@heard.example,10/11/2026,\n",
     "allocations.csv row {row}: CHILD K999 is not in header.csv and not in Heard"),
    ("allocations", "",
     "K002,advocate,riley@heard.example,03/11/2026,\nK002,advocate,riley@heard.example,04/11/2026,\n",
     "allocations.csv row {next}: CHILD K002 already has a current advocate in row {row}"),
    ("allocations", "K002,iro,ben@heard.example,02/11/2026,\n",
     "K002,iro,ben@heard.example,02/11/2026,\nK002,iro,amara@heard.example,03/11/2026,\n",
     "allocations.csv row {next}: CHILD K002 already has a current iro in row {row}"),
    ("allocations", "", "K002,personal_adviser,pat@heard.example,02/11/2026,\n",
     "allocations.csv row {row}: CHILD K002 is 11 on FROM '02/11/2026': a personal adviser is for young people "
     "from 16 (Children Act 1989 Sch 2 para 19C)"),
    ("allocations", "HRD0001,iro,ben@heard.example,20/11/2026,\n", "HRD0001,iro,ben@heard.example,01/09/2025,\n",
     "allocations.csv row {row}: FROM 01/09/2025 is before CHILD HRD0001's current iro in Heard began (03/09/2025)"),
    ("allocations", "K001,iro,Amara@Heard.example,07/01/2020,\n",
     "K001,iro,amara@heard.example,07/01/2020,20/11/2026\n",
     "allocations.csv row {row}: TO would leave CHILD K001, who is looked after, with no IRO "
     "(Children Act 1989 s.25A)"),
    ("allocations", "CHILD,ROLE,STAFF,FROM,TO\n", "CHILD,ROLE,STAFF,FROM\n", "allocations.csv: missing column(s) TO"),
    ("episodes", "", "K998,01/01/2026,S,C2,N1,U1,PR1,,\n",
     "episodes.csv row {row}: CHILD K998 is not in header.csv and not in Heard"),
    ("episodes", "K002,02/11/2026,S,C2,N1,U1,PR1,,\n", "K002,02/11/2026,S,C2,N1,U9,PR1,,\n",
     "episodes.csv row {row}: PLACE 'U9' is not an SSDA903 placement code (DfE rule 146)"),
    ("episodes", "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,E8\n", "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,\n",
     "episodes.csv row {row}: DEC and REC must both be given, or both be blank (DfE rule 148)"),
    ("episodes", "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,E8\n", "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,E99\n",
     "episodes.csv row {row}: REC 'E99' is not an SSDA903 reason an episode ceased"),
    ("episodes", "K001,20/11/2026,P,C2,N1,K2,PR4,,\n", "",
     "REC X1 says a new episode began on DEC, but CHILD K001 has no later episode (DfE rule 388)"),
    ("episodes", "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,E8\n", "K003,01/03/2024,S,C2,N1,H5,PR4,20/02/2024,E8\n",
     "episodes.csv row {row}: DEC '20/02/2024' is before DECOM '01/03/2024'"),
    ("episodes", "K003,01/03/2024,S,C2,N1,H5,PR4,20/11/2026,E8\n", "K003,01/01/2024,S,C2,N1,H5,PR4,20/02/2024,E8\n",
     "episodes.csv row {row}: DEC 20/02/2024 is before CHILD K003 became looked after (01/03/2024 in Heard)"),
    ("header", "K002,2,10/10/2015,BAFR\n", "K002,2,10/10/2015,BAFR\nK004,1,01/01/2014,WBRI\n",
     "header.csv: CHILD K004 has no episode in episodes.csv"),
    ("reviews", "", "K005,03/05/2012,01/05/2026,PN1\n",
     "reviews.csv row {row}: DOB '03/05/2012' differs from CHILD K005's DOB in Heard (01/06/2009)"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "old", "new", "message"), BAD)
def test_a_bad_row_is_named_and_nothing_is_stored(day_one, tmp_path, kind, old, new, message):
    files = dict(DAY_TWO)
    assert old in files[kind]
    files[kind] = files[kind].replace(old, new) if old else files[kind] + new
    folder = _folder(tmp_path / "day2", files)
    before = _database()
    errors = _fail(folder)
    first = new.splitlines()[0] if new else ""
    row = _row(files[kind], first) if first else 0
    assert message.format(row=row, next=row + 1) in errors
    assert _database() == before  # the day's good changes are not stored either
    assert not Child.objects.filter(case_reference="K002").exists()

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_care_records", folder, "--format", "json", stdout=out, stderr=StringIO())
    summary = json.loads(out.getvalue())
    assert not summary["ok"] and any(message.format(row=row, next=row + 1) in error for error in summary["errors"])


def test_a_file_that_is_not_utf8_is_named_and_nothing_is_stored(day_one, tmp_path):
    folder = _folder(tmp_path / "day2", DAY_TWO)
    (tmp_path / "day2" / "allocations.csv").write_bytes(
        DAY_TWO["allocations"].encode() + b"K002,advocate,riley@heard.ex\xe9mple,02/11/2026,\n"
    )
    before = _database()
    assert f"allocations.csv row {len(DAY_TWO['allocations'].splitlines()) + 1}: STAFF is not UTF-8 text" in _fail(
        folder
    )
    assert _database() == before


def test_an_empty_or_missing_folder_is_a_clear_error(db, tmp_path):
    assert f"{tmp_path}: none of header.csv, episodes.csv, reviews.csv, allocations.csv is there" in _fail(
        str(tmp_path)
    )
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_care_records", str(tmp_path / "nowhere"), stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def consulted(day_one, child_user):
    """HRD0001's upcoming review has invitations and her answers, and she has written 3 messages."""
    forms_sync_from_files()
    review = Review.objects.get(child=day_one, held_on__isnull=True)
    review.scheduled_for = date(2026, 12, 7)
    review.save(update_fields=["scheduled_for"])
    invitations_create_for_review(review=review)
    response_submit(invitation=Invitation.objects.get(review=review, contact__isnull=True), answers=ANSWERS)
    for number in range(3):
        statement_submit(
            author=child_user, child=day_one, category=Category.SCHOOL, body=f"note {number}", channel="web"
        )
    return day_one


def test_a_child_and_reviews_missing_from_the_files_stay_with_their_words_and_answers(consulted, tmp_path):
    before = _database()
    # Today's files name only K001, without its review: HRD0001 and everything of hers are left as they are.
    files = {
        "header": "CHILD,SEX,DOB,ETHNIC\nK001,1,03/05/2012,WBRI\n",
        "episodes": EPISODE_COLUMNS + "K001,06/01/2020,S,C2,N1,U4,PR1,,\n",
        "reviews": "CHILD,DOB,REVIEW,REVIEW_CODE\n",
        "allocations": "CHILD,ROLE,STAFF,FROM,TO\n",
    }
    report = _run(_folder(tmp_path / "today", files))
    assert not report["changed"]
    assert _database() == before
    assert sorted(Statement.objects.filter(child=consulted).values_list("body", flat=True)) == [
        "note 0", "note 1", "note 2"
    ]  # fmt: skip
    answered = Response.objects.get(invitation__review__child=consulted, invitation__contact__isnull=True)
    assert answered.answers["not_shared"] == ANSWERS["not_shared"]
    assert Review.objects.filter(child__case_reference="K001", held_on=date(2020, 2, 1)).exists()
    assert IROAllocation.objects.get(child=consulted, ended_on__isnull=True).iro.username == "amara"


def test_a_child_heard_has_keeps_a_known_ethnicity_when_the_file_says_not_yet_obtained(day_one, tmp_path):
    files = {"header": HEADER.replace("HRD0001,2,17/05/2012,WBRI", "HRD0001,2,17/05/2012,")}
    report = _run(_folder(tmp_path / "today", files))
    assert not report["changed"]
    assert Child.objects.get(case_reference="HRD0001").ethnicity == "WBRI"
    files = {"header": HEADER.replace("HRD0001,2,17/05/2012,WBRI", "HRD0001,2,17/05/2012,MWBC")}
    report = _run(_folder(tmp_path / "corrected", files))
    assert report["children_updated"] == {"HRD0001": {"ethnicity": ["WBRI", "MWBC"]}}


# --- The periodic job ------------------------------------------------------------------------


def test_the_hourly_job_imports_the_folder_once_each_time_its_files_change(day_one, settings, tmp_path, caplog):
    settings.HEARD_CARE_RECORDS_FOLDER = ""
    assert import_care_records() is None  # not configured: nothing to do
    folder = tmp_path / "feed"
    settings.HEARD_CARE_RECORDS_FOLDER = _folder(folder, DAY_TWO)
    with caplog.at_level(logging.INFO, logger="heard.care_records"):
        summary = import_care_records()
    assert summary is not None and summary["children_added"] == ["K002"]
    assert "Daily feed from" in caplog.text and '"children_added": ["K002"]' in caplog.text
    assert import_care_records() is None  # the same files: not imported again

    (folder / "allocations.csv").write_text(DAY_TWO["allocations"] + "K002,iro,nobody@heard.example,02/11/2026,\n")
    before = _database()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="heard.care_records"):
        summary = import_care_records()
    assert summary is not None and not summary["ok"]
    assert "nothing was imported, 1 error(s)" in caplog.text
    assert "STAFF 'nobody@heard.example' is not the email address of anyone in Heard" in caplog.text
    assert _database() == before
    assert import_care_records() is None  # reported once
