/* The patron search from the keyboard (server/console/templates/console/patrons.html): ↓ from the search
   field goes to the first result, ↓ and ↑ move through the results, Escape goes back to the field; Enter
   opens the result, as any link. Results come and go with the typing (htmx), so the listener is on the
   document. In a file, because the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function field() {
    return document.getElementById("field-q");
  }

  function results() {
    return Array.prototype.slice.call(document.querySelectorAll("#patron-results a.patron-result"));
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var links = results();
    if (!links.length || !(target instanceof HTMLElement)) {
      return;
    }
    var index = links.indexOf(target);
    var next = null;
    if (target === field() && event.key === "ArrowDown") {
      next = links[0];
    } else if (index >= 0 && event.key === "ArrowDown") {
      next = links[Math.min(index + 1, links.length - 1)];
    } else if (index >= 0 && event.key === "ArrowUp") {
      next = index === 0 ? field() : links[index - 1];
    } else if (index >= 0 && event.key === "Escape") {
      next = field();
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });
})();
