"""Literature XML parsed with lxml, and every text node located in the file.

lxml (libxml2) is the parser: maintained, fast, strict about well-formedness with a line
and column for each error, and it parses untrusted files safely here (no network, no
external entities, no entity expansion). It does not say where in the file a text node
is, so :func:`locate` walks the tree in document order beside the decoded file, finding
each start tag, text run and end tag from a cursor that only moves forward: every text
and tail gets its character span in the file, which the source map records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.errors import BadInputError, Errors
from pipeline.read.textmap import Piece
from pipeline.xmltree import local_name

SPACES = re.compile(r"\s+")


@dataclass
class XmlFile:
    root: etree._Element
    source: str  # the decoded file, which source-map offsets index
    spans: dict  # element -> ((text start, end), (tail start, end)) in ``source``

    def text_span(self, element) -> tuple[int, int]:
        return self.spans.get(element, ((0, 0), (0, 0)))[0]

    def tail_span(self, element) -> tuple[int, int]:
        return self.spans.get(element, ((0, 0), (0, 0)))[1]


def parse_xml(path: str | Path, data: bytes, *, locate_text: bool = True) -> XmlFile:
    """Parse ``data`` (the bytes of ``path``); BadInputError names a malformed file's
    first error with its line and column. ``locate_text=False``: no spans (a look at the
    root and the ids only, as discovery takes)."""
    if not data.strip():
        raise BadInputError(path, Errors.E001)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_blank_text=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (0, 0)
        raise BadInputError(path, Errors.E017.format(line=line, column=column,
                                                     message=syntax_message(error))) from None
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        source = data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise BadInputError(path, Errors.E017.format(line=0, column=0, message=str(error))) from None
    return XmlFile(root, source, locate(root, source) if locate_text else {})


def syntax_message(error) -> str:
    """libxml2's message without the position it repeats at its end."""
    return re.sub(r"(?:,? line \d+)?, column \d+$", "", error.msg or "").strip()


def qualified_name(element) -> str:
    local = local_name(element)
    return f"{element.prefix}:{local}" if element.prefix else local


def line_offset(source: str, line: int) -> int:
    offset = 0
    for _ in range(max(line - 1, 0)):
        found = source.find("\n", offset)
        if found == -1:
            return offset
        offset = found + 1
    return offset


# A reference to an entity of a DTD that is not loaded: lxml keeps it as a node of its
# own, which ends the text run before it (XML's own five and character references are
# text).
ENTITY_NODE = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);|#)[A-Za-z_][\w.-]*;")


def text_run_end(source: str, start: int) -> int:
    """Where a text run starting at ``start`` ends: the next markup that is no CDATA
    section (lxml folds CDATA into the text), or an entity node."""
    position = start
    while True:
        found = source.find("<", position)
        found = len(source) if found == -1 else found
        entity = ENTITY_NODE.search(source, position, found)
        if entity is not None:
            return entity.start()
        if found == len(source):
            return found
        if source.startswith("<![CDATA[", found):
            close = source.find("]]>", found)
            position = len(source) if close == -1 else close + 3
            continue
        return found


def entity_text(element) -> str:
    """What an entity node stands for, by its HTML name (``&nbsp;``, ``&ndash;``); "" for
    a name HTML does not know."""
    from html.entities import html5

    return html5.get(f"{element.text.strip('&;')};", "") if element.text else ""


def start_tag_end(source: str, start: int) -> int:
    """The index just past the ``>`` that closes the start tag at ``start`` (quoted
    attribute values may hold ``>``)."""
    quote = None
    for index in range(start + 1, len(source)):
        char = source[index]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == ">":
            return index + 1
    return len(source)


def locate(root, source: str) -> dict:
    """Element -> ((text start, end), (tail start, end)): character spans in ``source``.

    The walk follows document order with one forward cursor; comments, processing
    instructions and entity references are stepped over as they come.
    """
    spans: dict = {}
    cursor = line_offset(source, root.sourceline or 1)

    def run(start: int, text: str | None) -> tuple[int, int]:
        nonlocal cursor
        if not text:
            return (start, start)
        cursor = text_run_end(source, start)
        return (start, cursor)

    def visit(element) -> None:
        nonlocal cursor
        if isinstance(element, etree._Comment):
            found = source.find("<!--", cursor)
            cursor = source.find("-->", found) + 3 if found != -1 else cursor
            text = ((cursor, cursor))
        elif isinstance(element, etree._ProcessingInstruction):
            found = source.find("<?", cursor)
            cursor = source.find("?>", found) + 2 if found != -1 else cursor
            text = ((cursor, cursor))
        elif isinstance(element, etree._Entity):
            found = ENTITY_NODE.search(source, cursor)
            text = (found.start(), found.end()) if found else (cursor, cursor)
            cursor = text[1]
        else:
            name = qualified_name(element)
            found = re.compile(rf"<{re.escape(name)}(?=[\s/>])").search(source, cursor)
            if found is None:
                return  # lost: the rest keeps empty spans rather than wrong ones
            cursor = start_tag_end(source, found.start())
            empty = source[cursor - 2] == "/"
            text = run(cursor, element.text)
            for child in element:
                visit(child)
            if not empty:
                closing = source.find(f"</{name}", cursor)
                if closing != -1:
                    cursor = start_tag_end(source, closing)
        spans[element] = (text, run(cursor, element.tail))

    visit(root)
    return spans


# ------------------------------------------------------------------ inline text


@dataclass(frozen=True)
class InlineRules:
    """How a format's inline markup reads as text: elements left out with their content
    (``drop``), elements read as a citation mark (``citation``: left out with the brackets
    and separators around them), and elements that end a line of their own."""

    drop: frozenset[str] = frozenset()
    citation: frozenset[str] = frozenset()

    def is_citation(self, element) -> bool:
        name = local_name(element)
        if name == "xref":
            return element.get("ref-type") in self.citation
        return name in self.citation


CITE = Piece("\x00")  # a dropped citation mark, settled by settle_citations
CITATION_SEPARATOR = re.compile(r"^[\s,;–-]*$")
OPENERS = "[("
CLOSERS = "])"


def inline_pieces(xml: XmlFile, element, rules: InlineRules, *, with_tail: bool = False
                  ) -> list[Piece]:
    """The text of ``element`` (mixed content, in order) as pieces mapped to the file,
    whitespace folded to single spaces, citation marks and their brackets left out."""
    pieces: list[Piece] = []

    def add(text: str | None, span: tuple[int, int]) -> None:
        if text:
            pieces.append(Piece(text, 1, span[0], span[1]))

    def visit(node) -> None:
        add(node.text, xml.text_span(node))
        for child in node:
            if isinstance(child, etree._Entity):
                add(entity_text(child), xml.text_span(child))
            elif not isinstance(child.tag, str):
                pass
            elif rules.is_citation(child):
                pieces.append(CITE)
            elif local_name(child) not in rules.drop:
                visit(child)
            add(child.tail, xml.tail_span(child))

    visit(element)
    if with_tail:
        add(element.tail, xml.tail_span(element))
    return fold_spaces(settle_citations(pieces))


def settle_citations(pieces: list[Piece]) -> list[Piece]:
    """Leave out citation marks: separators between two of them, brackets around a group
    of them, and the space before one that precedes punctuation ("shown [1, 2]." ->
    "shown.")."""
    out: list[Piece] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if piece is not CITE:
            out.append(piece)
            index += 1
            continue
        last = index  # the group's last citation mark
        while True:
            if last + 1 < len(pieces) and pieces[last + 1] is CITE:
                last += 1
            elif (last + 2 < len(pieces) and pieces[last + 2] is CITE
                  and CITATION_SEPARATOR.match(pieces[last + 1].text)):
                last += 2
            else:
                break
        following = pieces[last + 1] if last + 1 < len(pieces) else None
        before = out[-1] if out else None
        if (before is not None and before.text.rstrip().endswith(tuple(OPENERS))
                and following is not None and following.text.lstrip().startswith(tuple(CLOSERS))):
            stripped = before.text.rstrip()[:-1]
            out[-1] = Piece(stripped, before.page, before.source_start,
                            before.source_end - (len(before.text) - len(stripped)))
            rest = following.text.lstrip()[1:]
            following = Piece(rest, following.page,
                              following.source_end - len(rest), following.source_end)
        if (following is not None and out and re.match(r"[.,;:)\]]", following.text)
                and out[-1].text.endswith(" ")):
            kept = out[-1].text.rstrip()
            out[-1] = Piece(kept, out[-1].page, out[-1].source_start,
                            out[-1].source_end - (len(out[-1].text) - len(kept)))
        if following is not None:
            out.append(following)
        index = last + 2
    return [piece for piece in out if piece.text]


def fold_spaces(pieces: list[Piece]) -> list[Piece]:
    """Runs of white space (line ends included) as one space, none at either end."""
    out: list[Piece] = []
    for piece in pieces:
        text = SPACES.sub(" ", piece.text)
        if text.startswith(" ") and (not out or out[-1].text.endswith(" ")):
            text = text[1:]
        if text:
            out.append(Piece(text, piece.page, piece.source_start, piece.source_end))
    while out and out[-1].text.endswith(" "):
        last = out.pop()
        if last.text.rstrip():
            out.append(Piece(last.text.rstrip(), last.page, last.source_start, last.source_end))
    return out


def plain_text(pieces: list[Piece]) -> str:
    return "".join(piece.text for piece in pieces)
