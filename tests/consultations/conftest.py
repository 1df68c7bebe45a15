"""Consultation fixtures: the forms loaded from the repository's files."""

import pytest

from consultations.services import forms_sync_from_files


@pytest.fixture(autouse=True)
def forms(db):
    return forms_sync_from_files()
