"""The lecture decks (make slides): one executed reveal.js deck per lesson, offline-ready.

Checks each deck's structure against the lesson's slideshow metadata (slides and sub-slides),
that no cell errored, that figures are embedded as images, and that nothing loads from the web;
and, on a synthetic deck, the template's cell tags and alt text. What the slides look like in a
browser (do they fit?) is tests/test_browser_slides.py.
"""
import html.parser
import re

import nbformat
import pytest

from _slides import OUT, built_decks, synthetic_deck


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


@pytest.fixture(scope="module")
def synthetic_html(tmp_path_factory):
    _, deck = synthetic_deck(tmp_path_factory.mktemp("synthetic-html"))
    return deck.read_text()


def _notes(text):
    return "".join(re.findall(r'<aside class="notes">(.*?)</aside>', text, re.S))


def test_alt_text_from_metadata_reaches_the_deck(synthetic_html):
    # nbconvert's lab/reveal templates write no alt at all; its HTML exporter then gives every
    # <img> without one a placeholder. The template reads `alt` as the classic template does.
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', synthetic_html)
    assert "Alt text from the output's metadata" in alts
    assert "Alt text from the cell's metadata" in alts
    assert alts.count("No description has been provided for this image") == 3  # the others


def test_hide_input_moves_code_to_the_notes(synthetic_html):
    notes = _notes(synthetic_html)
    assert "secret_plotting_code" in notes
    assert "secret_plotting_code" not in synthetic_html.replace(notes, "")


def test_remove_input_and_remove_output(synthetic_html):
    assert "removed_input_code" not in synthetic_html and "kept output" in synthetic_html
    assert "removed output" not in synthetic_html and "kept_input_code" in synthetic_html


def test_no_prompts_on_slides(decks):
    for _, deck in decks:
        text = deck.read_text()
        assert not re.search(r"<div class=\"jp-(In|Out)putPrompt", text), deck.name
