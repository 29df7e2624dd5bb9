"""Sphinx extension for the vgteach book (tools/build_book.py): alt text on figures, and a
style sheet that keeps link colours readable (static/vgteach-book.css).

myst-nb names each output image after the sha256 of its bytes and takes alt text only from cell
metadata; ``build_book`` collects each figure's alt text from its output's metadata into the
``vgteach_alt_texts`` config value ({sha256: alt}), and this puts it on the image.
"""
import pathlib

from docutils import nodes


def _set_alt_texts(app, doctree, docname):
    alts = app.config.vgteach_alt_texts
    for image in doctree.findall(nodes.image):
        alt = alts.get(pathlib.PurePosixPath(image["uri"]).stem)
        if alt:
            image["alt"] = alt


def _add_static(app):
    app.config.html_static_path.append(str(pathlib.Path(__file__).with_name("static")))


def setup(app):
    app.add_config_value("vgteach_alt_texts", {}, "html")
    app.connect("builder-inited", _add_static)
    app.add_css_file("vgteach-book.css")
    app.connect("doctree-resolved", _set_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
