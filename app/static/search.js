// The search page, enhanced: results update in place when a filter, the sort or the page
// changes, and the search box suggests as you type. Without JavaScript every control still
// works by submitting the form, and every state is a URL that can be shared.
(() => {
  "use strict";
  const form = document.getElementById("search");
  if (!form || !window.fetch || !window.DOMParser || !window.history.pushState) return;
  const input = document.getElementById("q");
  const suggestions = document.getElementById("suggestions");
  let pending = null;

  const urlOf = () => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== "") params.append(name, value);
    }
    const query = params.toString();
    return query ? "/?" + query : "/";
  };

  async function show(url, push, fromHistory) {
    if (pending) pending.abort();
    pending = new AbortController();
    const focused = document.activeElement && document.activeElement.id;
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const filters = doc.querySelector("#search .filters");
      const results = doc.getElementById("results");
      if (!response.ok || !filters || !results) {
        window.location.assign(url);
        return;
      }
      form.querySelector(".filters").replaceWith(filters);
      document.getElementById("results").replaceWith(results);
      if (fromHistory) input.value = doc.getElementById("q").value;
      document.title = doc.title;
      if (push) window.history.pushState(null, "", url);
      const again = focused && document.getElementById(focused);
      if (again) again.focus();
    } catch (error) {
      if (error.name !== "AbortError") window.location.assign(url);
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], select")) show(urlOf(), true, false);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(urlOf(), true, false);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a");
    if (!link || !link.closest(".pages, .chosen, .empty")) return;
    if (link.origin !== window.location.origin || link.pathname !== "/") return;
    event.preventDefault();
    show(link.href, true, true);
    document.getElementById("results").scrollIntoView();
  });
  window.addEventListener("popstate", () => show(window.location.href, false, true));

  let timer = null;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return;
    timer = window.setTimeout(async () => {
      try {
        const params = new URLSearchParams({ q: text, limit: "8" });
        const response = await fetch("/api/v1/suggest?" + params.toString());
        if (!response.ok) return;
        const data = await response.json();
        suggestions.replaceChildren(
          ...data.suggestions.map((suggestion) => {
            const option = document.createElement("option");
            option.value = suggestion.text;
            return option;
          }),
        );
      } catch (error) {
        // Suggestions are a nicety: a failure leaves the box as it was.
      }
    }, 120);
  });
})();
