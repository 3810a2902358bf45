"""Static images without their editors' metadata ("metadata stripped from every image we
hand out"): an SVG drawn in Inkscape or Illustrator carries the editor's version, window,
document name and sometimes its author (sodipodi:, inkscape:, RDF/Dublin Core in
<metadata>, comments). `manage.py clean_static_images` writes a cleaned copy of every such
image another app serves (Django admin's calendar-icons.svg) into static/, which the
finders and collectstatic read first; ops/tests/test_static_images.py holds every served
image to it.
"""

import xml.etree.ElementTree as ET  # noqa: S405 - serialises only; parsing is defusedxml's

from defusedxml.ElementTree import fromstring

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Elements that describe the file rather than draw it.
DESCRIPTIONS = {f"{{{SVG}}}metadata", f"{{{SVG}}}desc"}


def _namespace(name: str) -> str:
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""


def _drawn(element) -> bool:
    return _namespace(element.tag) == SVG and element.tag not in DESCRIPTIONS


def _strip(element) -> list[str]:
    """Drop the editor's elements and attributes below and on `element`, in place; what
    was dropped."""
    dropped = [n for n in element.attrib if _namespace(n) not in ("", XLINK, XML)]
    for name in dropped:
        del element.attrib[name]
    for child in list(element):
        if _drawn(child):
            dropped += _strip(child)
        else:
            element.remove(child)
            dropped.append(child.tag)
    return dropped


def _cleaned(data: bytes) -> tuple[bytes, list[str]]:
    root = fromstring(data)  # comments and processing instructions are not read at all
    if root.tag != f"{{{SVG}}}svg":
        raise ValueError("not an SVG document")
    dropped = _strip(root)
    if b"<!--" in data:
        dropped.append("comment")
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    return ET.tostring(root, encoding="unicode").encode() + b"\n", dropped


def svg_metadata(data: bytes) -> list[str]:
    """What cleaning would drop from the SVG (empty: a drawing only)."""
    return _cleaned(data)[1]


def without_metadata(path: str, data: bytes) -> bytes:
    """The image at `path` without metadata: for an SVG, its SVG elements with their own,
    xlink and xml attributes. Only SVG is cleaned here (a raster image with metadata needs
    its pixels saved anew, by hand)."""
    if not path.lower().endswith(".svg"):
        raise ValueError(f"{path}: only SVG images are cleaned automatically")
    return _cleaned(data)[0]
