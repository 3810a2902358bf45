"""HTML to plain text, for post bodies that arrive as HTML (Mastodon, RSS descriptions)."""

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"br", "p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"script", "style"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    def parse_marked_section(self, i, report=1):
        """`<![x…` with a keyword html.parser does not know raised AssertionError, and the
        post's whole feed failed, run after run: such a section is text."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(_closed_constructs(html or ""))
    collector.close()
    lines = (
        re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(collector.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)


def _closed_constructs(html: str) -> str:
    """The HTML with every `<` that opens nothing html.parser can close written as `&lt;`
    (text): a tag or declaration must end at a `>` before the next `<`, a comment at a
    `-->`. html.parser rescans the rest of the document for each construct it cannot
    close, so `<a <a <a …` or `<!--` repeated took minutes for 80 kB. One pass, each
    character looked at a few times: the next `>` is searched once and reused."""
    out: list[str] = []
    start, close, comment_end = 0, -1, -2
    while (lt := html.find("<", start)) >= 0:
        out.append(html[start:lt])
        if html.startswith("<!--", lt):
            # the first `-->` found from an earlier `<!--` is still the first after this one
            # when it lies beyond it; none found then means none after this one either
            if comment_end != -1 and comment_end < lt + 4:
                comment_end = html.find("-->", lt + 4)
            if comment_end >= 0:
                out.append(html[lt : comment_end + 3])
                start = comment_end + 3
                continue
        else:
            if close != len(html) and close <= lt:
                close = html.find(">", lt + 1)
                close = len(html) if close < 0 else close
            next_lt = html.find("<", lt + 1, close)
            if close < len(html) and next_lt < 0:
                out.append(html[lt : close + 1])
                start = close + 1
                continue
        out.append("&lt;")
        start = lt + 1
    out.append(html[start:])
    return "".join(out)
