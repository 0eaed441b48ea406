"""The staff queue names each patient's language, in English, whatever the browser asks."""

from tests.support.factories import make_intake


def test_the_staff_queue_shows_each_patients_language_in_english(clinician_client):
    make_intake(patient_overrides={"language": "es", "name": "Ana Ruiz"})
    make_intake(patient_overrides={"name": "Sam Stride"})
    page = clinician_client.get("/staff/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page and '<th scope="col">Language</th>' in page
    assert '<abbr title="Spanish">ES</abbr>' in page
    assert '<abbr title="English">EN</abbr>' in page
