"""QuestionnaireResponse/intake-{id}: one submitted intake, its answers item by item.

Items follow Questionnaire/knee-intake (fhir/mappings/questionnaire.py); an answer left out
(null, or an empty list) has no item. The questionnaire is named with the rules version the
intake was triaged under.
"""

from typing import Any

from django.db.models import F, QuerySet
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)

from fhir_api.mappings.base import RowSource
from fhir_api.mappings.common import intake_id, meta, patient_reference, questionnaire_canonical
from fhir_api.mappings.questionnaire import RED_FLAGS_KEY, answer_system, red_flag_link_id
from intake.models import Intake
from intake.triage import QUESTIONS, RED_FLAGS
from intake.triage.rules import Question

RESOURCE_TYPE = "QuestionnaireResponse"


def _answers(question: Question, value: Any) -> list[QuestionnaireResponseItemAnswer]:
    if question.type in ("enum", "enum_list"):
        labels = dict(question.choices)
        values = value if question.type == "enum_list" else [value]
        return [
            QuestionnaireResponseItemAnswer(
                valueCoding={
                    "system": answer_system(question.key),
                    "code": code,
                    "display": labels.get(code),
                }
            )
            for code in values
        ]
    field = {"boolean": "valueBoolean", "integer": "valueInteger", "number": "valueDecimal"}
    return [QuestionnaireResponseItemAnswer(**{field[question.type]: value})]


def _red_flags_group(ticked: list[str]) -> QuestionnaireResponseItem:
    return QuestionnaireResponseItem(
        linkId=RED_FLAGS_KEY,
        item=[
            QuestionnaireResponseItem(
                linkId=red_flag_link_id(flag),
                answer=[QuestionnaireResponseItemAnswer(valueBoolean=flag in ticked)],
            )
            for flag in RED_FLAGS
        ],
    )


def build(intake: Intake) -> QuestionnaireResponse:
    answers = intake.answers
    items = [_red_flags_group(list(answers.get(RED_FLAGS_KEY) or []))]
    for key, question in QUESTIONS.items():
        value = answers.get(key)
        if key == RED_FLAGS_KEY or value is None or value == []:
            continue
        items.append(QuestionnaireResponseItem(linkId=key, answer=_answers(question, value)))
    version = intake.fhir_rules_version
    return QuestionnaireResponse(
        id=intake_id(intake.pk),
        meta=meta(intake.fhir_last_updated),
        questionnaire=f"{questionnaire_canonical()}|{version}" if version else None,
        status="completed",
        subject=patient_reference(intake.patient_id),
        authored=intake.submitted_at,
        item=items,
    )


def rows() -> QuerySet[Intake]:
    return Intake.objects.annotate(
        fhir_last_updated=F("submitted_at"), fhir_rules_version=F("outcome__rules_version")
    )


SOURCES = [RowSource(RESOURCE_TYPE, "intake", rows, build, patient_lookup="patient_id")]
