"""What a printed protocol page says: the print stylesheet hides every `.no-print`."""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse

from policy.tests.conftest import publish_new_version

VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}


class PrintedText(HTMLParser):
    """The page's text outside any element with the class no-print."""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append("no-print" in classes)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)

    @classmethod
    def of(cls, page: str) -> str:
        parser = cls()
        parser.feed(page)
        return " ".join(" ".join(parser.parts).split())


def test_it_prints_that_an_earlier_version_no_longer_applies(client, v1, board):
    publish_new_version(board)
    page = client.get(reverse("policy:version", args=[1])).content.decode()
    printed = PrintedText.of(page)
    assert "Versie 1, gepubliceerd op" in printed
    assert "Dit is een eerdere versie (1) en die geldt niet meer." in printed
    assert "Lees de huidige versie" not in printed  # links are for the screen


def test_it_prints_the_current_version_without_the_confirm_form(client, v1):
    printed = PrintedText.of(client.get(reverse("policy:current")).content.decode())
    assert "Versie 1, gepubliceerd op" in printed
    assert "log in om te bevestigen" not in printed


# --- The table of contents is printed -----------------------------------------------------

STATIC_CSS = settings.BASE_DIR / "static" / "css"


MEDIA_BLOCK = re.compile(r"@media\s+([^{]+)\{((?:[^{}]*\{[^}]*\})*)\s*\}")
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def _print_rules(css: str, *, print_sheet: bool) -> list[tuple[str, str]]:
    """(selector list, declarations) of the rules that apply in print: the @media print
    blocks, and the rules outside any block of a sheet loaded with media="print"."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for media, body in MEDIA_BLOCK.findall(css):
        if "print" in media:
            rules += RULE.findall(body)
    if print_sheet:
        rules += RULE.findall(MEDIA_BLOCK.sub("", css))
    return rules


def _hidden_in_print() -> list[str]:
    """The last compound of every selector the print stylesheets hide (`display: none`)."""
    rules = _print_rules((STATIC_CSS / "print.css").read_text(), print_sheet=True)
    rules += _print_rules((STATIC_CSS / "policy.css").read_text(), print_sheet=False)
    hidden = []
    for selectors, declarations in rules:
        if re.search(r"display\s*:\s*none", declarations):
            hidden += [s.split()[-1] for s in selectors.split(",") if s.strip()]
    return hidden


def _matches(compound: str, tag: str, classes: set[str], element_id: str) -> bool:
    """Whether a compound selector of tags, classes and ids (`nav`, `form.lang-switch`,
    `#inhoud`) matches an element; anything it cannot read counts as a match."""
    parts = re.findall(r"([.#]?)([\w-]+)|(\S)", compound)
    for kind, name, other in parts:
        if other:  # :not(), [attr] and the like: assume the worst
            return True
        if (kind == "" and name != tag) or (kind == "." and name not in classes):
            return False
        if kind == "#" and name != element_id:
            return False
    return True


class TocAncestry(HTMLParser):
    """(tag, classes, id) of the table of contents and every element around it."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, set[str], str]] = []
        self.chain: list[tuple[str, set[str], str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        element = (tag, set((attributes.get("class") or "").split()), attributes.get("id") or "")
        self.stack.append(element)
        if element[2] == "inhoud" and self.chain is None:
            self.chain = list(self.stack)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()


def test_it_prints_the_table_of_contents(client, v1):
    page = client.get(reverse("policy:current")).content.decode()
    parser = TocAncestry()
    parser.feed(page)
    assert parser.chain is not None and parser.chain[-1][0] == "nav"
    hidden = _hidden_in_print()
    assert ".site-header" in hidden  # the site's menu is still hidden
    for tag, classes, element_id in parser.chain:
        matched = [s for s in hidden if _matches(s, tag, classes, element_id)]
        assert not matched, f"<{tag} class={sorted(classes)}> is hidden in print by {matched}"
    assert "Inhoud" in PrintedText.of(page)


def test_it_hides_the_site_menu_and_page_links_in_print():
    """Every <nav> other than the protocol's contents is site navigation: `no-print`."""
    templates = settings.BASE_DIR / "templates"
    for template in templates.rglob("*.html"):
        for nav in re.findall(r"<nav\b[^>]*>", template.read_text()):
            if 'class="protocol-toc"' not in nav:
                assert re.search(r'class="[^"]*\bno-print\b', nav), f"{template}: {nav}"
