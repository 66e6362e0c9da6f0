// Starts Swagger UI on /api/v1/docs with the OpenAPI document named by the page (a file,
// not an inline script, so the Content-Security-Policy needs no 'unsafe-inline').
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    // The API is read-only and public: "Try it out" sends GET requests to this portal.
    supportedSubmitMethods: ["get", "head"],
  });
})();
