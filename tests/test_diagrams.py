"""vgteach.diagrams: the LSTM cell and the residual block, drawn without pyplot."""
import base64
import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from vgteach import diagrams


def _texts(diagram):
    return " ".join(t.get_text() for ax in diagram.figure.axes for t in ax.texts)


@pytest.mark.parametrize("make, words", [
    (diagrams.lstm_cell, ["c_{t-1}", "c_t", "h_t", "x_t", "dc_{t-1} = dc_t", "tanh"]),
    (diagrams.residual_block, ["skip", "branch", "x + F(x)", "f(z)"]),
])
def test_diagram_draws_its_parts_and_describes_them(make, words):
    before = (plt.get_fignums(), dict(matplotlib.rcParams))
    d = make()
    assert (plt.get_fignums(), dict(matplotlib.rcParams)) == before  # nothing global changed
    assert isinstance(d.figure, Figure)
    width, height = d.figure.get_size_inches()
    assert width <= 6.5 and height <= 3.2                            # fits a slide
    text = _texts(d)
    for w in words:
        assert w in text, w
    assert len(d.alt) > 150 and d.alt.startswith("Diagram of")


def test_diagram_renders_as_an_image_with_alt_text():
    d = diagrams.lstm_cell()
    html = d._repr_html_()
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(src).lstrip().startswith(b"<?xml")
    assert 'alt="Diagram of one LSTM step.' in html
    assert d._repr_png_().startswith(b"\x89PNG")
    assert "<svg" in d.svg()
    assert "Diagram(" in repr(d)


def test_alt_text_is_escaped():
    d = diagrams.Diagram(Figure(figsize=(1, 1)), 'a "quoted" <word>')
    assert 'alt="a &quot;quoted&quot; &lt;word&gt;"' in d._repr_html_()
