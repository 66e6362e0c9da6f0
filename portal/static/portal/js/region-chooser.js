// Region chooser (portal/widgets.py RegionChooser): show the regions of the country chosen in
// the same form (plus any group with a ticked box, so nothing chosen is hidden), and filter
// them by the text typed. Without JavaScript every country's regions stay listed.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUp(chooser) {
    if (chooser.dataset.ready) return;
    chooser.dataset.ready = "1";
    const form = chooser.closest("form");
    const countryInput = form && form.querySelector('[name="' + chooser.dataset.countryField + '"]');
    const filter = chooser.querySelector("[data-region-filter]");
    const groups = Array.from(chooser.querySelectorAll("fieldset[data-country]"));

    function update() {
      const country = countryInput ? countryInput.value : "";
      const words = fold(filter.value).trim();
      groups.forEach(function (group) {
        const ticked = group.querySelector("input:checked") !== null;
        const inCountry = !country || group.dataset.country === country;
        let shown = 0;
        group.querySelectorAll("li").forEach(function (item) {
          const match = !words || fold(item.dataset.regionName).includes(words) ||
            item.querySelector("input").checked;
          item.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = !((inCountry || ticked) && shown > 0);
      });
    }

    filter.addEventListener("input", update);
    chooser.addEventListener("change", update);
    if (countryInput) {
      countryInput.addEventListener("change", update);
      // Wagtail's chooser sets the hidden input's value without always firing "change".
      new MutationObserver(update).observe(countryInput, { attributes: true });
    }
    update();
  }

  function setUpAll() {
    document.querySelectorAll("[data-region-chooser]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
