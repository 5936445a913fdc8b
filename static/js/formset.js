// Rows of a formset (templates/includes/formset.html) are added from its <template> and unsaved
// rows removed in place, before the first save. Django reads the rows by their index up to
// TOTAL_FORMS; a removed row leaves a gap, which it reads as an empty row and skips.
(function () {
  "use strict";

  function removeButton(row, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button--secondary";
    button.textContent = label;
    button.addEventListener("click", function () {
      const container = row.closest("[data-formset]");
      row.remove();
      container.dispatchEvent(new Event("change", { bubbles: true }));
      const add = container.querySelector("[data-add-row]");
      if (add) add.focus();
    });
    return button;
  }

  document.querySelectorAll("[data-formset]").forEach(function (container) {
    const prefix = container.dataset.formset;
    const total = container.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    const maximum = container.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    const template = container.querySelector("template[data-empty-row]");
    const add = container.querySelector("[data-add-row]");
    const rows = container.querySelector(".formset__rows");
    const removeLabel = container.dataset.removeLabel || "Remove";
    if (!total || !template || !add || !rows) return;

    rows.querySelectorAll("[data-unsaved]").forEach(function (row) {
      row.appendChild(removeButton(row, removeLabel));
    });
    add.hidden = false;
    add.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) return;
      const html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const row = holder.firstElementChild;
      row.appendChild(removeButton(row, removeLabel));
      rows.appendChild(row);
      total.value = String(index + 1);
      const first = row.querySelector("select, input:not([type=hidden]), textarea");
      if (first) first.focus();
    });
  });
})();
