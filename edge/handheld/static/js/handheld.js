/* The handheld's screen: a tone for every alert that arrives over the stream, higher and longer for the
   ones that ask staff to act (take the book away, re-arm it). Browsers let a page sound only after someone
   has used it; the count of tones played is kept on <html data-alert-tones> (the browser test reads it). */
(function () {
  "use strict";
  var audio = null;

  function context() {
    var Audio = window.AudioContext || window.webkitAudioContext;
    if (!audio && Audio) {
      audio = new Audio();
    }
    return audio;
  }

  function tone(kind) {
    var root = document.documentElement;
    root.setAttribute("data-alert-tones", String(Number(root.getAttribute("data-alert-tones") || 0) + 1));
    var ctx = context();
    if (!ctx) {
      return;
    }
    if (ctx.state === "suspended") {
      ctx.resume();
    }
    var urgent = kind === "danger";
    var notes = urgent ? [[988, 0], [988, 0.18], [988, 0.36]] : [[660, 0]];
    notes.forEach(function (note) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = note[0];
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(ctx.currentTime + note[1]);
      osc.stop(ctx.currentTime + note[1] + 0.14);
    });
  }

  document.addEventListener("htmx:sseMessage", function (event) {
    var holder = document.createElement("ul");
    holder.innerHTML = event.detail.data;
    var item = holder.querySelector("[data-tone]");
    tone(item ? item.getAttribute("data-tone") : "info");
  });
})();
