/* The LSTM book's website: two reader-facing fixes that need the rendered page (see lstm-book.css).
 * - A display equation wider than a narrow column (a phone) is scaled down to fit, to no less than 60 % of its
 *   size; one still too wide scrolls, and like every scrolling box it can be reached with the keyboard.
 * - A table wider than its box scrolls sideways and says so: its box gets the class lstm-scroll-cue (a fade at
 *   the edge where more columns hide), lstm-scrolled once moved and lstm-scroll-end at the end.
 * Both are redone when the window is resized. */
(function () {
  "use strict";
  var MIN_SCALE = 0.6;

  function fitEquations() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (box) {
      var math = box.querySelector("mjx-math");
      if (!math) return;
      math.style.fontSize = "";
      var narrow = getComputedStyle(box).getPropertyValue("--lstm-narrow").trim() === "1";
      if (narrow && box.scrollWidth > box.clientWidth + 1) {
        var scale = Math.max(MIN_SCALE, 0.99 * box.clientWidth / box.scrollWidth);
        math.style.fontSize = (100 * scale).toFixed(1) + "%";
      }
      if (box.scrollWidth > box.clientWidth + 1) box.tabIndex = 0; else box.removeAttribute("tabindex");
    });
  }

  function markScrollers() {
    var boxes = document.querySelectorAll(
      ".pst-scrollable-table-container, .bd-content div.cell_output > .output.text_html");
    boxes.forEach(function (box) {
      if (!box.querySelector("table")) return;
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("lstm-scroll-cue", scrolls);
      if (scrolls) {
        box.tabIndex = 0;
        if (!box.dataset.lstmCue) {
          box.dataset.lstmCue = "1";
          box.addEventListener("scroll", function () { edges(box); }, {passive: true});
        }
        edges(box);
      }
    });
  }

  function edges(box) {
    box.classList.toggle("lstm-scrolled", box.scrollLeft > 1);
    box.classList.toggle("lstm-scroll-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
  }

  function all() {
    markScrollers();
    fitEquations();
  }

  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(all, 150); });

  function start() {
    markScrollers();
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(fitEquations);
    else fitEquations();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
