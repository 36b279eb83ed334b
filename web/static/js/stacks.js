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
  /* A live part is swapped again only when it changed. A tap is answered with its part, and the live
     stream sends the same part too, before or after the answer: swapping it again would wipe what the
     reader has begun typing into it (a PIN) and make a screen reader announce it twice. Only parts whose
     content is replaced count (a feed that adds rows adds a same-looking row again); what each showed is
     kept as it came from the server, since the browser rewrites markup it has parsed. */
  var lastShown = new WeakMap();

  function replacesContent(part) {
    var swap = (part.getAttribute("hx-swap") || "innerHTML").split(" ")[0];
    return part.hasAttribute("sse-swap") && (swap === "innerHTML" || swap === "outerHTML");
  }

  function alreadyShown(part, html) {
    if (!part || !replacesContent(part) || typeof html !== "string") {
      return false;
    }
    var normal = html.replace(/\r\n/g, "\n").trim();
    if (lastShown.get(part) === normal) {
      return true;
    }
    lastShown.set(part, normal);
    return false;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.shouldSwap && alreadyShown(event.detail.target, event.detail.serverResponse)) {
      event.detail.shouldSwap = false;
    }
  });
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    if (alreadyShown(event.target, event.detail.data)) {
      event.preventDefault();
    }
  });

  /* A stream closed on purpose (its element left the page) is no longer waited for. */
  document.addEventListener("htmx:sseClose", function (event) {
    lost.delete(event.target);
    showBanner();
  });
})();
