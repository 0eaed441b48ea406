"""A logging filter that blanks patient link tokens out of log lines before they are written.

A signed link token is the key to a patient's record for months. Django logs the path of
every 4xx (`Not Found: /intake/r/<token>/`) and gunicorn logs every request line; both are
filtered here (settings.LOGGING, gunicorn.conf.py).
"""

import logging
import re

# Django's signing format: payload (base64url, "." first when compressed), a base62
# timestamp, a base64url signature; ":" may arrive percent-encoded in a logged URL.
_SEP = r"(?::|%3[Aa])"
TOKEN_PATTERN = re.compile(rf"\.?[A-Za-z0-9_-]+{_SEP}[A-Za-z0-9]+{_SEP}[A-Za-z0-9_-]{{20,}}")
REDACTED = "[token]"


def redact_tokens(text: str) -> str:
    return TOKEN_PATTERN.sub(REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Rewrites the record's message with every token blanked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
