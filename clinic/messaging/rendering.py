"""Rendering a message from its templates, with the opt-out footer every patient email carries.

Templates come as a trio per email (`templates/emails/<name>-subject.txt`, `-body.txt`,
`-body.html`) and one file per SMS (`templates/sms/<name>.txt`). A message is rendered when
it is queued and stored, so what was sent can be read back from the log. Only the opt-out
link is filled in at send time: it signs the message's own id, which does not exist yet
when a batch is rendered, and a live link has no business sitting in the log.
"""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from clinic import languages
from clinic.messaging.models import Channel
from clinic.messaging.suppressions import opt_out_url

# Stands in the stored body for the signed opt-out link until the message is sent.
OPT_OUT_URL_SLOT = "[[stride-opt-out-link]]"
# Where templates/emails/_layout.html wants the opt-out footer: inside its footer cell.
FOOTER_MARKER = "<!-- stride:footer -->"

# Why this patient gets this message, said in the footer beside the opt-out link: by the
# template's first word, so a new template of a known kind is covered.
FOOTER_REASONS = {
    "plan": gettext_lazy("You get this because you filled in %(clinic)s's knee pain check."),
    "urgent": gettext_lazy("You get this because you filled in %(clinic)s's knee pain check."),
    "followup": gettext_lazy("You get this because you asked %(clinic)s to check in on your knee."),
    "appointment": gettext_lazy("You get this because you booked an appointment with %(clinic)s."),
    "contact": gettext_lazy(
        "You get this because you asked to book an appointment with %(clinic)s."
    ),
}
FOOTER_REASON_DEFAULT = gettext_lazy("You get this because you were in touch with %(clinic)s.")


def footer_reason(template: str) -> str:
    """The footer's "why you get this" for a patient message from `template`."""
    kind = template.split("_", 1)[0]
    reason = FOOTER_REASONS.get(kind, FOOTER_REASON_DEFAULT)
    return str(reason) % {"clinic": settings.CLINIC_NAME}


def message_render(
    *,
    channel: str,
    template: str,
    context: dict[str, Any],
    opt_out_link: bool,
    language: str = "",
) -> tuple[str, str, str]:
    """(subject, text, html) of one message in `language` ("": English); SMS has only text.

    Whatever language the request or worker has active, the message is written in the
    recipient's: a Spanish patient's follow-up a week on, the clinic's alert in English.
    """
    with languages.override(language):
        return _message_render(
            channel=channel, template=template, context=context, opt_out_link=opt_out_link
        )


def _message_render(
    *, channel: str, template: str, context: dict[str, Any], opt_out_link: bool
) -> tuple[str, str, str]:
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "site_url": settings.SITE_URL,
        **context,
    }
    if channel == Channel.SMS:
        return "", render_to_string(f"sms/{template}.txt", context).strip(), ""
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    text: str = render_to_string(f"emails/{template}-body.txt", context).strip() + "\n"
    html: str = render_to_string(f"emails/{template}-body.html", context)
    if opt_out_link:
        text, html = _opt_out_footer_add(text, html, {**context, "why": footer_reason(template)})
    return subject, text, html


def _opt_out_footer_add(text: str, html: str, context: dict[str, Any]) -> tuple[str, str]:
    # Every email to a patient carries the opt-out, whichever template it came from.
    footer = {**context, "opt_out_url": OPT_OUT_URL_SLOT}
    text += "\n" + render_to_string("emails/_opt_out_footer.txt", footer).strip() + "\n"
    html_footer = render_to_string("emails/_opt_out_footer.html", footer)
    if FOOTER_MARKER in html:
        return text, html.replace(FOOTER_MARKER, html_footer, 1)
    if "</body>" in html:
        return text, html.replace("</body>", html_footer + "</body>", 1)
    return text, html + html_footer


def opt_out_link_fill(body: str, *, message_id: int) -> str:
    """The stored body with its opt-out slot replaced by this message's signed link."""
    if OPT_OUT_URL_SLOT not in body:
        return body
    return body.replace(OPT_OUT_URL_SLOT, opt_out_url(message_id))
