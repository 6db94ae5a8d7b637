"""What an HTML report holds, as the report tests look at it: sections, headings, images,
links and the fate table's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ReportParts:
    section_ids: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    image_sources: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    fates: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts = ReportParts()
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.parts.tags.add(tag)
        if tag == "section":
            self.parts.section_ids.append(a["id"] or "")
        elif tag == "h2":
            self._in_h2 = True
        elif tag == "img":
            self.parts.image_sources.append(a["src"] or "")
        elif tag == "tr" and "data-fate" in a:
            self.parts.fates.append(a["data-fate"] or "")
        for name in ("href", "src"):
            if name in a and tag != "img":
                self.parts.links.append(a[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.parts.headings.append(data)


def parse_report(text: str) -> ReportParts:
    parser = _Parser()
    parser.feed(text)
    return parser.parts
