"""Importing a council's SSDA903 history: checked first, stored whole or not at all, and only once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reporting.ssda903 import reviews_rows
from reviews.models import Child, Review

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK001,1,03/05/2012,WBRI,,,\nK002,2,10/10/2020,BAFR,,,\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "K001,06/01/2020,S,C2,N1,U1,PR1,,\n"
    "K002,01/02/2022,S,C2,N1,U1,PR1,30/06/2024,E11\n"
)
REVIEWS = (
    "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    "K001,03/05/2012,01/02/2020,PN1\nK001,03/05/2012,01/05/2020,PN6\nK002,10/10/2020,01/03/2022,PN0\n"
)


def _files(tmp_path, header=HEADER, episodes=EPISODES, reviews=REVIEWS):
    (tmp_path / "header.csv").write_text(header)
    (tmp_path / "episodes.csv").write_text(episodes)
    (tmp_path / "reviews.csv").write_text(reviews)
    return str(tmp_path)


def test_a_history_is_imported_once(db, tmp_path):
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
def test_any_error_names_file_and_row_and_nothing_is_stored(db, tmp_path, kind, content, message):
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
