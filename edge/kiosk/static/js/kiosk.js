/* The kiosk's touch screen: the PIN keypad, the large-text mode, the idle warning's countdown, and
   telling the agent the reader is still there. It lives in this file because the Content-Security-Policy
   allows no inline script. The forms work without it. */
(function () {
  "use strict";
  var root = document.documentElement;
  var LARGE = "kiosk-large-text";
  var lastTold = 0;

  function largeText(on) {
    root.classList.toggle("high-contrast", on);
    document.querySelectorAll("[data-large-text]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    try {
      window.sessionStorage.setItem(LARGE, on ? "1" : "");
    } catch (e) { /* private mode: the choice lasts for this page */ }
  }

  function stillHere() {
    var now = Date.now();
    if (now - lastTold < 5000 || !document.querySelector("[data-step=signed_in], [data-step=pin]")) {
      return;
    }
    lastTold = now;
    var lang = root.getAttribute("lang") || "vi";
    window.fetch("/still-here?lang=" + lang, { method: "POST", headers: { "HX-Request": "true" } });
  }

  function openWarning() {
    var dialog = document.querySelector("[data-idle-warning]");
    if (!dialog || dialog.open) {
      return;
    }
    dialog.showModal();
    var left = Number(dialog.getAttribute("data-seconds") || 0);
    var shown = dialog.querySelector("[data-countdown]");
    var timer = window.setInterval(function () {
      if (!dialog.isConnected) {
        window.clearInterval(timer);
        return;
      }
      left = Math.max(0, left - 1);
      if (shown) {
        shown.textContent = String(left);
      }
    }, 1000);
  }

  document.addEventListener("click", function (event) {
    var key = event.target.closest("[data-key]");
    if (key && key.getAttribute("data-key") !== "ok") {
      var pin = document.querySelector("[data-pin]");
      if (pin) {
        var value = key.getAttribute("data-key");
        pin.value = value === "back" ? pin.value.slice(0, -1) : (pin.value + value).slice(0, 12);
        pin.focus();
      }
    }
    if (event.target.closest("[data-large-text]")) {
      largeText(!root.classList.contains("high-contrast"));
    }
  });
  document.addEventListener("pointerdown", stillHere);
  document.addEventListener("keydown", stillHere);
  /* The search box is not part of the live results, so typing is never swapped away. Results for no
     words empty it when the box did not ask for none itself: the search was cleared, or the visit is
     over, and the next reader must not see the last one's words. */
  var lastAsked = "";

  document.addEventListener("htmx:configRequest", function (event) {
    var box = document.querySelector("[data-catalogue-query]");
    if (box && (event.detail.elt === box || event.detail.elt === box.form)) {
      lastAsked = box.value.trim();
    }
  });

  function emptySearchWhenCleared(part) {
    var box = document.querySelector("[data-catalogue-query]");
    var results = part && part.id === "catalogue-results" && part.querySelector("[data-catalogue-results]");
    if (box && results && results.getAttribute("data-catalogue-results") === "" && lastAsked !== "") {
      box.value = "";
      lastAsked = "";
    }
  }

  /* The card (or PIN) field takes the focus again after a swap, so a scanner types into it at once; not
     while the reader is typing a search, unless the sign-in itself changed (a card scanned: its PIN). */
  function afterSwap(event) {
    var part = event.detail && event.detail.target ? event.detail.target : event.target;
    openWarning();
    emptySearchWhenCleared(part);
    var searching = document.activeElement && document.activeElement.matches("[data-catalogue-query]");
    var field = document.querySelector("[data-pin], [data-card]");
    if (field && !document.querySelector("[data-idle-warning][open]") && (!searching || part.id === "sign-in")) {
      field.focus();
    }
  }
  document.addEventListener("htmx:afterSwap", afterSwap);
  /* A part that came over the live stream: swapped by the SSE extension just before this event. */
  document.addEventListener("htmx:sseMessage", function (event) {
    window.setTimeout(function () {
      afterSwap({ target: event.target });
    }, 0);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var on = false;
    try {
      on = window.sessionStorage.getItem(LARGE) === "1";
    } catch (e) { /* no storage */ }
    largeText(on);
    openWarning();
    var box = document.querySelector("[data-catalogue-query]");
    lastAsked = box ? box.value.trim() : "";
  });
})();
