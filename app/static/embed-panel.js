// The search page's "Embed this search" panel: copy buttons for each snippet, and a live preview
// of both (drawn only when the panel is opened, so a search that nobody embeds costs nothing).
// Listeners sit on the document because the panel is redrawn with the results.
(() => {
  "use strict";

  const enhance = (panel) => {
    for (const button of panel.querySelectorAll(".embed-copy[hidden]")) button.hidden = false;
    const previews = panel.querySelector("[data-embed-previews]");
    if (!previews || !previews.hidden) return;
    for (const slot of previews.querySelectorAll("[data-embed-preview]")) {
      const template = document.getElementById(slot.dataset.embedPreview);
      if (template) slot.replaceChildren(template.content.cloneNode(true));
    }
    previews.hidden = false;
    const note = panel.querySelector("[data-embed-no-preview]");
    if (note) note.hidden = true;
    if (!window.customElements.get("case-study-search") && !document.querySelector("script[data-widget]")) {
      const widget = document.createElement("script");
      widget.src = "/widget.js";
      widget.dataset.widget = "";
      document.head.append(widget);
    }
  };

  // toggle does not bubble; listening while it goes down to the panel sees every panel's.
  document.addEventListener(
    "toggle",
    (event) => {
      if (event.target.matches && event.target.matches("details.embed") && event.target.open) enhance(event.target);
    },
    true,
  );
  for (const panel of document.querySelectorAll("details.embed[open]")) enhance(panel);

  document.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest(".embed-copy");
    if (!button) return;
    const text = document.getElementById(button.dataset.copy);
    const said = button.parentElement.querySelector(".embed-copied");
    try {
      await navigator.clipboard.writeText(text.value);
      said.textContent = "Copied";
    } catch (error) {
      // No clipboard (an insecure page, or permission refused): select it for the keyboard.
      text.focus();
      text.select();
      said.textContent = "Selected: press Ctrl+C (or ⌘+C) to copy";
    }
  });
})();
