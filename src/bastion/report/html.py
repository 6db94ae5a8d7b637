"""The report's HTML building blocks: escaped tables, embedded figures, the page shell.

Everything a report needs is inside the one file: the style sheet is inline and figures are
PNG images in ``data:`` URIs, so it opens anywhere without a network (and without scripts).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

#: Resolution of embedded figures: sharp on a laptop screen, small enough to keep the file light.
FIGURE_DPI = 90
_OPAQUE = 255


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell: its text, and a CSS class (``num`` right-aligns figures)."""

    text: str
    css: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the report: its anchor id, heading and HTML body."""

    id: str
    title: str
    body: str


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def paragraph(text: str) -> str:
    """A paragraph of plain text (escaped)."""
    return f"<p>{esc(text)}</p>"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str | Cell]],
    row_attrs: Sequence[str] | None = None,
    css: str = "",
) -> str:
    """An HTML table; plain strings are escaped, ``row_attrs[i]`` is raw HTML for row i."""

    def cell(value: str | Cell, tag: str) -> str:
        c = value if isinstance(value, Cell) else Cell(value)
        cls = f' class="{c.css}"' if c.css else ""
        return f"<{tag}{cls}>{esc(c.text)}</{tag}>"

    head = "".join(cell(h, "th") for h in headers)
    body = []
    for i, row in enumerate(rows):
        attrs = f" {row_attrs[i]}" if row_attrs else ""
        body.append(f"<tr{attrs}>" + "".join(cell(v, "td") for v in row) + "</tr>")
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def num(value: float | int | None, fmt: str = ",.0f") -> Cell:
    """A right-aligned number; None shows as a dash."""
    return Cell("–" if value is None else format(value, fmt), "num")


def figure(fig: Figure, alt: str) -> str:
    """A matplotlib figure as an embedded PNG image.

    Drawn once on an Agg canvas (``savefig`` draws a figure with a layout engine twice: once
    to lay it out, once to render) and, when every pixel is opaque, as was every figure the
    report draws on its white background, stored as RGB: the same pixels as an RGBA file,
    which is a tenth larger and slower to compress.
    """
    fig.set_dpi(FIGURE_DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    image = Image.fromarray(rgba)
    if rgba[..., 3].min() == _OPAQUE:
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(FIGURE_DPI, FIGURE_DPI))
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="figure" alt="{esc(alt)}" src="data:image/png;base64,{data}">'


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d232b; background: #f6f7f9; line-height: 1.45; }
header { background: #1f2d3d; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 1.5em; }
header p { margin: 0; color: #c9d3de; }
nav { background: #fff; border-bottom: 1px solid #d8dde3; padding: 8px 32px; position: sticky;
      top: 0; z-index: 1; }
nav a { margin-right: 14px; color: #1f5f99; text-decoration: none; font-size: 0.92em; }
main { padding: 8px 32px 32px 32px; max-width: 1500px; }
section { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; margin: 18px 0;
          padding: 6px 20px 16px 20px; }
h2 { font-size: 1.2em; border-bottom: 1px solid #e3e7eb; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
th, td { border: 1px solid #d8dde3; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.good { background: #e3f4e6; } td.bad { background: #fbe3e1; } td.warn { background: #fff3d6; }
td.diag { font-weight: bold; background: #e3f4e6; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid #d8dde3; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card .value { font-size: 1.6em; font-weight: 600; }
.card .label { font-size: 0.85em; color: #5a6572; }
img.figure { max-width: 100%; height: auto; display: block; margin: 8px 0; }
details { margin: 4px 0; } summary { cursor: pointer; }
.note { color: #5a6572; font-size: 0.88em; }
"""


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Headline figures as (value, label) cards."""
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="value">{esc(v)}</div>'
            f'<div class="label">{esc(label)}</div></div>'
            for v, label in items
        )
        + "</div>"
    )


def page(title: str, subtitle: str, sections: Sequence[Section], footer: str) -> str:
    """The whole self-contained document."""
    nav = "".join(f'<a href="#{s.id}">{esc(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{s.id}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}<p class='note'>{esc(footer)}</p></main></body></html>\n"
    )
