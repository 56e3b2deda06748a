// The import progress bar: its width follows data-percent (no inline styles under the CSP).
(function () {
  "use strict";
  function size(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.percent + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { size(document); });
  document.addEventListener("htmx:afterSwap", function () { size(document); });
})();
