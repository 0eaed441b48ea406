"""Choosing a language: Accept-Language by default, the API's field, the switch; staff stay
in English; what is sent later follows the patient's stored language."""

import json

import pytest

from clinic.messaging.models import Message
from intake.links import intake_path, intake_token
from intake.models import Intake
from intake.services import intake_submit
from tests.support import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/intakes/"


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_the_api_takes_the_patients_language_from_accept_language_when_not_given(client):
    response = post(client, factories.body(), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert response.status_code == 201
    data = response.json()
    assert data["patient"]["language"] == "es"
    assert data["triage"]["pattern_name"] == "Rodilla del corredor (dolor alrededor de la rótula)"
    assert Intake.objects.get().patient.language == "es"


def test_an_unknown_browser_language_gives_english(client):
    response = post(client, factories.body(), HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8")
    assert response.json()["patient"]["language"] == "en"
    assert response.json()["triage"]["disclaimer"].startswith("This is not a diagnosis.")


def test_the_api_field_wins_over_the_browser(client):
    body = factories.body(patient_overrides={"language": "es"})
    response = post(client, body, HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert data["patient"]["language"] == "es"
    assert data["triage"]["advice"][-1]["text"].startswith("Si su rodilla no está claramente")
    # Read back, the texts stay in the patient's language whatever the reader's browser.
    again = client.get(f"{URL}{data['token']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert again["triage"]["pattern_name"] == data["triage"]["pattern_name"]


def test_an_unknown_language_is_refused_by_field_and_saves_nothing(client):
    response = post(client, factories.body(patient_overrides={"language": "fr"}))
    assert response.status_code == 400
    assert "patient.language" in response.json()["errors"]
    assert Intake.objects.count() == 0


def test_a_spanish_validation_error_for_a_spanish_browser(client):
    body = factories.body(patient_overrides={"email": "not-an-email"})
    response = post(client, body, HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["errors"]["patient.email"] == ["Escriba un correo electrónico válido."]


def test_a_patient_page_follows_accept_language_and_offers_the_other_language(client):
    page = client.get("/intake/urgent/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page
    assert "Por favor, busque atención médica hoy mismo" in page
    assert 'name="language" value="en" lang="en">English</button>' in page
    english = client.get("/intake/urgent/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="es" lang="es">Español</button>' in english


def test_the_switch_sets_the_cookie_and_the_patient_language_from_their_link(client):
    intake = factories.make_intake()
    result = intake_path(intake, "result")
    response = client.post("/language/", {"language": "es", "next": result})
    assert response.status_code == 302 and response["Location"] == result
    assert response.cookies["django_language"].value == "es"
    intake.patient.refresh_from_db()
    assert intake.patient.language == "es"
    page = client.get(result).content.decode()
    assert '<html lang="es">' in page and "Ir al contenido" in page


def test_the_switch_never_sends_the_browser_elsewhere_and_ignores_unknown_languages(client):
    response = client.post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.post("/language/", {"language": "xx", "next": "/intake/"})
    assert response["Location"] == "/intake/" and "django_language" not in response.cookies
    assert client.get("/language/").status_code == 405


def test_staff_pages_stay_in_english_without_a_switch(client):
    page = client.get("/staff/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page
    assert 'action="/language/"' not in page
    client.cookies["django_language"] = "es"
    assert '<html lang="en">' in client.get("/staff/login/").content.decode()


def test_a_spanish_patients_plan_message_is_spanish_whatever_the_workers_language(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        intake = intake_submit(
            patient=factories.patient(language="es"), answers=factories.answers()
        )
    plan = Message.objects.get(purpose="intake_plan", about=f"intake:{intake.pk}")
    assert (plan.language, plan.subject) == (
        "es",
        "Su plan para la rodilla de Stride Sports Medicine Clinic",
    )
    assert "Recibe esto porque completó el control" in plan.body_text


def test_an_urgent_route_message_goes_in_the_patients_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intake_submit(
            patient=factories.patient(language="es", channel="sms"),
            answers=factories.answers(red_flags=["numb_cold_foot"]),
        )
    route = Message.objects.get(purpose="urgent_route")
    assert "Vaya a una sala de urgencias ahora" in route.body_text
    alert = Message.objects.get(purpose="staff_urgent_alert")
    assert alert.language == "en"


def test_a_stop_reply_is_confirmed_in_the_language_of_our_last_text_to_that_number(
    django_capture_on_commit_callbacks,
):
    from clinic.messaging.inbound import sms_inbound_receive

    with django_capture_on_commit_callbacks(execute=True):
        intake_submit(
            patient=factories.patient(language="es", channel="sms"), answers=factories.answers()
        )
    phone = Message.objects.get(purpose="intake_plan").recipient
    assert sms_inbound_receive(from_number=phone, body="STOP", provider_id="SM9") == "opted_out"
    reply = Message.objects.get(purpose="sms_opt_out_confirm")
    assert reply.language == "es" and "Responda START" in reply.body_text
    # A number we never texted gets English.
    sms_inbound_receive(from_number="+12025550177", body="STOP", provider_id="SM10")
    other = Message.objects.filter(purpose="sms_opt_out_confirm").exclude(pk=reply.pk).get()
    assert other.language == "en" and "Reply START" in other.body_text


def test_a_patients_own_link_opens_in_their_stored_language_when_the_browser_chose_none(client):
    intake = factories.make_intake(patient_overrides={"language": "es"})
    page = client.get(intake_path(intake, "result"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page and "Su resultado" in page
    # An explicit choice in this browser (the switch's cookie) wins over the stored language.
    client.cookies["django_language"] = "en"
    page = client.get(intake_path(intake, "result"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page and "Your result" in page
    # The booking page, opened by their booking link, too (its view reads the patient).
    del client.cookies["django_language"]
    book = client.get(f"/book/{intake_token(intake)}/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "/verify/" in book.redirect_chain[-1][0]  # the contact check first, in Spanish
    assert '<html lang="es">' in book.content.decode()
    client.cookies["django_language"] = "en"
    # A page that is no patient's link still follows the browser.
    del client.cookies["django_language"]
    assert '<html lang="en">' in client.get("/intake/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
