// MathJax 3 configuration for pymdownx.arithmatex (generic: true).
// Loaded before MathJax itself (see extra_javascript in mkdocs.yml); MathJax is
// served from the site (assets/mathjax/), copied there by docs/hooks/mathjax.py.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    // Only typeset what arithmatex marked as math.
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// With Material's instant navigation (feature navigation.instant), pages are
// swapped in without a reload: typeset the new content each time. document$
// replays the first page load, which MathJax typesets by itself, so skip it.
if (typeof document$ !== "undefined") {
  let firstPage = true;
  document$.subscribe(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    const mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) return;
    mj.startup.promise = mj.startup.promise.then(() => {
      const output = mj.startup.output;
      if (output && typeof output.clearCache === "function") output.clearCache();
      mj.typesetClear();
      mj.texReset();
      return mj.typesetPromise();
    });
  });
}
