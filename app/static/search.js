// The search page, enhanced. Without JavaScript every control works by submitting the form,
// and every state is a URL that can be shared. With it:
// - results update in place when a filter, the sort or the page changes, and one polite live
//   region (present from the start) says how many case studies were found (after a mistake, the
//   error summary, an alert, says what to put right);
// - on a phone the filters wait behind a "Filter" button, and "Show N case studies" closes them;
// - long filter lists (themes, councils) get a box that narrows them;
// - the search box suggests as you type.
(() => {
  "use strict";
  const form = document.getElementById("search");
  if (!form) return;
  const status = document.getElementById("results-status");
  const narrow = window.matchMedia("(max-width: 48rem)");
  const byId = (id) => document.getElementById(id);

  // -- the filter panel on a phone ------------------------------------------------------------
  function openPanel(open) {
    const panel = byId("filters");
    const toggle = byId("filter-toggle");
    panel.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", String(open));
  }

  function prepare() {
    const apply = form.querySelector(".apply");
    if (apply && apply.dataset.show) apply.textContent = apply.dataset.show;
    for (const box of form.querySelectorAll(".narrow")) box.hidden = false;
  }

  function narrowList(input) {
    const list = byId(input.getAttribute("aria-controls"));
    const words = input.value.trim().toLowerCase();
    let shown = 0;
    for (const choice of list.querySelectorAll(".choice")) {
      const text = choice.querySelector("label").textContent.toLowerCase();
      choice.hidden = words !== "" && !text.includes(words);
      if (!choice.hidden) shown += 1;
    }
    return shown;
  }

  function announce(text) {
    // Emptied first, so the same words said twice are still announced.
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 100);
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest && event.target.closest("button, a");
    if (!target) return;
    if (target.id === "filter-toggle") {
      openPanel(!byId("filters").classList.contains("is-open"));
    } else if (target.matches(".apply") && narrow.matches && window.fetch) {
      // The results already follow the filters: this only closes the panel.
      event.preventDefault();
      openPanel(false);
      byId("results-heading").focus();
    } else if (target.closest(".error-summary")) {
      // A mistake in a filter: on a phone the panel is shut, so open it, and put the person
      // in the field (as GOV.UK's error summary does) rather than only scrolling to it.
      const field = byId(target.hash.slice(1));
      if (!field) return;
      event.preventDefault();
      if (byId("filters").contains(field)) openPanel(true);
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });

  form.addEventListener("input", (event) => {
    if (!event.target.matches(".narrow-input")) return;
    const shown = narrowList(event.target);
    announce(shown === 1 ? "1 choice shown" : shown + " choices shown");
  });
  form.addEventListener("keydown", (event) => {
    // Enter in a narrowing box must not submit the whole search.
    if (event.key === "Enter" && event.target.matches(".narrow-input")) event.preventDefault();
  });

  prepare();
  if (!window.fetch || !window.DOMParser || !window.history.pushState) return;

  // -- results in place -----------------------------------------------------------------------
  const input = byId("q");
  const suggestions = byId("suggestions");
  let pending = null;
  const searchOf = (url) => {
    const parsed = new URL(url, window.location.href);
    return parsed.pathname + parsed.search;
  };
  let showing = searchOf(window.location.href); // the search the page shows now

  const urlOf = () => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== "") params.append(name, value);
    }
    const query = params.toString();
    return query ? "/?" + query : "/";
  };

  // What the person has done to the panel that the server does not know: which groups are
  // open, what is typed in a narrowing box, how far a long list is scrolled.
  function panelState() {
    const panel = byId("filters");
    return {
      open: panel.classList.contains("is-open"),
      groups: new Map([...panel.querySelectorAll("details")].map((d) => [d.id, d.open])),
      boxes: new Map([...panel.querySelectorAll(".narrow-input")].map((i) => [i.id, i.value])),
      scrolls: new Map([...panel.querySelectorAll("fieldset.long")].map((f) => [f.id, f.scrollTop])),
    };
  }

  function restore(state) {
    const panel = byId("filters");
    for (const details of panel.querySelectorAll("details")) {
      if (state.groups.has(details.id)) details.open = state.groups.get(details.id);
    }
    for (const [id, value] of state.boxes) {
      const box = byId(id);
      if (box && value) { box.value = value; narrowList(box); }
    }
    for (const [id, top] of state.scrolls) {
      const list = byId(id);
      if (list) list.scrollTop = top;
    }
    openPanel(state.open);
  }

  const PARTS = ["problems", "results-summary", "filters", "results"];

  // The hint under the search box is for a first search (search.html leaves it out once there
  // are words): on a phone it pushed the results some 70 px down after a search in place.
  function showHint(hint) {
    const shown = byId("q-hint");
    if (shown && !hint) shown.remove();
    if (hint && !shown) suggestions.after(hint);
    if (hint) input.setAttribute("aria-describedby", "q-hint");
    else input.removeAttribute("aria-describedby");
  }

  async function show(url, push, options) {
    if (pending) pending.abort();
    pending = new AbortController();
    const focused = document.activeElement && document.activeElement.id;
    const state = panelState();
    const sent = new URL(url, window.location.href).searchParams.get("q") || "";
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      if (!response.ok || PARTS.some((id) => !doc.getElementById(id))) {
        window.location.assign(url);
        return;
      }
      for (const id of PARTS) byId(id).replaceWith(doc.getElementById(id));
      showHint(doc.getElementById("q-hint"));
      showing = searchOf(url);
      prepare();
      restore(state);
      // The words searched, as the server took them (a question past 1,000 characters is
      // shortened): unless they have been typed over meanwhile, the box shows those, as it
      // does without JavaScript.
      if (options.fromHistory || input.value === sent) input.value = doc.getElementById("q").value;
      document.title = doc.title;
      if (push) window.history.pushState(null, "", url);
      const heading = byId("results-heading");
      const again = focused && byId(focused);
      // A mistake (a year range the wrong way round) is read out by its summary, an alert, not
      // as a count; focus stays in the control being used (a change of setting moves no focus).
      const summary = byId("problems").querySelector(".error-summary");
      if (options.toHeading || !again) heading.focus();
      else again.focus();
      if (!summary) announce(heading.firstChild.textContent.trim() + " found");
    } catch (error) {
      if (error.name !== "AbortError") window.location.assign(url);
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], select")) show(urlOf(), true, {});
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(urlOf(), true, {});
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a");
    if (!link || !link.closest(".pages, .chosen, .empty, .clear-all")) return;
    if (link.origin !== window.location.origin || link.pathname !== "/") return;
    event.preventDefault();
    show(link.href, true, { toHeading: true });
  });
  window.addEventListener("popstate", () => {
    // A skip link changes only the fragment: that is no new search, and focus must stay put.
    if (searchOf(window.location.href) === showing) return;
    show(window.location.href, false, { fromHistory: true });
  });

  // -- suggestions as you type ----------------------------------------------------------------
  let timer = null;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = input.value.trim();
    // Past 100 characters it is a question, not a name to complete (the API refuses it, 422).
    if (text.length < 2 || text.length > 100) return;
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
