// <case-study-search>: live case study results on any page of an allowed site.
//
//   <script src="https://THIS-SERVICE/widget.js" defer></script>
//   <case-study-search theme="care-leavers" age-band="16-25" q="housing" limit="5"></case-study-search>
//
// Attributes: q, theme, age-band, priority-area, region, evidence (several values separated by
// commas) and limit (1-20). Results render in a shadow root, so the host page's styles and the
// widget's never meet; the widget takes the host's font and colour. The host's origin must be in
// the service's CORS_ORIGINS.
(() => {
  "use strict";
  if (!window.customElements || window.customElements.get("case-study-search")) return;
  const script = document.currentScript;
  const service = new URL(script ? script.src : "/", window.location.href).origin;
  const FILTERS = {
    theme: "theme",
    "age-band": "age_band",
    "priority-area": "priority_area",
    region: "region",
    evidence: "evidence",
  };
  const STYLE = `
    :host { display: block; font: inherit; color: inherit; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { padding: 0.5em 0; border-bottom: 1px solid rgba(127, 127, 127, 0.35); }
    a { color: inherit; font-weight: 600; }
    a:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
    .meta { display: block; font-size: 0.85em; opacity: 0.8; }
    p { margin: 0.2em 0 0; }
    .status { opacity: 0.8; }
  `;

  class CaseStudySearch extends HTMLElement {
    static get observedAttributes() {
      return ["q", "limit", ...Object.keys(FILTERS)];
    }

    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = STYLE;
      this.list = document.createElement("div");
      this.list.setAttribute("aria-live", "polite");
      this.shadowRoot.append(style, this.list);
      this.controller = null;
    }

    connectedCallback() {
      this.load();
    }

    attributeChangedCallback() {
      if (this.isConnected) this.load();
    }

    params() {
      const params = new URLSearchParams();
      const q = (this.getAttribute("q") || "").trim();
      if (q) params.set("q", q);
      for (const [attribute, name] of Object.entries(FILTERS)) {
        for (const value of (this.getAttribute(attribute) || "").split(",")) {
          if (value.trim()) params.append(name, value.trim());
        }
      }
      const limit = Math.min(Math.max(parseInt(this.getAttribute("limit") || "5", 10) || 5, 1), 20);
      params.set("per_page", String(limit));
      return params;
    }

    status(text) {
      const p = document.createElement("p");
      p.className = "status";
      p.textContent = text;
      this.list.replaceChildren(p);
    }

    async load() {
      if (this.controller) this.controller.abort();
      this.controller = new AbortController();
      const params = this.params();
      this.status("Loading case studies…");
      try {
        const response = await fetch(`${service}/api/v1/search?${params}`, {
          signal: this.controller.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.render(await response.json(), params);
      } catch (error) {
        if (error.name !== "AbortError") this.status("Case studies could not be loaded just now.");
      }
    }

    render(page, params) {
      if (!page.results.length) {
        this.status("No case studies match yet.");
        return;
      }
      const list = document.createElement("ol");
      for (const result of page.results) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = `${service}/case-studies/${encodeURIComponent(result.slug)}`;
        link.textContent = result.title;
        const meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = result.council + (result.published ? ` · ${result.published.slice(0, 4)}` : "");
        const summary = document.createElement("p");
        summary.textContent = result.summary;
        item.append(link, meta, summary);
        list.append(item);
      }
      const more = document.createElement("p");
      const all = document.createElement("a");
      params.delete("per_page");
      all.href = `${service}/?${params}`;
      all.textContent = page.total > page.results.length ? `See all ${page.total} case studies` : "Search all case studies";
      more.append(all);
      this.list.replaceChildren(list, more);
    }
  }

  window.customElements.define("case-study-search", CaseStudySearch);
})();
