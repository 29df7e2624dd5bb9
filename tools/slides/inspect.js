// Measures a built reveal.js deck in the browser (used by tools/check_slides.py and the tests).
// Defines window.vgInspect = {slides(), measure(h, v), maths()}; all lengths are in slide
// pixels (the deck's width x height, 960 x 700), whatever the window size or Reveal's scale.
(() => {
  const reveal = () => window.Reveal || require("vendor/reveal.js/dist/reveal.js");
  // Text a slide never shows: speaker notes, MathJax's hidden MathML for screen readers.
  const UNSEEN = "aside.notes, .MJX_Assistive_MathML, script, style, template";

  function cellOf(el) {
    const cell = el.closest(".jp-Cell");
    return cell && cell.id.startsWith("cell-id=") ? cell.id.slice("cell-id=".length) : null;
  }

  // A slide's title as typed: formulas as their TeX, not MathJax's rendered text.
  function title(section) {
    const h = section.querySelector("h1, h2, h3");
    if (!h) return "";
    const copy = h.cloneNode(true);
    copy.querySelectorAll(".MathJax_Preview, .mjx-chtml, .MathJax_CHTML, .MJXc-display, a.anchor-link")
      .forEach((e) => e.remove());
    copy.querySelectorAll('script[type^="math/tex"]').forEach((e) =>
      e.replaceWith(`$${e.textContent}$`));
    return copy.textContent.replace(/¶$/, "").trim();
  }

  // Every leaf slide (a slide or a sub-slide) with its indices.
  function slides() {
    const R = reveal();
    return R.getSlides().map((s) => {
      const i = R.getIndices(s);
      return { h: i.h, v: i.v || 0, title: title(s), cells: [...s.querySelectorAll(".jp-Cell")]
        .filter((c) => !c.closest("aside.notes")).map((c) => cellOf(c)),
        fragments: s.querySelectorAll(".fragment").length };
    });
  }

  // The union of the boxes of everything visible inside `root`. A box that clips (overflow
  // other than visible) counts with its own size; what scrolls inside it is listed apart.
  function extent(root, toSlide, scrolled) {
    const box = { top: Infinity, bottom: -Infinity, left: Infinity, right: -Infinity };
    const cells = new Map();
    const grow = (target, b) => {
      target.top = Math.min(target.top, b.top);
      target.bottom = Math.max(target.bottom, b.bottom);
      target.left = Math.min(target.left, b.left);
      target.right = Math.max(target.right, b.right);
    };
    const visit = (el, cell, clipped) => {
      if (el.matches(UNSEEN)) return;
      const cs = getComputedStyle(el);
      if (cs.display === "none") return;
      if (el.classList.contains("jp-Cell") && el.id.startsWith("cell-id=")) cell = cellOf(el);
      const r = el.getBoundingClientRect();
      if (!clipped && r.width > 0 && r.height > 0) {
        const b = toSlide(r);
        grow(box, b);
        if (cell) {
          if (!cells.has(cell)) cells.set(cell, { top: Infinity, bottom: -Infinity,
            left: Infinity, right: -Infinity });
          grow(cells.get(cell), b);
        }
      }
      const clips = el !== root && (cs.overflowX !== "visible" || cs.overflowY !== "visible");
      if (clips && (cs.overflowX !== "hidden" || cs.overflowY !== "hidden")) {
        const hidden = Math.max(el.scrollHeight - el.clientHeight, el.scrollWidth - el.clientWidth);
        if (hidden > 1) scrolled.push({ cell, px: Math.round(hidden), what: el.tagName.toLowerCase() });
      }
      for (const child of el.children) visit(child, cell, clipped || clips);
    };
    visit(root, null, false);
    return { box, cells };
  }

  // Go to slide (h, v), let MathJax finish, and measure it.
  async function measure(h, v) {
    const R = reveal();
    // no slide transition: a slide moving in is measured where it stops, not on its way
    if (R.getConfig().transition !== "none") R.configure({ transition: "none", backgroundTransition: "none" });
    R.slide(h, v, Number.MAX_SAFE_INTEGER); // the last fragment: everything is on the slide
    R.layout();
    if (window.MathJax && MathJax.Hub) await new Promise((ok) => MathJax.Hub.Queue(ok));
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    const section = R.getCurrentSlide();
    const { width: W, height: H } = R.getConfig();
    const frame = document.querySelector(".reveal .slides").getBoundingClientRect();
    const scale = R.getScale();
    const toSlide = (r) => ({ top: (r.top - frame.top) / scale, bottom: (r.bottom - frame.top) / scale,
      left: (r.left - frame.left) / scale, right: (r.right - frame.left) / scale });
    const scrolled = [];
    const { box, cells } = extent(section, toSlide, scrolled);
    const figures = [...section.querySelectorAll("img")].filter((img) => !img.closest(UNSEEN))
      .map((img) => {
        const r = img.getBoundingClientRect();
        const b = toSlide(r);
        // the part of the figure left visible by boxes that clip it (a scrolled output)
        let vis = { ...b };
        for (let p = img.parentElement; p && p !== section; p = p.parentElement) {
          const cs = getComputedStyle(p);
          if (cs.overflowX !== "visible" || cs.overflowY !== "visible") {
            const c = toSlide(p.getBoundingClientRect());
            vis = { top: Math.max(vis.top, c.top), bottom: Math.min(vis.bottom, c.bottom),
              left: Math.max(vis.left, c.left), right: Math.min(vis.right, c.right) };
          }
        }
        return { cell: cellOf(img), top: b.top, bottom: b.bottom, left: b.left, right: b.right,
          width: r.width / scale, height: r.height / scale,
          visibleHeight: Math.max(0, vis.bottom - vis.top),
          natural: [img.naturalWidth, img.naturalHeight], loaded: img.complete && img.naturalWidth > 0,
          widget: !!img.closest(".jupyter-widgets, .widget-subarea"), alt: img.getAttribute("alt") };
      });
    const widgets = [...section.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
      .filter((s) => !s.closest(UNSEEN)).map((s) => {
        const area = s.closest(".jupyter-widgets") || s.parentElement;
        const view = area.querySelector(".widget-subarea > *, .jupyter-widgets > .lm-Widget, .jupyter-widgets > .widget-box");
        return { cell: cellOf(s), rendered: !!view };
      });
    const empty = !Number.isFinite(box.top); // nothing visible: no extent
    return { h, v, width: W, height: H, scale, top: empty ? null : box.top,
      bottom: empty ? null : box.bottom, left: empty ? null : box.left, right: empty ? null : box.right, cells: [...cells.entries()].map(([id, b]) => ({ id, ...b })), figures,
      scrolled, widgets };
  }

  // Maths that MathJax left twice (a fast preview beside the final rendering, two renderings of
  // one formula), did not typeset, or raised an error; and TeX left as plain text.
  function maths() {
    const problems = [];
    const where = (el) => {
      const s = el.closest("section:not(.stack)") || el.closest("section");
      const i = s ? reveal().getIndices(s) : { h: -1, v: 0 };
      return { h: i.h, v: i.v || 0, cell: cellOf(el), notes: !!el.closest("aside.notes") };
    };
    const tex = (el) => (el.textContent || "").trim().slice(0, 80);
    for (const s of document.querySelectorAll('.reveal .slides script[type^="math/tex"]')) {
      // MathJax 2 puts [preview] [rendering] before each <script type="math/tex">
      let frames = 0, preview = false;
      for (let e = s.previousElementSibling; e && (e.classList.contains("MathJax_Preview") ||
           e.classList.contains("mjx-chtml") || e.classList.contains("MathJax_CHTML") ||
           e.classList.contains("MJXc-display")); e = e.previousElementSibling) {
        if (e.classList.contains("MathJax_Preview")) preview ||= e.textContent.trim() !== "";
        else frames += 1;
      }
      const text = s.textContent.trim().slice(0, 80);
      if (frames === 0) problems.push({ kind: "not typeset", text, ...where(s) });
      else if (frames > 1 || preview) problems.push({ kind: "twice", text, ...where(s) });
      // TeX that MathJax shows as typed: a backslash in the rendering (e.g. \text{fan\_in},
      // where text mode takes \_ literally)
      const shown = s.previousElementSibling;
      if (frames === 1 && shown) {
        const math = shown.querySelector(".mjx-math") || shown;
        if (math.textContent.includes("\\")) problems.push({ kind: "shows TeX", text, ...where(s) });
      }
    }
    for (const e of document.querySelectorAll(".reveal .slides .MathJax_Error, .reveal .slides .mjx-merror, .reveal .slides merror")) {
      if (!e.closest(".MJX_Assistive_MathML")) problems.push({ kind: "error", text: tex(e), ...where(e) });
    }
    // TeX that reached the page as text: $...$ with a TeX command, ^ or _ inside, outside code.
    const walker = document.createTreeWalker(document.querySelector(".reveal .slides"), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el.closest("code, pre, script, style, .MathJax_CHTML, .mjx-chtml, .MJX_Assistive_MathML, .MathJax_Preview")) continue;
      const m = n.textContent.match(/\$\$?[^$]*[\\^_{][^$]*\$\$?|\\\([^)]*\\\)|\\\[[^\]]*\\\]/);
      if (m) problems.push({ kind: "raw TeX", text: m[0].slice(0, 80), ...where(el) });
    }
    return problems;
  }

  window.vgInspect = { slides, measure, maths };
})();
