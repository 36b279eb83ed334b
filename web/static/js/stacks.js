/* Behaviour shared by every Stacks screen. It lives in this file because the Content-Security-Policy
   allows no inline script and no inline event handler (docs/web.md). Pages work without it; it only
   improves them. */
(function () {
  "use strict";

  /* The connection banner (components/feedback.html): shown while any Server-Sent Events stream of the
     page is lost, hidden again when every one of them is open. The SSE extension reconnects by itself;
     it tells us through its events, which bubble up from the element carrying sse-connect. */
  var lost = new Set();

  function showBanner() {
    var isLost = lost.size > 0;
    document.querySelectorAll("[data-connection-banner] [data-connection-lost]").forEach(function (el) {
      el.hidden = !isLost;
    });
    document.documentElement.toggleAttribute("data-connection-lost", isLost);
  }

  document.addEventListener("htmx:sseError", function (event) {
    lost.add(event.target);
    showBanner();
  });
  document.addEventListener("htmx:sseOpen", function (event) {
    lost.delete(event.target);
    showBanner();
  });
  /* A part is swapped again only when it changed. A tap is answered with its part, and the live stream
     sends the same part a moment later: swapping it again would wipe what the reader has begun typing
     into it (a PIN) and make a screen reader announce it twice. What each part last showed is kept as it
     came from the server, since the browser rewrites markup it has parsed. */
  var lastShown = new WeakMap();

  function sameText(a, b) {
    return typeof a === "string" && typeof b === "string" &&
      a.replace(/\r\n/g, "\n").trim() === b.replace(/\r\n/g, "\n").trim();
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target) {
      lastShown.set(event.detail.target, event.detail.serverResponse);
    }
  });
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    var part = event.target;
    if (sameText(lastShown.get(part), event.detail.data)) {
      event.preventDefault();
      return;
    }
    lastShown.set(part, event.detail.data);
  });

  /* A stream closed on purpose (its element left the page) is no longer waited for. */
  document.addEventListener("htmx:sseClose", function (event) {
    lost.delete(event.target);
    showBanner();
  });
})();
