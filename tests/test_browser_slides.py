"""Every slide of every deck, seen in a real browser (Playwright driving Debian's Chromium).

The decks (built once per session, tests/_slides.py) are served from 127.0.0.1 with every other
request aborted. tools/check_slides.py pages through each deck at once (as a lecturer skimming
ahead does while MathJax is still typesetting), then visits every slide and sub-slide and
measures it at the deck's 960 x 700 size. A slide fails when its content is taller or wider than
the slide, a figure ends off-screen or never shows, maths is rendered twice, is not typeset or
shows its TeX, or an explorer's snapshot does not render. Slides listed in
``_slides.KNOWN_BAD`` must fail exactly as listed (the list only shrinks).

A synthetic deck checks the checker and the template's fitting rules on known cases.

Without Chromium (``/usr/bin/chromium``) the tests skip, except in CI (``CI=true``), where a
missing browser is a failure: ``.ci/run`` installs it with apt-get.
"""
import os
import shutil

import nbformat
import pytest

from _slides import KNOWN_BAD, LISTABLE, OUT, built_decks, lessons, synthetic_deck

import check_slides  # tools/ is on sys.path (tests/_slides.py)

IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser tests must run; .ci/run installs "
                    "Chromium with apt-get)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    chromium = check_slides.CHROMIUM
    if not (os.path.exists(chromium) or shutil.which(chromium)):
        _unavailable(f"no Chromium at {chromium} (Debian: apt-get install chromium)")
    with check_slides.chromium(chromium) as b:
        yield b


def _inspect(browser, decks, folder):
    """{deck stem: check_slides.Deck}, {deck stem: Reveal's slide count}, blocked URLs."""
    results, totals, remote = {}, {}, []
    with check_slides.serve(folder) as base:
        for nb_path, deck in decks:
            page = check_slides.open_deck(browser, base, deck.name, remote)
            try:
                totals[nb_path.stem] = page.evaluate("() => Reveal.getTotalSlides()")
                results[nb_path.stem] = check_slides.inspect_deck(page, nb_path, deck.name)
            finally:
                page.close()
    return results, totals, remote


@pytest.fixture(scope="module")
def inspected(browser):
    """Every lesson's deck, inspected once for all the tests below."""
    return _inspect(browser, built_decks(), OUT)


@pytest.fixture(scope="module")
def synthetic(browser, tmp_path_factory):
    nb_path, deck = synthetic_deck(tmp_path_factory.mktemp("synthetic-deck"))
    results, totals, remote = _inspect(browser, [(nb_path, deck)], deck.parent)
    deck_result = results[nb_path.stem]
    return {s.key: s for s in deck_result.slides}, deck_result, remote


def _problems(slide):
    return {p.kind for p in slide.problems}


# --- the lessons' decks ---------------------------------------------------------------------

def test_every_slide_is_visited(inspected):
    results, totals, _ = inspected
    assert set(results) == {p.stem for p in lessons()}
    for stem, deck in results.items():
        assert len(deck.slides) == totals[stem] >= 2, stem
        assert len({(s.h, s.v) for s in deck.slides}) == len(deck.slides), stem
        nb = nbformat.read(next(p for p in lessons() if p.stem == stem), as_version=4)
        ids = {c.get("id") for c in nb.cells}
        assert all(s.key in ids for s in deck.slides), f"{stem}: a slide not traced to its cell"
        fragments = sum(c.metadata.get("slideshow", {}).get("slide_type") == "fragment"
                        for c in nb.cells)
        assert sum(s.fragments for s in deck.slides) == fragments, stem


def test_the_decks_load_nothing_from_the_web(inspected):
    assert not inspected[2], f"the decks tried to load {sorted(set(inspected[2]))}"


@pytest.mark.parametrize("stem", [p.stem for p in lessons()])
def test_every_slide_shows_everything(inspected, stem):
    """Each slide's problems are exactly those listed for it in ``_slides.KNOWN_BAD`` (none for
    a slide not listed): a new problem fails, and so does a listed one that is gone."""
    deck = inspected[0][stem]
    known = KNOWN_BAD.get(stem, {})
    found = {s.key: _problems(s) for s in deck.slides if s.problems}
    new = {k: v - known.get(k, set()) for k, v in found.items() if v - known.get(k, set())}
    gone = {k: v - found.get(k, set()) for k, v in known.items() if v - found.get(k, set())}
    by_key = {s.key: s for s in deck.slides}
    lines = []
    for key, kinds in new.items():
        s = by_key[key]
        lines.append(f"{s.label} \"{s.title}\" (first cell id {key}): new {sorted(kinds)}")
        lines += [f"    {p}" for p in s.problems if p.kind in kinds]
    for key, kinds in gone.items():
        lines.append(f"slide starting at cell id {key}: {sorted(kinds)} fixed (or the slide "
                     f"is gone): remove it from KNOWN_BAD[{stem!r}] in tests/_slides.py")
    assert not lines, f"{stem} (python tools/check_slides.py notebooks/{stem}.ipynb):\n" + \
        "\n".join(lines)


def test_only_lesson_problems_are_listed():
    for stem, slides in KNOWN_BAD.items():
        assert stem in {p.stem for p in lessons()}, stem
        assert slides, f"{stem}: an empty entry; delete it"
        for key, kinds in slides.items():
            assert kinds and kinds <= LISTABLE, (stem, key, kinds - LISTABLE)


# --- the template's rules and the checker, on a synthetic deck ------------------------------

def test_maths_typeset_once_even_when_paging_ahead(synthetic):
    slides, deck, _ = synthetic
    assert not slides["maths"].problems, slides["maths"].problems
    assert not [p for s in deck.slides for p in s.problems if p.kind.startswith("maths")]


def test_a_tall_figure_shrinks_to_fit(synthetic):
    slide = synthetic[0]["tall-figure"]
    assert slide.fits, slide.problems
    assert slide.height <= 700
    assert any("figure 1 shown at" in r for r in slide.remarks), slide.remarks


def test_a_long_output_scrolls_in_its_box(synthetic):
    slide = synthetic[0]["long-output"]
    assert slide.fits, slide.problems
    assert any("a box scrolls" in r for r in slide.remarks), slide.remarks


def test_hidden_and_removed_code_leave_a_fitting_slide(synthetic):
    slides = synthetic[0]
    assert slides["hidden-code"].fits and slides["removed"].fits and slides["alt"].fits
    assert slides["hidden-code"].cells == [5, 6]  # the output of cell 6 stays on the slide


def test_the_checker_reports_what_does_not_fit(synthetic):
    slides, deck, remote = synthetic
    assert not remote
    assert [s.key for s in deck.failing] == ["too-tall", "figure-below"]
    assert _problems(slides["too-tall"]) == {"too tall"}
    [tall] = slides["too-tall"].problems
    assert tall.px > 700 and "cell 13" in tall.detail
    assert _problems(slides["figure-below"]) == {"too tall", "figure off-screen"}
    [fig] = [p for p in slides["figure-below"].problems if p.kind == "figure off-screen"]
    assert fig.cell == 15 and fig.px > 0
    text = check_slides.report(deck)
    assert "slide 7 \"Too much prose\"" in text and "cell 15" in text
