/* The staff console's behaviour, in a file because the Content-Security-Policy allows no inline script
   (docs/web.md). Pages work without it; it adds the CSRF token to htmx requests and reloads a live page
   whose session has ended. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Every htmx request carries the session's CSRF token (server/console/csrf.py checks it on every
     request that changes something). */
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  /* A live page's stream says "reload" when the session behind it has ended (logged out elsewhere, the
     password changed, the account deactivated, or expired): the reload goes to the log-in page. */
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    if (event.detail && event.detail.type === "reload") {
      event.preventDefault();
      window.location.reload();
    }
  });
})();
