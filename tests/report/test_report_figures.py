"""Embedded figures: the pixels ``savefig`` would write, at the report's resolution; stored
as RGB when nothing is transparent, as RGBA otherwise."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from bastion.report.html import FIGURE_DPI, figure


def _sample_figure(transparent: bool, layout: str | None) -> Figure:
    fig = Figure(figsize=(4, 3), layout=layout)
    if transparent:
        fig.patch.set_alpha(0.0)
    ax = fig.subplots()
    x = np.linspace(0.0, 10.0, 200)
    ax.plot(x, np.sin(x), label="sin")
    ax.scatter(x[::10], np.cos(x[::10]), marker="v", c="#c0392b", label="cos")
    ax.set_title("a figure with text, lines and markers")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return fig


def _decoded(img_tag: str) -> Image.Image:
    data = re.search(r'src="data:image/png;base64,([^"]+)"', img_tag)
    assert data is not None
    return Image.open(io.BytesIO(base64.b64decode(data.group(1))))


@pytest.mark.parametrize("layout", [None, "constrained"])
@pytest.mark.parametrize("transparent", [False, True])
def test_the_embedded_image_has_the_pixels_savefig_writes(transparent: bool, layout) -> None:
    buf = io.BytesIO()
    _sample_figure(transparent, layout).savefig(buf, format="png", dpi=FIGURE_DPI)
    expected = np.asarray(Image.open(buf).convert("RGBA"))
    image = _decoded(figure(_sample_figure(transparent, layout), "alt"))
    assert image.mode == ("RGBA" if transparent else "RGB")
    np.testing.assert_array_equal(np.asarray(image.convert("RGBA")), expected)
    assert image.size == (4 * FIGURE_DPI, 3 * FIGURE_DPI)


def test_the_alt_text_is_escaped() -> None:
    tag = figure(_sample_figure(False, None), 'map "A" & <B>')
    assert 'alt="map &quot;A&quot; &amp; &lt;B&gt;"' in tag
