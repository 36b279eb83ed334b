/* A "Print" button ([data-print], hidden until script runs: without it, the browser's own print command prints
   the same page) for the printable lists: the hold shelf's pull list, the stock-take's shelf corrections. In
   a file, because the Content-Security-Policy allows no inline script or handler. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
