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
from dashboard.models import Contact, Note, TriageOverride
from intake import triage
from intake.models import Intake, Referral, Urgency


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
            text = "Not answered" if value is None else str(value)
        rows.append(Answer(key=key, question=question.text, answer=text))
    return rows


def outcome_plain(intake: Intake) -> dict[str, Any] | None:
    """The rules' outcome in words: pattern, why (matched signs), secondary patterns, version."""
    outcome = getattr(intake, "outcome", None)
    if outcome is None:
        return None
    pattern = triage.PATTERNS.get(outcome.pattern)
    return {
        "pattern": outcome.pattern,
        "pattern_name": pattern.name if pattern else outcome.pattern,
        "urgency": outcome.urgency,
        "urgency_name": Urgency(outcome.urgency).label,
        "red_flags": [
            triage.RED_FLAGS[f].question for f in outcome.red_flags if f in triage.RED_FLAGS
        ],
        "signs": [triage.SIGNS.get(s, s) for s in outcome.matched_signs.get(outcome.pattern, [])],
        "scores": outcome.scores,
        "secondary": [
            {
                "name": triage.PATTERNS[p].name if p in triage.PATTERNS else p,
                "signs": [triage.SIGNS.get(s, s) for s in outcome.matched_signs.get(p, [])],
            }
            for p in outcome.secondary_patterns
        ],
        # The words the outcome was given under its own rules version (never re-scored).
        "advice": [triage.advice_text(a, version=outcome.rules_version) for a in outcome.advice],
        "factors": [triage.factor_label(f, version=outcome.rules_version) for f in outcome.factors],
        "rules_version": outcome.rules_version,
    }
