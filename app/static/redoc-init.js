// Starts ReDoc at /redoc from a file rather than an inline script, so the docs' CSP allows
// scripts from this service only. Its theme sets the colours axe-core found short of WCAG AA
// (4.5:1): inline code in red at 3.9:1, and the response tabs' colours, which it uses on the
// chosen tab's white (api-docs.css lightens them on the dark strip, and greys the headings the
// theme does not reach). As ReDoc draws, a few attributes
// are added: its headings jump from an operation's h2 to h5, and the sample's select is unnamed.
(() => {
  "use strict";
  const root = document.getElementById("redoc");
  const tabs = (colour) => ({ tabTextColor: colour });
  window.Redoc.init(
    root.dataset.openapiUrl,
    {
      theme: {
        colors: {
          responses: {
            success: tabs("#17754a"),
            error: tabs("#b42318"),
            redirect: tabs("#9a5a00"),
            info: tabs("#1f5f9e"),
          },
        },
        typography: { code: { color: "#a30d0d" } },
      },
    },
    root,
  );

  // What ReDoc leaves out of order or unnamed, put right each time it draws: the labels inside
  // an operation (its parameters, request body, authorizations) are h5 under the operation's
  // h2, read as level 3; the selects of examples named; the side menu's inner lists, which hold
  // menu items rather than list items, a menu within the menu (as its outer list is one).
  function mend() {
    for (const list of root.querySelectorAll("[role='menuitem'] > ul:not([role])")) {
      list.setAttribute("role", "menu");
    }
    for (const heading of root.querySelectorAll("h5:not([aria-level])")) {
      heading.setAttribute("aria-level", "3");
    }
    for (const select of root.querySelectorAll("select:not([aria-label])")) {
      select.setAttribute("aria-label", "Example");
    }
    // On a phone the contents open from a round button that is a bare <div>: made a button
    // the keyboard reaches and a screen reader names.
    const menu = root.querySelector(".menu-content");
    const fab = menu && menu.nextElementSibling;
    if (fab && fab.tagName === "DIV" && !fab.hasAttribute("role") && fab.querySelector("svg")) {
      fab.setAttribute("role", "button");
      fab.setAttribute("tabindex", "0");
      fab.setAttribute("aria-label", "Contents");
      fab.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          fab.click();
        }
      });
    }
  }
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
})();
