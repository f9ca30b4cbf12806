// <case-study-search>: Bright Futures case studies on a page of an allowed website.
//
//   <case-study-search theme="care-leavers" age-band="16-25" q="housing" limit="5">
//     <a href="https://THIS-SERVICE/?theme=care-leavers&age_band=16-25&q=housing">
//       Bright Futures case studies: Care leavers</a>
//   </case-study-search>
//   <script src="https://THIS-SERVICE/widget.js" defer></script>
//
// Attributes, the search page's parameters: q, priority-area, age-band, age, theme, region,
// council, evidence, published-from, published-to, sort, and limit (1-20, 5 by default). Several
// values are separated by commas (councils' names by "|"). mode="frame" shows the service's own
// /embed page in a frame instead of drawing the list here; both show the same results, and both
// open a case study in the same tab, in place of the page.
//
// The element's content (a plain link to the same search) shows until the results are drawn,
// and again if they cannot be: the service is down, does not answer within 8 seconds, or this
// website is not on its list of allowed sites (the console then says so, and how to ask).
//
// Results are drawn in a shadow root, so the page's styles and the widget's never meet; the page
// styles it through custom properties (--case-study-search-font, -color, -link-color,
// -muted-color, -border-color, -gap, -focus-color) and parts (::part(count), list, item, link,
// recommended (a best bet the Bright Futures team pinned to the search), meta, summary, more,
// more-link, frame).
//
// The script also sizes any <iframe src="https://THIS-SERVICE/embed?…"> on the page to its
// content: the frame reports its height by postMessage, and only messages from this service's
// origin, sent by that frame, are heeded.
(() => {
  "use strict";
  if (!window.customElements || window.customElements.get("case-study-search")) return;
  const script = document.currentScript;
  const service = new URL(script ? script.src : "/", window.location.href).origin;
  const GIVE_UP_MS = 8000;
  const NAME = "Bright Futures widget";
  const ATTRIBUTES = {
    q: "q",
    "priority-area": "priority_area",
    "age-band": "age_band",
    age: "age",
    theme: "theme",
    region: "region",
    council: "council",
    evidence: "evidence",
    "published-from": "published_from",
    "published-to": "published_to",
    sort: "sort",
  };
  const SINGLE = new Set(["q", "age", "published-from", "published-to", "sort"]);
  const SEPARATORS = { council: "|" };
  const STYLE = `
    :host { display: block; font: var(--case-study-search-font, inherit);
      color: var(--case-study-search-color, inherit); }
    :host([hidden]), [hidden] { display: none !important; }
    .count { margin: 0 0 0.25em; font-size: 0.85em; color: var(--case-study-search-muted-color, inherit); }
    .count:empty { margin: 0; }
    .count.spoken { position: absolute; width: 1px; height: 1px; margin: 0; overflow: hidden;
      clip: rect(0 0 0 0); white-space: nowrap; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { padding: var(--case-study-search-gap, 0.5em) 0;
      border-bottom: 1px solid var(--case-study-search-border-color, rgba(127, 127, 127, 0.35)); }
    a { color: var(--case-study-search-link-color, inherit); }
    li > a { font-weight: 600; }
    a:focus-visible { outline: 3px solid var(--case-study-search-focus-color, currentColor);
      outline-offset: 2px; }
    .recommended { display: table; margin: 0 0 0.15em; padding: 0.05em 0.4em; font-size: 0.85em;
      background: #cce2d8; color: #005a30; border-radius: 0.2em; }
    .meta { display: block; font-size: 0.85em; color: var(--case-study-search-muted-color, inherit); }
    li > p { margin: 0.2em 0 0; }
    .more { margin: 0.6em 0 0; }
    iframe { display: block; width: 100%; border: 0; }
    iframe.waiting { height: 0; visibility: hidden; }
  `;

  // -- frames of /embed: each tells us its height; we size it ----------------------------------
  const frames = new Map(); // iframe -> what to do with a height it reports

  const isEmbed = (src) => {
    try {
      const url = new URL(src, window.location.href);
      return url.origin === service && url.pathname === "/embed";
    } catch (error) {
      return false;
    }
  };
  const hello = (frame) => {
    // A frame whose document this page can read is still on about:blank (this page's origin):
    // a message for the service's origin would only bring a warning to the console. Its load
    // says hello once the service's page is in it.
    if (!frame.contentWindow || frame.contentDocument) return;
    frame.contentWindow.postMessage({ type: "case-study-search:hello" }, service);
  };
  const follow = (frame, onHeight) => {
    frames.set(frame, onHeight);
    frame.addEventListener("load", () => hello(frame));
    hello(frame);
  };
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.origin !== service || !data || data.type !== "case-study-search:height") return;
    const height = Number(data.height);
    if (!Number.isFinite(height) || height < 0 || height > 100000) return;
    const count = typeof data.count === "string" ? data.count.slice(0, 100) : "";
    for (const [frame, onHeight] of frames) {
      if (frame.contentWindow === event.source) onHeight(Math.ceil(height), count);
    }
  });
  const followPlainFrames = () => {
    for (const frame of document.querySelectorAll("iframe[src]")) {
      if (!frames.has(frame) && isEmbed(frame.getAttribute("src"))) {
        follow(frame, (height) => {
          frame.style.height = `${height}px`;
        });
      }
    }
  };

  // -- when results cannot be shown: say why, once a page, in the console ---------------------
  let diagnosis = null;
  const diagnose = (why) => {
    if (diagnosis) return diagnosis;
    diagnosis = (async () => {
      try {
        const response = await fetch(`${service}/api/v1/embed-origins/check`, {
          signal: timeout().signal,
          headers: { Accept: "application/json" },
        });
        const body = await response.json();
        if (response.ok && body.allowed === false) {
          console.error(`${NAME}: ${body.detail}`);
          return;
        }
      } catch (error) {
        // The service itself did not answer: say so below.
      }
      console.warn(`${NAME}: the case studies could not be shown (${why}); a plain link to them is shown instead.`);
    })();
    return diagnosis;
  };
  const timeout = () => {
    const controller = new AbortController();
    window.setTimeout(() => controller.abort(), GIVE_UP_MS);
    return controller;
  };

  const truncate = (text, length = 180) => {
    // As the embed page's template does: cut at a word, with "...".
    if (text.length <= length + 5) return text;
    const cut = text.slice(0, length - 3);
    const space = cut.lastIndexOf(" ");
    return (space > 0 ? cut.slice(0, space) : cut) + "...";
  };
  const element = (tag, part, text) => {
    const node = document.createElement(tag);
    if (part) {
      node.setAttribute("part", part);
      node.className = part;
    }
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const countText = (total) =>
    total === 0 ? "No case studies match" : total === 1 ? "1 case study" : `${total.toLocaleString("en-GB")} case studies`;

  class CaseStudySearch extends HTMLElement {
    static get observedAttributes() {
      return ["mode", "limit", ...Object.keys(ATTRIBUTES)];
    }

    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet) {
        // A constructed sheet: a host page's CSP that forbids inline styles still allows it.
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
      }
      this.fallback = document.createElement("slot"); // the element's own content: the link
      this.status = element("p", "count");
      this.status.setAttribute("role", "status");
      this.results = document.createElement("div");
      this.results.hidden = true;
      root.append(this.fallback, this.status, this.results);
      this.attempt = 0;
      this.scheduled = false;
    }

    connectedCallback() {
      this.schedule();
    }

    disconnectedCallback() {
      this.attempt += 1;
      for (const frame of this.results.querySelectorAll("iframe")) frames.delete(frame);
    }

    attributeChangedCallback() {
      this.schedule();
    }

    schedule() {
      // Attributes arrive one at a time; load once for all of them.
      if (this.scheduled || !this.isConnected) return;
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        if (this.isConnected) this.load();
      });
    }

    search() {
      const params = new URLSearchParams();
      for (const [attribute, name] of Object.entries(ATTRIBUTES)) {
        const text = (this.getAttribute(attribute) || "").trim();
        const values = SINGLE.has(attribute) ? [text] : text.split(SEPARATORS[attribute] || ",");
        for (const value of values) if (value.trim()) params.append(name, value.trim());
      }
      return params;
    }

    limit() {
      const limit = parseInt(this.getAttribute("limit") || "5", 10) || 5;
      return String(Math.min(Math.max(limit, 1), 20));
    }

    showFallback(why) {
      this.fallback.hidden = false;
      this.results.hidden = true;
      this.status.textContent = "";
      diagnose(why);
    }

    showResults() {
      this.fallback.hidden = true;
      this.results.hidden = false;
    }

    load() {
      this.attempt += 1;
      for (const frame of this.results.querySelectorAll("iframe")) frames.delete(frame);
      const framed = this.getAttribute("mode") === "frame";
      // The frame shows its own count; the widget's live region only says it (see loadFrame).
      this.status.classList.toggle("spoken", framed);
      if (framed) this.loadFrame(this.attempt);
      else this.loadList(this.attempt);
    }

    loadFrame(attempt) {
      const params = this.search();
      params.set("limit", this.limit());
      const frame = element("iframe", "frame");
      frame.className = "waiting";
      frame.title = "Case studies from Bright Futures";
      frame.src = `${service}/embed?${params}`;
      const giveUp = window.setTimeout(() => {
        if (attempt === this.attempt) this.showFallback(`no answer from the frame in ${GIVE_UP_MS / 1000} s`);
      }, GIVE_UP_MS);
      follow(frame, (height, count) => {
        if (attempt !== this.attempt) return;
        window.clearTimeout(giveUp);
        frame.style.height = `${height}px`;
        frame.classList.remove("waiting");
        this.showResults();
        // Announced once the frame shows: its own count was there when its page loaded (and
        // hidden while it waited), so a screen reader never heard it change.
        if (this.status.textContent !== count) this.status.textContent = count;
      });
      this.status.textContent = "";
      this.results.replaceChildren(frame);
    }

    async loadList(attempt) {
      const params = this.search();
      const api = new URLSearchParams(params);
      api.set("per_page", this.limit());
      let page;
      try {
        const response = await fetch(`${service}/api/v1/search?${api}`, {
          signal: timeout().signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          const problem = await response.json().catch(() => ({}));
          if (attempt === this.attempt) console.warn(`${NAME}: ${problem.detail || `HTTP ${response.status}`}`);
          throw new Error(`the service answered ${response.status}`);
        }
        page = await response.json();
      } catch (error) {
        if (attempt !== this.attempt) return;
        const why = error.name === "AbortError" ? `no answer in ${GIVE_UP_MS / 1000} s` : error.message;
        this.showFallback(why);
        return;
      }
      if (attempt === this.attempt) this.render(page, params);
    }

    render(page, params) {
      const more = element("p", "more");
      const all = element("a", "more-link");
      all.href = `${service}/?${params}`;
      all.textContent = page.total > page.results.length ? `See all ${countText(page.total)}` : "Search all case studies";
      more.append(all);
      const parts = [];
      if (page.results.length) {
        const list = element("ol", "list");
        for (const result of page.results) {
          const item = element("li", "item");
          // A best bet the Bright Futures team pinned to this search, marked as on the results page.
          if (result.recommended) item.append(element("strong", "recommended", "Recommended"));
          const link = element("a", "link", result.title);
          link.href = `${service}/case-studies/${encodeURIComponent(result.slug)}`;
          const year = result.published ? ` · ${result.published.slice(0, 4)}` : "";
          item.append(link, element("span", "meta", result.council + year), element("p", "summary", truncate(result.summary)));
          list.append(item);
        }
        parts.push(list);
      }
      this.results.replaceChildren(...parts, more);
      this.showResults();
      this.status.textContent = countText(page.total); // announced once, politely
    }
  }

  window.customElements.define("case-study-search", CaseStudySearch);
  followPlainFrames();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", followPlainFrames);
})();
