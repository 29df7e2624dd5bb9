"""Build one offline reveal.js deck per lesson: ``build/slides/NN_topic.slides.html``.

Every lesson in notebooks/ is executed (figures and widget snapshots end up in the deck) and
converted with ``jupyter nbconvert --to slides``. The JavaScript and CSS a deck needs (reveal.js,
require.js, the Jupyter widget HTML manager, MathJax 2, jQuery, Font Awesome) are installed from
the npm registry at the versions pinned in tools/slides/package-lock.json and copied into
``build/slides/vendor/``; the decks refer to them by relative paths, so the folder
``build/slides/`` works offline, from a USB stick or any static web server.

The template (tools/slides/offline.html.j2) fits the slides to the deck's 960 x 700 px;
``python tools/check_slides.py`` (``make slides-check``) shows, slide by slide, what still
does not.

Usage: ``python tools/build_slides.py [--out build/slides] [notebooks ...]``
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
NPM_DIR = ROOT / "tools" / "slides"

#: what a deck loads: vendor sub-folder -> folder inside node_modules
VENDOR = {
    "reveal.js/dist": "reveal.js/dist",
    "reveal.js/plugin": "reveal.js/plugin",
    "requirejs": "requirejs",
    "html-manager/dist": "@jupyter-widgets/html-manager/dist",
    "mathjax": "mathjax",
    "jquery/dist": "jquery/dist",
    "font-awesome/css": "font-awesome/css",
    "font-awesome/fonts": "font-awesome/fonts",
}

#: nbconvert options pointing every external URL at the vendored copies (trait names from
#: nbconvert/exporters/html.py and slides.py)
EXPORTER_OPTIONS = {
    "SlidesExporter.reveal_url_prefix": "vendor/reveal.js",
    # "white" uses the font bundled with reveal.js; "simple" (the default) imports Google Fonts.
    "SlidesExporter.reveal_theme": "white",
    "SlidesExporter.require_js_url": "vendor/requirejs/require.js",
    "SlidesExporter.widget_renderer_url": "vendor/html-manager/dist/embed-amd.js",
    "SlidesExporter.jquery_url": "vendor/jquery/dist/jquery.min.js",
    "SlidesExporter.mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "SlidesExporter.font_awesome_url": "vendor/font-awesome/css/font-awesome.css",
    # nbconvert's Mermaid URL is not configurable; this template drops that CDN import, and
    # fits the slides (see the template's header).
    "SlidesExporter.template_file": str(NPM_DIR / "offline.html.j2"),
    # No "In [3]:" / "Out[3]:" column: 110 px of a 960 px slide, and nothing for the audience.
    "SlidesExporter.exclude_input_prompt": True,
    "SlidesExporter.exclude_output_prompt": True,
}


def _not_needed(folder, names):
    """Skip what a deck never loads (source maps, MathJax's unpacked sources, SVG output and
    fonts other than TeX): about 110 MB down to 40 MB."""
    folder = pathlib.Path(folder)
    skip = {n for n in names if n.endswith(".map") or n == "unpacked"}
    if folder.parts[-2:] == ("jax", "output"):
        skip |= {n for n in names if n != "CommonHTML"}
    if folder.parts[-2:] == ("fonts", "HTML-CSS"):
        skip |= {n for n in names if n != "TeX"}
    return skip


def install_vendor(out):
    """npm-install the pinned packages (once) and copy what the decks load to ``out/vendor``."""
    vendor = out / "vendor"
    stamp = vendor / ".package-lock.json"
    lock = (NPM_DIR / "package-lock.json").read_text()
    if stamp.exists() and stamp.read_text() == lock:
        return vendor
    npm_root = out / ".npm"
    npm_root.mkdir(parents=True, exist_ok=True)
    for name in ["package.json", "package-lock.json"]:
        shutil.copy(NPM_DIR / name, npm_root / name)
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("make slides needs npm (Node.js) to fetch reveal.js once; install nodejs/npm.")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error",
                    "--prefix", str(npm_root)], check=True)
    if vendor.exists():
        shutil.rmtree(vendor)
    for dest, src in VENDOR.items():
        shutil.copytree(npm_root / "node_modules" / src, vendor / dest, ignore=_not_needed)
    stamp.write_text(lock)
    shutil.rmtree(npm_root)
    return vendor


def build_decks(notebooks, out, timeout=300, execute=True):
    """Execute each notebook and write ``out/<stem>.slides.html`` (one nbconvert run; each
    notebook runs in its own folder); returns the deck paths.

    ``execute=False`` converts notebooks that already hold their outputs (quicker when only the
    template changed)."""
    notebooks = [pathlib.Path(n).resolve() for n in notebooks]
    if not notebooks:
        return []
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides",
           f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", str(out)]
    cmd += ["--execute"] if execute else []
    cmd += [f"--{k}={v}" for k, v in EXPORTER_OPTIONS.items()]
    env = dict(os.environ, MPLBACKEND="agg")
    subprocess.run(cmd + [str(n) for n in notebooks], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return [out / f"{n.stem}.slides.html" for n in notebooks]


def build(notebooks=None, out=ROOT / "build" / "slides"):
    """Vendor the JavaScript (once) and build a deck per notebook (default: notebooks/*)."""
    out = pathlib.Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    install_vendor(out)
    if notebooks is None or not len(notebooks):
        notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    return build_decks(notebooks, out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "slides"))
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    decks = build(args.notebooks, args.out)
    for deck in decks:
        print(f"wrote {deck.relative_to(ROOT) if deck.is_relative_to(ROOT) else deck}")
    if not decks:
        print("no lessons in notebooks/ yet; vendor files are in place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
