"""Finds words in a Django template that are outside the translation machinery.

A word counts when it is in a text node (or in an alt, title, aria-label or placeholder
attribute) outside {% translate %}, {% blocktranslate %} … {% endblocktranslate %},
{% comment %} … {% endcomment %} and {% block body_class %} (a CSS class). Variables, tags,
HTML markup, entities, punctuation and numbers are not words.
"""

import re

from django.template.base import Lexer, TokenType

# Blocks that hold markup, not words: a CSS class name is never read.
MARKUP_BLOCKS = frozenset({"block body_class"})
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_ATTRIBUTE_TEXT = re.compile(r"""\b(?:alt|title|aria-label|placeholder)\s*=\s*(["'])(.*?)\1""")
_ENTITY = re.compile(r"&[#a-z0-9]+;", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated_words(source: str) -> list[str]:
    """The words of `source` that a translator never sees, in order.

    The text outside the machinery is joined first (every tag or variable stands as a
    blank), so an HTML tag that a template tag splits is still read as markup.
    """
    outside: list[str] = []
    blocktranslate = comment = markup = False
    for token in Lexer(source).tokenize():
        content = token.contents.strip()
        if token.token_type == TokenType.BLOCK:
            name = content.split(" ", 1)[0]
            if name in {"blocktranslate", "blocktrans"}:
                blocktranslate = True
            elif name in {"endblocktranslate", "endblocktrans"}:
                blocktranslate = False
            elif name == "comment":
                comment = True
            elif name == "endcomment":
                comment = False
            elif content in MARKUP_BLOCKS:
                markup = True
            elif markup and name == "endblock":
                markup = False
            outside.append(" ")
            continue
        if token.token_type != TokenType.TEXT or blocktranslate or comment or markup:
            outside.append(" ")
            continue
        outside.append(token.contents)
    return _words("".join(outside))


def _words(text: str) -> list[str]:
    attributes = " ".join(value for _, value in _ATTRIBUTE_TEXT.findall(text))
    visible = _ENTITY.sub(" ", _TAG.sub(" ", text))
    return _WORD.findall(visible) + _WORD.findall(attributes)
