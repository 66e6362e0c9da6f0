// Wagtail's tag field (tag-it) hides the labelled <input> and types into a new one of its own
// that has no label (axe: "Form elements must have labels", critical). Name the new input by
// the field's own <label>, for the page as loaded and for fields added later.
(() => {
  const label = (list) => {
    const input = list.querySelector("input.ui-widget-content, input[type=text]");
    if (!input || input.hasAttribute("aria-labelledby")) return;
    const original = list.previousElementSibling;
    const fieldLabel = original && original.id && document.querySelector(`label[for="${original.id}"]`);
    if (!fieldLabel) return;
    if (!fieldLabel.id) fieldLabel.id = `${original.id}-label`;
    input.setAttribute("aria-labelledby", fieldLabel.id);
  };
  const labelAll = () => document.querySelectorAll("ul.tagit").forEach(label);
  const begin = () => {
    labelAll();
    new MutationObserver(labelAll).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})();
