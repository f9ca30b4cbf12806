// The embed page, in a frame on another website: tells the page that frames it how tall its
// content is, so that page can size the frame and nothing scrolls inside it.
//
// The host page's script (widget.js) says hello first; the reply goes only to the origin that
// said it, and only if it is this frame's parent. Which sites may frame this page at all is the
// page's CSP (frame-ancestors: the websites allowed to embed), so only they ever get a reply.
(() => {
  "use strict";
  if (window.parent === window) return;
  let parentOrigin = null;
  let sent = -1;

  const post = () => {
    if (!parentOrigin) return;
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent) return;
    sent = height;
    // The count too: the widget says it in its own live region once the frame shows (this
    // page's is there from the start, and a live region is heard only when its text changes).
    const status = document.querySelector("[role=status]");
    const count = status ? status.textContent.trim() : "";
    window.parent.postMessage({ type: "case-study-search:height", height, count }, parentOrigin);
  };

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== window.parent || !data || data.type !== "case-study-search:hello") return;
    parentOrigin = event.origin;
    sent = -1;
    post();
  });
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("resize", post);
})();
