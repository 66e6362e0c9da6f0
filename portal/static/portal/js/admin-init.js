// The Wagtail admin without inline scripts (docs/security.md). Wagtail 8 starts its inline
// panels, date pickers and choosers with small inline <script> blocks, which the portal's
// Content-Security-Policy refuses; the portal's overrides of those templates and of the
// chooser widget write the same call as data instead:
//   <script type="application/json" data-portal-init="InlinePanel" data-new>[args…]</script>
// and this file makes the call, for the page as loaded and for forms added later (a new
// inline-panel row brings its own date pickers and choosers).
(() => {
  // Only these globals may be called: the data names what to start, never arbitrary code.
  const ALLOWED = /^(InlinePanel|MultipleChooserPanel|initDateChooser|initTimeChooser|initDateTimeChooser|createTaskChooser|[A-Z][A-Za-z]*Chooser)$/;

  const start = (element) => {
    if (element.dataset.portalStarted) return;
    element.dataset.portalStarted = "1";
    const name = element.dataset.portalInit;
    const target = window[name];
    if (!ALLOWED.test(name) || typeof target !== "function") {
      console.error(`portal admin: cannot start ${name}`);
      return;
    }
    const args = JSON.parse(element.textContent);
    if ("new" in element.dataset) {
      new target(...args);
    } else {
      target(...args);
    }
  };

  const startAll = (root) => {
    if (root.matches && root.matches("script[data-portal-init]")) start(root);
    if (root.querySelectorAll) root.querySelectorAll("script[data-portal-init]").forEach(start);
  };

  const begin = () => {
    // <template> contents are inert and not matched here; their copies are, once added.
    startAll(document);
    new MutationObserver((mutations) => {
      mutations.forEach((mutation) => mutation.addedNodes.forEach(startAll));
    }).observe(document.documentElement, { childList: true, subtree: true });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})();
