// Progressive enhancements only: every page works without JavaScript.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A facet value is a link announced as a checkbox: Space ticks it, as on a real checkbox.
document.addEventListener("keydown", (event) => {
  const box = event.target.closest && event.target.closest('a[role="checkbox"]');
  if (box && (event.key === " " || event.key === "Spacebar")) {
    event.preventDefault();
    box.click();
  }
});

// Disclosures that are folded on a phone start open on a wide screen (the search filters).
const wide = window.matchMedia("(min-width: 901px)");
const openWide = () => {
  document.querySelectorAll("details[data-open-wide]").forEach((details) => {
    details.open = wide.matches;
  });
};
openWide();
wide.addEventListener("change", openWide);
