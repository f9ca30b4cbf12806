// The case study page, enhanced: a "Copy link" button beside the page's address. Without
// JavaScript the address is still shown, ready to select and copy by hand.
(() => {
  "use strict";
  const button = document.querySelector(".copy-link");
  const field = document.getElementById("page-link");
  const status = document.querySelector(".copy-status");
  if (!button || !field || !status) return;

  const say = (text) => {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);  // announced even if repeated
  };

  async function copy() {
    try {
      await navigator.clipboard.writeText(field.value);
      say("Link copied. You can paste it into an email or a document.");
    } catch (error) {
      field.focus();
      field.select();
      say("Press Ctrl+C (or ⌘+C) to copy the selected link.");
    }
  }

  button.hidden = false;
  button.addEventListener("click", copy);
  field.addEventListener("focus", () => field.select());
})();
