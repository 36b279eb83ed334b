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

  /* A live fragment replaced while staff type in it (a note on an alarm card) keeps what they typed: the
     fields are matched by id (htmx itself keeps the focus on an element with an id). */
  var typed = {};
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    typed = {};
    var fields = event.target.querySelectorAll("input[id]:not([type=hidden]), textarea[id]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value) {
        typed[fields[i].id] = fields[i].value;
      }
    }
  });
  document.addEventListener("htmx:sseMessage", function () {
    Object.keys(typed).forEach(function (id) {
      var field = document.getElementById(id);
      if (field && !field.value) {
        field.value = typed[id];
      }
    });
    typed = {};
  });

  /* The alarm desk's tone: a short two-note chime made by the browser (Web Audio), no sound file. Off
     until staff turn it on; the choice is kept in this browser (it is about this computer's speakers). */
  var SOUND_KEY = "stacks.alarmTone";
  var toggle = document.querySelector("[data-alarm-sound]");
  var audio = null;

  function soundOn() {
    return toggle !== null && toggle.checked;
  }

  function context() {
    var Audio = window.AudioContext || window.webkitAudioContext;
    if (!audio && Audio) {
      audio = new Audio();
    }
    return audio;
  }

  function showBlocked(blocked) {
    var note = document.querySelector("[data-alarm-sound-blocked]");
    if (note) {
      note.hidden = !blocked;
    }
  }

  function chime() {
    var ctx = context();
    var root = document.documentElement;
    root.setAttribute("data-alarm-tones", String(Number(root.getAttribute("data-alarm-tones") || 0) + 1));
    if (!ctx) {
      return;
    }
    if (ctx.state === "suspended") {
      ctx.resume();
    }
    showBlocked(ctx.state === "suspended");
    [[880, 0], [660, 0.22]].forEach(function (note) {
      var start = ctx.currentTime + note[1];
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.21);
    });
  }

  function latestAlarm() {
    var list = document.querySelector("[data-latest-alarm]");
    return list ? Number(list.getAttribute("data-latest-alarm")) : 0;
  }

  if (toggle) {
    var seen = latestAlarm();
    try {
      toggle.checked = window.localStorage.getItem(SOUND_KEY) === "on";
    } catch (e) {
      toggle.checked = false;
    }
    toggle.addEventListener("change", function () {
      try {
        window.localStorage.setItem(SOUND_KEY, toggle.checked ? "on" : "off");
      } catch (e) {
        /* private mode: the choice lasts as long as the page */
      }
      if (toggle.checked) {
        chime(); /* so staff hear what it sounds like, and the browser allows it from now on */
      }
    });
    /* Browsers let a page sound only after someone used it: the first click or key press allows it. */
    ["pointerdown", "keydown"].forEach(function (name) {
      document.addEventListener(name, function () {
        if (audio && audio.state === "suspended") {
          audio.resume();
        }
        showBlocked(false);
      });
    });
    if (soundOn() && context() && audio.state === "suspended") {
      showBlocked(true);
    }
    document.addEventListener("htmx:sseMessage", function () {
      var latest = latestAlarm();
      if (latest <= seen) {
        return;
      }
      var newest = document.querySelector("[data-alarm]");
      var announce = document.querySelector("[data-alarm-announce]");
      if (announce && newest && Number(newest.getAttribute("data-alarm")) > seen) {
        var title = newest.querySelector("h3");
        announce.textContent = toggle.getAttribute("data-new-alarm-text") + ": " +
          (title ? title.textContent.trim() : "");
      }
      seen = latest;
      if (soundOn()) {
        chime();
      }
    });
  }
})();
