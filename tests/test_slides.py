"""The lecture decks (make slides): one executed reveal.js deck per lesson, offline-ready.

Checks each deck's structure against the lesson's slideshow metadata (slides and sub-slides),
that no cell errored, that figures are embedded as images, and that nothing loads from the web.
"""
import html.parser
import re

import nbformat
import pytest

from _slides import OUT, built_decks


class _Sections(html.parser.HTMLParser):
    """Counts reveal.js slides (outer <section>) and sub-slides (inner <section>)."""

    def __init__(self):
        super().__init__()
        self.depth, self.slides, self.subslides, self.images = 0, 0, 0, 0
        self.srcs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.depth += 1
            self.slides += self.depth == 1
            self.subslides += self.depth == 2
        if tag == "img" and self.depth:
            self.images += str(attrs.get("src", "")).startswith("data:image/png;base64,")
        for key in ("src", "href"):
            if attrs.get(key):
                self.srcs.append(attrs[key])

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1


def expected_counts(nb):
    """(slides, sub-slides) the slideshow metadata asks for."""
    kinds = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
    kinds = [k for k in kinds if k != "skip"]
    slides = kinds.count("slide") + (bool(kinds) and kinds[0] not in ("slide",))
    return slides, slides + kinds.count("subslide")


@pytest.fixture(scope="module")
def decks():
    return built_decks()


def test_a_deck_per_lesson(decks):
    assert decks, "no lessons found"
    for nb_path, deck in decks:
        assert deck.exists(), deck
        assert deck.parent == OUT


def test_structure_matches_slideshow_metadata(decks):
    for nb_path, deck in decks:
        nb = nbformat.read(nb_path, as_version=4)
        parser = _Sections()
        parser.feed(deck.read_text())
        assert parser.depth == 0, f"{deck.name}: unbalanced <section>"
        assert (parser.slides, parser.subslides) == expected_counts(nb), deck.name


def test_no_error_outputs(decks):
    # nbconvert --execute already stops at a cell that raises; this also catches errors that
    # were printed (e.g. a traceback shown by a widget callback).
    for _, deck in decks:
        text = deck.read_text()
        assert "Traceback (most recent call last)" not in text, deck.name
        assert "jp-OutputArea-error" not in text, deck.name


def test_figures_embedded_as_images(decks):
    for nb_path, deck in decks:
        nb = nbformat.read(nb_path, as_version=4)
        plots = sum("plt." in c.source or "plots." in c.source or "explore_" in c.source
                    for c in nb.cells if c.cell_type == "code"
                    and c.metadata.get("slideshow", {}).get("slide_type") != "skip")
        parser = _Sections()
        parser.feed(deck.read_text())
        if plots:
            assert parser.images >= 1, f"{deck.name}: no embedded figure"


def test_nothing_loads_from_the_web(decks):
    vendor = OUT / "vendor"
    for _, deck in decks:
        text = deck.read_text()
        parser = _Sections()
        parser.feed(text)
        remote = [s for s in parser.srcs if re.match(r"(https?:)?//", s)]
        assert not remote, f"{deck.name} loads {remote}"
        assert not re.search(r"""(import[^;]*from|url\()\s*['"]?(https?:)?//""", text)
        for cdn in ["unpkg.com", "cdnjs.", "jsdelivr"]:
            assert cdn not in text, f"{deck.name} mentions {cdn}"
        for local in re.findall(r"""(?:src|href)=["'](vendor/[^"'?]+)""", text) + \
                re.findall(r"""["'](vendor/[^"'?]+\.js)["']""", text):
            assert (OUT / local).exists(), f"{deck.name}: missing {local}"
            if local.endswith(".css"):  # e.g. a reveal theme that @imports Google Fonts
                css = (OUT / local).read_text(errors="replace")
                assert not re.search(r"""@import\s+url\(\s*['"]?(https?:)?//""", css), local
    assert (vendor / "reveal.js" / "dist" / "reveal.js").exists()
    assert (vendor / "html-manager" / "dist" / "embed-amd.js").exists()
