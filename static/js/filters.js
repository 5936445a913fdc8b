// On a phone a list's filters start folded, so that the results come first on the screen; the
// summary says how many filters are in use. Without this script they stay open.
(function () {
  "use strict";
  if (window.matchMedia("(max-width: 47.99em)").matches) {
    document.querySelectorAll("details[data-filters]").forEach(function (panel) {
      panel.open = false;
    });
  }
})();
