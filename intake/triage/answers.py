"""Checking and normalising a patient's raw intake answers against QUESTIONS (spec section 1).

Types are strict, because a lenient parser would quietly triage a different answer than the
patient gave: a bool is not an integer, "5" is not a number, 5.0 is not an integer. Every
field is checked and every error collected, so the form and the API can show them all at
once; messages never repeat the submitted value, which may be health data.

Lists are normalised to the choices' display order; a repeated choice counts once and is
stored once (specification section 1). An explicit null is refused except where the
specification allows it (shoe_km, cadence_spm), although a missing run_onset,
pain_worst_week or weekly_km is stored as null. An age under 12 gets the kind message of
section 9 rather than a bare range.
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from intake.triage.rules import QUESTIONS, Question

_MISSING = object()


class AnswerError(ValueError):
    """The answers were refused; `errors` maps each answer key to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        # Only field names in the message: it may end up in a log, the values must not.
        super().__init__("Invalid answers: " + ", ".join(sorted(errors)))
        self.errors = errors


class _Invalid(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def clean_answers(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers ready to triage and save, with defaults filled, or raise AnswerError."""
    if not isinstance(raw, Mapping):
        raise AnswerError({"answers": ["Must be an object with the answers to the questions."]})
    errors: dict[str, list[str]] = {}
    for key in raw:
        if key not in QUESTIONS:
            errors.setdefault(str(key), []).append("Unknown field.")
    cleaned: dict[str, Any] = {}
    for key, question in QUESTIONS.items():
        try:
            cleaned[key] = _clean_field(question, raw.get(key, _MISSING))
        except _Invalid as exc:
            errors[key] = exc.messages
    if errors:
        raise AnswerError(errors)
    return cleaned


def _clean_field(question: Question, value: Any) -> Any:
    if value is _MISSING:
        if question.required:
            raise _Invalid("This field is required.")
        return list(question.default) if question.type == "enum_list" else question.default
    if value is None:
        if question.nullable:
            return None
        raise _Invalid("This field may not be null.")
    return _CLEANERS[question.type](question, value)


def _clean_boolean(question: Question, value: Any) -> bool:
    if type(value) is not bool:
        raise _Invalid("Must be true or false.")
    return value


# An integer answer stays an int and a number answer an int or a float.
_Number = TypeVar("_Number", int, float)


def _clean_integer(question: Question, value: Any) -> int:
    # `type(...) is int` refuses bools (an int subclass) as well as floats and strings.
    if type(value) is not int:
        raise _Invalid("Must be a whole number.")
    return _in_range(question, value)


def _clean_number(question: Question, value: Any) -> int | float:
    if type(value) not in (int, float):
        raise _Invalid("Must be a number.")
    number: float = value  # an int or a float (typing's float takes both)
    return _in_range(question, number)


def _in_range(question: Question, value: _Number) -> _Number:
    # Every integer and number question has a range (rules.QUESTIONS), so min/max are set.
    assert question.min is not None and question.max is not None
    # Negated as a whole so that NaN, for which every comparison is false, is refused too.
    if not question.min <= value <= question.max:
        if question.below_min and value < question.min:
            raise _Invalid(question.below_min)
        raise _Invalid(f"Must be between {question.min} and {question.max}.")
    return value


def _clean_enum(question: Question, value: Any) -> str:
    if not _is_choice(question, value):
        raise _Invalid(f"Must be one of: {_choice_list(question)}.")
    return cast(str, value)  # a choice, so a str


def _clean_enum_list(question: Question, value: Any) -> list[str]:
    if type(value) is not list:
        raise _Invalid(f"Must be a list of choices from: {_choice_list(question)}.")
    messages = []
    if not all(_is_choice(question, item) for item in value):
        messages.append(f"Contains an unknown choice; choose from: {_choice_list(question)}.")
    if len(value) < question.min_items:
        messages.append("Choose at least one.")
    if messages:
        raise _Invalid(*messages)
    chosen = set(value)
    return [choice for choice, _ in question.choices if choice in chosen]


def _is_choice(question: Question, value: Any) -> bool:
    # Checked as str first: an unhashable value (a list, a dict) cannot be looked up.
    return type(value) is str and any(value == choice for choice, _ in question.choices)


def _choice_list(question: Question) -> str:
    return ", ".join(choice for choice, _ in question.choices)


_CLEANERS: dict[str, Callable[[Question, Any], Any]] = {
    "boolean": _clean_boolean,
    "integer": _clean_integer,
    "number": _clean_number,
    "enum": _clean_enum,
    "enum_list": _clean_enum_list,
}


def answers_json_schema() -> dict[str, Any]:
    """The answers object as JSON Schema 2020-12 (also valid in OpenAPI 3.1), from QUESTIONS.

    One difference the schema cannot express: JSON Schema counts 5.0 as an integer, while
    clean_answers refuses it.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Knee-pain intake answers",
        "type": "object",
        "properties": {key: _property_schema(q) for key, q in QUESTIONS.items()},
        "required": [key for key, q in QUESTIONS.items() if q.required],
        "additionalProperties": False,
    }


def _property_schema(question: Question) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": " ".join(filter(None, [question.text, question.help]))}
    values = [choice for choice, _ in question.choices]
    if question.type == "enum_list":
        # No uniqueItems: a repeated choice is accepted and counts once.
        schema.update(type="array", items={"type": "string", "enum": values})
        if question.min_items:
            schema["minItems"] = question.min_items
    elif question.type == "enum":
        schema.update(type="string", enum=values)
    else:
        schema["type"] = question.type
        if question.min is not None:
            schema.update(minimum=question.min, maximum=question.max)
    if question.nullable:
        schema["type"] = [schema["type"], "null"]
    # A null default on a field that refuses null would contradict its own schema.
    if not question.required and (question.default is not None or question.nullable):
        default = question.default
        schema["default"] = list(default) if isinstance(default, tuple) else default
    return schema
