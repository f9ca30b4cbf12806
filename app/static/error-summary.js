// GOV.UK's error summary, enhanced: a link to a field puts focus in it and brings its label
// into view (or, for a group of checkboxes or radios, the group's question), with the hint and
// the error message beneath it. The browser alone scrolls the field to the top of the screen
// and leaves them above it, out of sight. Without this script the links still go to their fields.
// A tag group's link goes to the group itself (its fieldset takes focus, the question on top).
(() => {
  "use strict";
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    const group = field.closest("fieldset");
    const legend = group && group.querySelector("legend");
    const label = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    // A question far above its first box would leave the box out of sight: the label, then.
    const near = legend &&
      field.getBoundingClientRect().top - legend.getBoundingClientRect().top < window.innerHeight / 2;
    event.preventDefault();
    (near ? legend : label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
