// The municipality picker, enhanced: a search box that narrows the list, and each area's "whole area"
// box that ticks all its municipalities and follows them. Without this script the picker still works.
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }

  function enhance(picker) {
    if (picker.dataset.enhanced) {
      return;
    }
    picker.dataset.enhanced = "true";
    var format = picker.dataset.countFormat;
    var areas = Array.prototype.slice.call(picker.querySelectorAll(".municipality-picker__area"));
    var noMatch = picker.querySelector("[data-no-match]");
    var search = picker.querySelector("[data-search]");

    function boxes(area) {
      return Array.prototype.slice.call(area.querySelectorAll(".municipality-picker__list input"));
    }

    function update(area) {
      var all = boxes(area);
      var ticked = all.filter(function (box) { return box.checked; }).length;
      var whole = area.querySelector("[data-whole-area]");
      whole.checked = ticked === all.length;
      whole.indeterminate = ticked > 0 && ticked < all.length;
      area.querySelector("[data-count]").textContent = ticked
        ? format.replace("{count}", ticked).replace("{total}", all.length)
        : "";
    }

    areas.forEach(function (area) {
      // Which areas the person keeps open, to restore when the search is cleared.
      area.dataset.wasOpen = area.open ? "true" : "";
      area.addEventListener("toggle", function () {
        if (!search.value.trim()) {
          area.dataset.wasOpen = area.open ? "true" : "";
        }
      });
      var whole = area.querySelector("[data-whole-area]");
      whole.addEventListener("change", function () {
        boxes(area).forEach(function (box) { box.checked = whole.checked; });
        update(area);
      });
      boxes(area).forEach(function (box) {
        box.addEventListener("change", function () { update(area); });
      });
      update(area);
    });

    search.parentElement.hidden = false;
    search.addEventListener("input", function () {
      var query = normalise(search.value);
      var found = 0;
      areas.forEach(function (area) {
        var matches = 0;
        area.querySelectorAll(".municipality-picker__list li").forEach(function (item) {
          var match = !query || normalise(item.textContent).indexOf(query) !== -1;
          item.hidden = !match;
          matches += match ? 1 : 0;
        });
        area.querySelector(".municipality-picker__whole").hidden = Boolean(query);
        area.hidden = Boolean(query) && matches === 0;
        area.open = query ? matches > 0 : Boolean(area.dataset.wasOpen);
        found += matches;
      });
      noMatch.textContent = query && !found ? noMatch.dataset.text : "";
    });
  }

  document.querySelectorAll("[data-municipality-picker]").forEach(enhance);
})();
