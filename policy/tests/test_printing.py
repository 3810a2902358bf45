"""What a printed protocol page says: the print stylesheet hides every `.no-print`."""

from html.parser import HTMLParser

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
