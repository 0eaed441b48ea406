"""Questionnaire/knee-intake: the intake questions, generated from the rules data.

One item per answer key of `intake.triage.QUESTIONS`, in form order, with answer options
from its choices; the red flags come first as a group of yes/no items (one per flag, so a
response records a "no" as plainly as a "yes"). The version is the rules version, so a
questionnaire response names the rules its answers were asked under.
"""

from typing import Any

from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaire import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireItemAnswerOption,
)

from fhir_api.mappings.base import StaticSource
from fhir_api.mappings.common import QUESTIONNAIRE_ID, code_system, questionnaire_canonical
from intake.triage import QUESTIONS, RED_FLAGS, RULES_VERSION
from intake.triage.rules import Question

RESOURCE_TYPE = "Questionnaire"
RED_FLAGS_KEY = "red_flags"
# The answer types of the rules, as FHIR item types.
ITEM_TYPES = {
    "enum": "choice",
    "enum_list": "choice",
    "boolean": "boolean",
    "integer": "integer",
    "number": "decimal",
}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def answer_system(key: str) -> str:
    """The code system of one question's answer options (codes repeat across questions)."""
    return code_system(f"knee-intake-{key.replace('_', '-')}")


def red_flag_link_id(flag: str) -> str:
    return f"{RED_FLAGS_KEY}.{flag}"


def _range_extensions(question: Question) -> list[Extension] | None:
    value = "valueInteger" if question.type == "integer" else "valueDecimal"
    found = [
        Extension(**{"url": url, value: bound})
        for url, bound in ((MIN_VALUE, question.min), (MAX_VALUE, question.max))
        if bound is not None
    ]
    return found or None


def _item(question: Question) -> QuestionnaireItem:
    options = [
        QuestionnaireItemAnswerOption(
            valueCoding={"system": answer_system(question.key), "code": value, "display": label}
        )
        for value, label in question.choices
    ]
    fields: dict[str, Any] = {
        "linkId": question.key,
        "text": question.text,
        "type": ITEM_TYPES[question.type],
        "required": question.required,
        "repeats": question.type == "enum_list",
        "answerOption": options or None,
        "extension": _range_extensions(question),
    }
    return QuestionnaireItem(**fields)


def _red_flags_group() -> QuestionnaireItem:
    question = QUESTIONS[RED_FLAGS_KEY]
    return QuestionnaireItem(
        linkId=RED_FLAGS_KEY,
        text=question.text,
        type="group",
        required=True,
        item=[
            QuestionnaireItem(linkId=red_flag_link_id(flag), text=red_flag.question, type="boolean")
            for flag, red_flag in RED_FLAGS.items()
        ],
    )


def build() -> Questionnaire:
    items = [_red_flags_group()]
    items += [_item(q) for key, q in QUESTIONS.items() if key != RED_FLAGS_KEY]
    return Questionnaire(
        id=QUESTIONNAIRE_ID,
        url=questionnaire_canonical(),
        version=RULES_VERSION,
        name="KneeIntake",
        title="Knee-pain intake",
        status="active",
        subjectType=["Patient"],
        item=items,
    )


SOURCES = [StaticSource(RESOURCE_TYPE, QUESTIONNAIRE_ID, build)]
