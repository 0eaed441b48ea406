"""One intake's staff page: the intake with everything it shows, its messages, and the
patient's answers and the rules' outcome in words.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Lower

from clinic.messaging.models import Channel, Message, Suppression
from dashboard.formatting import answer_with_unit
from dashboard.models import Contact, Note, TriageOverride
from intake import triage
from intake.explain import OutcomeExplanation, outcome_explained
from intake.models import Intake, Referral


def intake_for_staff(intake_id: int) -> Intake | None:
    """One intake with everything its staff page shows, in a fixed number of queries.

    `opted_out_at`: when the patient's address on their channel went on the suppression
    list (None if it is not on it), read in the same query.
    """
    suppression = Suppression.objects.filter(
        Q(channel=Channel.EMAIL, address=Lower(OuterRef("patient__email")))
        | Q(channel=Channel.SMS, address=OuterRef("patient__phone")),
        channel=OuterRef("patient__channel"),
    ).values("created_at")[:1]
    return (
        Intake.objects.annotate(opted_out_at=Subquery(suppression))
        .select_related(
            "patient",
            "outcome",
            "follow_up",
            "acknowledgement__acknowledged_by",
        )
        .prefetch_related(
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("handled_by").order_by("created_at"),
            ),
            Prefetch(
                "notes", queryset=Note.objects.select_related("author").order_by("-created_at")
            ),
            Prefetch(
                "triage_overrides",
                queryset=TriageOverride.objects.select_related("overridden_by").order_by(
                    "-created_at"
                ),
            ),
            Prefetch(
                "contacts",
                queryset=Contact.objects.select_related("contacted_by").order_by("-contacted_at"),
            ),
        )
        .filter(pk=intake_id)
        .first()
    )


def messages_for_intake(intake: Intake) -> list[Message]:
    """Every message about this intake or to this patient, newest first. One query.

    "patient:<id>" is what the suppression migration gave older messages that had a patient
    but no intake (replies to STOP/START).
    """
    return list(
        Message.objects.filter(about__in=[f"intake:{intake.pk}", f"patient:{intake.patient_id}"])
        .only(
            "id",
            "channel",
            "template",
            "purpose",
            "recipient",
            "status",
            "attempts",
            "error",
            "created_at",
            "sent_at",
        )
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class Answer:
    key: str
    question: str
    answer: str


def answers_plain(answers: dict[str, Any]) -> list[Answer]:
    """The patient's answers as the questions and choices they saw, in form order."""
    rows = []
    for key, question in triage.QUESTIONS.items():
        value = answers.get(key)
        labels = dict(question.choices)
        if question.type == "enum_list":
            text = "; ".join(labels.get(v, str(v)) for v in value or []) or "None"
        elif question.type == "enum":
            text = labels.get(value, "Not answered") if value is not None else "Not answered"
        elif question.type == "boolean":
            text = {True: "Yes", False: "No"}.get(value, "Not answered")  # type: ignore[arg-type]
        else:
            text = "Not answered" if value is None else answer_with_unit(key, value)
        rows.append(Answer(key=key, question=question.text, answer=text))
    return rows


def outcome_plain(intake: Intake) -> OutcomeExplanation | None:
    """The rules' outcome as clinicians read it (pattern, why, secondary patterns, version),
    or None before there is one."""
    outcome = getattr(intake, "outcome", None)
    return None if outcome is None else outcome_explained(outcome, audience="staff")
