// The submission form's writing page, enhanced: a character count on limited fields, and the
// service's help (safeguarding findings at the words that caused them, close published matches)
// brought up to date as the officer writes. Without this script the same help shows each time
// the draft is saved, and on the check-your-answers page. The tags the text suggests are on the
// tags page, the next one, worked out on the server from the text as saved.
(function () {
  "use strict";
  var form = document.querySelector("form[data-help]");
  if (!form || !window.fetch || !window.DOMParser) return;

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  // Character count, after GOV.UK's: the visible message follows every key; a hidden copy
  // that screen readers announce follows once typing pauses.
  Array.prototype.forEach.call(form.querySelectorAll(".character-count[data-limit]"), function (group) {
    var limit = parseInt(group.getAttribute("data-limit"), 10);
    var field = group.querySelector("textarea");
    var message = group.querySelector(".character-count-message");
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    group.appendChild(spoken);
    function words() {
      var left = limit - field.value.length;
      var n = Math.abs(left);
      var noun = n === 1 ? "character" : "characters";
      return left >= 0 ? "You have " + n + " " + noun + " remaining" : "You have " + n + " " + noun + " too many";
    }
    function show() {
      message.textContent = words();
      message.classList.toggle("character-count-message--over", field.value.length > limit);
    }
    var speak = debounce(function () { spoken.textContent = words(); }, 1000);
    field.addEventListener("input", function () { show(); speak(); });
    show();
  });

  // The help: post what the form holds now; put each part of the answer in its place.
  var asked = 0;
  function refresh() {
    var mine = ++asked;
    fetch(form.getAttribute("data-help"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "text/html" }
    }).then(function (response) {
      if (!response.ok) throw new Error("help " + response.status);
      return response.text();
    }).then(function (html) {
      if (mine !== asked) return; // a later answer is on its way
      var answer = new DOMParser().parseFromString(html, "text/html");
      Array.prototype.forEach.call(answer.querySelectorAll("[data-live][id]"), function (part) {
        var here = document.getElementById(part.id);
        if (!here) return;
        if (here.hasAttribute("aria-live")) here.textContent = part.textContent; // announced
        else here.replaceWith(document.importNode(part, true));
      });
      showReason();
    }).catch(function () { /* the help is extra: the form works without it */ });
  }
  // "Why should both stand?" shows with the close-match warning, and stays while it holds words.
  function showReason() {
    var group = document.getElementById("duplicate_reason-group");
    var warned = document.querySelector("#duplicates .warning-text");
    if (group) group.hidden = !warned && !group.querySelector("textarea").value.trim();
  }
  form.addEventListener("input", debounce(refresh, 700));
  form.addEventListener("change", debounce(refresh, 700));
})();
