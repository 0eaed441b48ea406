"""Reading a rendered page back as its blocks of text, in reading order (no parser package)."""

from dataclasses import dataclass
from html.parser import HTMLParser

BLOCKS = ("h1", "h2", "h3", "p", "li", "a")


@dataclass
class Block:
    tag: str
    classes: tuple[str, ...]
    id: str
    text: str = ""


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.open: list[Block] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            found = dict(attrs)
            block = Block(tag, tuple((found.get("class") or "").split()), found.get("id") or "")
            self.blocks.append(block)
            self.open.append(block)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS and self.open and self.open[-1].tag == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for block in self.open:  # a link's words also belong to the paragraph around it
            block.text += data


def page_blocks(html: str) -> list[Block]:
    """Every heading, paragraph, list item and link, with its text (whitespace collapsed)."""
    parser = _Blocks()
    parser.feed(html)
    for block in parser.blocks:
        block.text = " ".join(block.text.split())
    return parser.blocks


def index_of(blocks: list[Block], *, text: str = "", cls: str = "", tag: str = "") -> int:
    """The position of the first block with this exact text / class / tag (ValueError if none)."""
    for i, block in enumerate(blocks):
        if (
            (not text or block.text == text)
            and (not cls or cls in block.classes)
            and (not tag or block.tag == tag)
        ):
            return i
    raise ValueError(f"no block with text={text!r} cls={cls!r} tag={tag!r}")
