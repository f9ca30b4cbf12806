// Starts Swagger UI at /docs with FastAPI's usual settings. A file rather than an inline script,
// so the docs' CSP allows scripts from this service only. Three settings differ, and a few
// attributes are added as Swagger UI draws, so that axe-core finds nothing (api-docs.css has
// the colours):
// - deepLinking off: it put a link inside each operation's expand button (nested-interactive:
//   a screen reader cannot reach it, and the keyboard met two stops for one operation);
// - syntaxHighlight off: every theme's colours fall below 4.5:1 somewhere (agate's #d36363 on
//   #333, 3.45:1), so examples and responses are plain text, as api-docs.css sets them.
(() => {
  "use strict";
  const root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: false,
    syntaxHighlight: false,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
  });

  // What Swagger UI leaves unnamed or out of order, put right each time it draws (React keeps
  // attributes it did not set): the API's title under the page's one h1; each parameter's
  // select named by its parameter; each scrolling code box reachable by keyboard; each copy
  // button named.
  function mend() {
    for (const title of root.querySelectorAll(".info .title:not([aria-level])")) {
      title.setAttribute("aria-level", "2");
    }
    for (const select of root.querySelectorAll("tr[data-param-name] select:not([aria-label])")) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    }
    for (const code of root.querySelectorAll(".highlight-code > pre:not([tabindex])")) {
      code.setAttribute("tabindex", "0");
    }
    for (const button of root.querySelectorAll(".copy-to-clipboard > button:not([aria-label])")) {
      button.setAttribute("aria-label", "Copy to clipboard");
    }
  }
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
})();
