// Practice editor: keep the "What a validator will look for" box (practices/panels.py) up to
// date while the author writes. The list of sections comes from the server
// (practices.validation.CRITERION_SECTIONS), so this file knows no field names.
(function () {
  "use strict";

  function filled(form, section) {
    const name = section.field;
    if (section.kind === "rows") {
      const total = form.querySelector('[name="' + name + '-TOTAL_FORMS"]');
      const count = total ? parseInt(total.value, 10) || 0 : 0;
      for (let i = 0; i < count; i += 1) {
        const deleted = form.querySelector('[name="' + name + "-" + i + '-DELETE"]');
        if (!deleted || !(deleted.value === "1" || deleted.checked)) return true;
      }
      return false;
    }
    const inputs = Array.from(form.querySelectorAll('[name="' + name + '"]'));
    return inputs.some(function (input) {
      if (input.type === "checkbox" || input.type === "radio") return input.checked;
      if (input.tagName === "SELECT") return Array.from(input.selectedOptions).some((o) => o.value);
      return (input.value || "").trim() !== "";
    });
  }

  function setUp(box) {
    const form = box.closest("form");
    const data = document.getElementById("practice-completeness-sections");
    if (!form || !data) return;
    const sections = JSON.parse(data.textContent);
    const status = box.querySelector("[data-completeness-status]");
    const messages = box.querySelector("[data-completeness-messages]").content;
    let last = null;

    function update() {
      const missing = sections.filter((section) => !filled(form, section));
      const key = missing.map((s) => s.field).join(",");
      if (key === last) return;
      last = key;
      status.replaceChildren();
      const intro = document.createElement("p");
      intro.textContent = messages.querySelector(
        '[data-key="' + (missing.length ? "some" : "none") + '"]'
      ).textContent;
      status.append(intro);
      if (missing.length) {
        const list = document.createElement("ul");
        missing.forEach(function (section) {
          const item = document.createElement("li");
          const small = document.createElement("small");
          item.textContent = section.label + " ";
          small.textContent = "(" + section.criterion + ")";
          item.append(small);
          list.append(item);
        });
        status.append(list);
      }
    }

    let pending = null;
    function soon() {
      window.clearTimeout(pending);
      pending = window.setTimeout(update, 150);
    }
    ["input", "change", "click", "keyup", "focusout"].forEach((type) =>
      form.addEventListener(type, soon)
    );
    update();
  }

  function setUpAll() {
    document.querySelectorAll("[data-practice-completeness]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
