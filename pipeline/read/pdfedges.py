"""A page's ruling edges read by pdfium, as pdfplumber's table finder takes them.

pdfplumber finds ruled grids from the edges of a page's lines, rectangles and curves,
which pdfminer reads by parsing the whole page (most of the cost of a grid page). The
same edges are read here from pdfium's path objects, following pdfminer's rules
(``PDFLayoutAnalyzer.paint_path``: a path split at each ``m``; ``ml``/``mlh`` a line;
``mlllh``/``mllll`` closed and square a rectangle; anything else a curve) and
pdfplumber's (``utils.geometry``: a rectangle's four edges; a curve's edge per pair of
points; ``line_to_edge``'s orientation).

pdfium keeps coordinates as 32-bit floats, pdfminer as the decimals the page wrote:
each number is read back as the shortest decimal that gives the same 32-bit float,
which is what the page wrote for numbers of up to seven digits. Where pdfminer adds a
rectangle's width to its corner in 64 bits, pdfium did it in 32: such coordinates
differ from pdfminer's in the 14th digit, far below the table finder's 3-point
tolerances (``tests/read/test_pdfedges.py`` compares both on PDFs with grids).
"""

from __future__ import annotations

import ctypes
import re
from typing import Iterator

import numpy

Point = tuple[float, float]
INF = float("inf")
SUBPATH = re.compile(r"m[^m]+")  # pdfminer drops a lone "m"


def written(value: float) -> float:
    """The number the page wrote, from pdfium's 32-bit float of it."""
    return float(str(numpy.float32(value)))


def bound(points: list[Point]) -> tuple[float, float, float, float]:
    """pdfminer's ``get_bound``, in its order of comparisons."""
    x0, y0, x1, y1 = INF, INF, -INF, -INF
    for x, y in points:
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    return x0, y0, x1, y1


def path_operators(handle, raw) -> list[tuple[str, Point | None]]:
    """A path object's operators as pdfminer records them: ``m``, ``l``, ``c`` (at a
    Bézier curve's end point) and ``h`` (closed, no point of its own)."""
    x, y = ctypes.c_float(), ctypes.c_float()
    operators: list[tuple[str, Point | None]] = []
    bezier_points = 0
    for index in range(raw.FPDFPath_CountSegments(handle)):
        segment = raw.FPDFPath_GetPathSegment(handle, index)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier_points += 1
            if bezier_points % 3:
                continue  # a control point
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        operator = {raw.FPDF_SEGMENT_MOVETO: "m", raw.FPDF_SEGMENT_LINETO: "l"}.get(kind, "c")
        operators.append((operator, (written(x.value), written(y.value))))
        if raw.FPDFPathSegment_GetClose(segment):
            operators.append(("h", None))
    return operators


def shapes(operators: list[tuple[str, Point | None]],
           matrix: tuple) -> Iterator[tuple[str, list[Point]]]:
    """Each subpath's kind (``line``, ``rect`` or ``curve``) and points in page space."""
    a, b, c, d, e, f = matrix
    shape = "".join(operator for operator, _ in operators)
    for match in SUBPATH.finditer(shape):
        subpath = operators[match.start():match.end()]
        start = subpath[0][1]
        points = [(a * x + c * y + e, b * x + d * y + f)
                  for x, y in (start if point is None else point for _, point in subpath)]
        kind = match.group()
        if len(kind) > 3 and kind[-2:] == "lh" and points[-2] == points[0]:
            kind = kind[:-2] + "h"  # a redundant "l" back to the start
            points.pop()
        if kind in ("mlh", "ml"):
            yield "line", points[:2]
        elif kind in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
            square = ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                      or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0))
            if points[0] == points[4] and square:
                yield "rect", [(x0, y0), (x2, y0), (x2, y2), (x0, y2)]
            else:
                yield "curve", points
        else:
            yield "curve", points


def line_edge(points: list[Point], height: float) -> dict:
    x0, y0, x1, y1 = bound(points)
    top, bottom = height - y1, height - y0
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "width": x1 - x0, "height": y1 - y0,
            "orientation": "h" if top == bottom else "v"}


def rect_edges(points: list[Point], height: float) -> list[dict]:
    x0, y0, x1, y1 = bound(points)
    rect = {"object_type": "rect_edge", "x0": x0, "x1": x1, "top": height - y1,
            "bottom": height - y0, "doctop": height - y1, "width": x1 - x0, "height": y1 - y0}
    return [dict(rect, height=0, bottom=rect["top"], orientation="h"),
            dict(rect, height=0, top=rect["top"] + rect["height"],
                 doctop=rect["doctop"] + rect["height"], orientation="h"),
            dict(rect, width=0, x1=rect["x0"], orientation="v"),
            dict(rect, width=0, x0=rect["x1"], orientation="v")]


def curve_edges(points: list[Point], height: float) -> list[dict]:
    flipped = [(x, height - y) for x, y in points]
    return [{"object_type": "curve_edge", "x0": min(ax, bx), "x1": max(ax, bx),
             "top": min(ay, by), "doctop": min(ay, by), "bottom": max(ay, by),
             "width": abs(ax - bx), "height": abs(ay - by),
             "orientation": "v" if ax == bx else ("h" if ay == by else None)}
            for (ax, ay), (bx, by) in zip(flipped, flipped[1:])]


def page_edges(page, raw) -> list[dict] | None:
    """The page's edges in pdfplumber's order (lines, then rectangles, then curves);
    None where pdfminer's reading could differ in more than the last digits: a page
    rotated, with a crop or media box not at the origin, or with form XObjects (whose
    paths pdfium gives in the form's own space)."""
    box = page.get_mediabox()
    if page.get_rotation() or box[:2] != (0.0, 0.0) or page.get_cropbox() != box:
        return None
    height = written(box[3])
    found: dict[str, list[dict]] = {"line": [], "rect": [], "curve": []}
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM), max_depth=1):
        if obj.type == raw.FPDF_PAGEOBJ_FORM:
            return None
        raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        if fill.value == raw.FPDF_FILLMODE_NONE and not stroke.value:
            continue  # not painted: pdfminer keeps no object
        matrix = tuple(written(v) for v in obj.get_matrix().get())
        for kind, points in shapes(path_operators(obj.raw, raw), matrix):
            if kind == "line":
                found["line"].append(line_edge(points, height))
            elif kind == "rect":
                found["rect"] += rect_edges(points, height)
            else:
                found["curve"] += curve_edges(points, height)
    return found["line"] + found["rect"] + found["curve"]
