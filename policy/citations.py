"""Which protocol anchors the portal's own pages cite with {% cite_protocol "…" %}.

A draft may not remove an article or a section a page cites: the page would link to an
anchor the published protocol no longer has. Read from the template files once per process.
"""

import re
from functools import cache
from pathlib import Path
from typing import cast

from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs

CITE = re.compile(r"""{%\s*cite_protocol\s+["']([\w-]+)["']""")


def _template_dirs() -> list[Path]:
    own = [Path(d) for d in cast(DjangoTemplates, engines["django"]).engine.dirs]
    return own + [Path(d) for d in get_app_template_dirs("templates")]


@cache
def cited_anchors() -> frozenset[str]:
    """Every anchor some template cites ("profileren-4", "goed-om-te-weten")."""
    found = set()
    for directory in _template_dirs():
        for path in directory.rglob("*.html"):
            found.update(CITE.findall(path.read_text(encoding="utf-8")))
    return frozenset(found)
