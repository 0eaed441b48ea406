"""The intake answer's serializer builds its field tree once
(`clinic.api.SharedFieldsOutputSerializer`): DRF would deep-copy about 40 field objects for
every answer, on the intake hot path."""

import pytest
from rest_framework import fields, serializers

from intake.selectors import intake_public_payload
from intake.serializers import IntakeOutputSerializer
from tests.intake.test_guardians import child_body
from tests.support import factories
from tests.support.booking import post_json

pytestmark = pytest.mark.django_db


class FreshFieldsSerializer(IntakeOutputSerializer):
    """The same serializer with DRF's own per-instance fields, for comparison."""

    fields = serializers.Serializer.fields


def test_an_answer_builds_no_field_objects_after_the_first(monkeypatch):
    payload = intake_public_payload(factories.make_intake())
    IntakeOutputSerializer(payload).data  # the first answer builds the shared tree
    built = []
    original = fields.Field.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(fields.Field, "__init__", counting)
    IntakeOutputSerializer(payload).data
    assert built == ["IntakeOutputSerializer"]  # the instance itself, nothing in it


def test_each_answer_shows_its_own_intake_exactly_as_drf_would(client):
    adult = post_json(client, "/api/v1/intakes/", factories.body()).json()
    child = post_json(client, "/api/v1/intakes/", child_body()).json()
    urgent = post_json(
        client, "/api/v1/intakes/", factories.body(red_flags=["calf_swelling_pain"])
    ).json()
    assert adult["patient"] == {"guardian": None, "language": "en"}
    assert child["patient"]["guardian"]["name"] == "Sam Parent"
    assert urgent["triage"]["urgency"] == "urgent" and "book" not in urgent["links"]
    assert len({adult["id"], child["id"], urgent["id"]}) == 3
    from intake.models import Intake

    for answer in (adult, child, urgent, adult):
        intake = Intake.objects.get(pk=answer["id"])
        payload = intake_public_payload(intake, token=answer["token"])
        shared = IntakeOutputSerializer(payload).data
        assert shared == FreshFieldsSerializer(payload).data
        assert shared == answer
