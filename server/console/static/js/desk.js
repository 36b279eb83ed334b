/* The circulation desk's scan queue (server/console/pages/desk.py). A file, not an inline script, because the
   Content-Security-Policy allows none (docs/web.md). Without it the desk still works: each form posts one scan
   and the page comes back with its answer.

   Keyboard-wedge scanners type a burst of characters and Enter, faster than any request returns. So every
   form marked data-desk-queue (the scan, a renewal, renew all, an override) is not sent when submitted: it is
   queued, with a key of its own made now (a UUIDv7), and the queue is kept in sessionStorage so that a reload
   loses nothing. One sender sends the queue in order, one request at a time, each with its key, and sends
   it again with the same key — never a new one — until the server answers: the server applies a key once
   and answers a repeat with the first answer, so a retry never has a second effect. While the server cannot
   be reached it waits a little longer each time and says so; the scan field stays focused and takes the
   next scan all the while. Each answer (HTML rendered by the server, in the staff member's language) takes
   the place of its scan's row. When the queue is empty, the patron's account is fetched again. */
(function () {
  "use strict";

  var QUEUE_STORE = "stacks.desk.queue.v1";
  var RESULTS_STORE = "stacks.desk.results.v1";
  var RESULTS_KEPT = 60;
  var BACKOFF_MS = [250, 500, 1000, 2000, 4000];
  var REQUEST_TIMEOUT_MS = 15000;

  var queue = [];
  var running = false;
  var halted = false;
  var list, texts, scanForm, scanInput, cardInput, patronForm, connection;

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function load(name) {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(name) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (error) {
      return [];
    }
  }

  function store(name, value) {
    window.sessionStorage.setItem(name, JSON.stringify(value));
  }

  /* A UUIDv7: 48 bits of Unix milliseconds, version 7, the variant, random bits (RFC 9562). */
  function uuid7() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var ms = Date.now();
    for (var i = 5; i >= 0; i -= 1) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function csrfToken() {
    var meta = $('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  function showEmpty() {
    var empty = $(".desk-results__empty");
    if (empty) {
      empty.hidden = list.children.length > 0;
    }
  }

  function rowOf(entry) {
    return list.querySelector('li[data-key="' + entry.key + '"]');
  }

  function setState(entry, state) {
    var row = rowOf(entry);
    if (!row) {
      return;
    }
    row.setAttribute("data-state", state);
    var text = row.querySelector("[data-desk-state-text]");
    if (text) {
      text.textContent = texts[state] || "";
    }
  }

  function showPending(entry) {
    var template = $("#desk-pending");
    var row = template.content.firstElementChild.cloneNode(true);
    row.setAttribute("data-key", entry.key);
    row.querySelector("[data-desk-label]").textContent = entry.label;
    list.insertBefore(row, list.firstChild);
    setState(entry, "waiting");
    showEmpty();
  }

  function rowsFrom(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    return Array.prototype.slice.call(holder.content.children);
  }

  /* The answer takes the place of its scan's row; it is kept for a reload of this page too (the same
     mode and patron, the same language). */
  function answer(entry, html) {
    var row = rowOf(entry);
    rowsFrom(html).forEach(function (answered) {
      answered.setAttribute("data-key", entry.key);
      if (row) {
        list.insertBefore(answered, row);
      } else {
        list.insertBefore(answered, list.firstChild);
      }
    });
    if (row) {
      row.remove();
    }
    var kept = load(RESULTS_STORE);
    kept.unshift({ key: entry.key, html: html, lang: document.documentElement.lang, where: window.location.search });
    store(RESULTS_STORE, kept.slice(0, RESULTS_KEPT));
    showEmpty();
  }

  function showConnection(state) {
    if (!connection) {
      return;
    }
    connection.hidden = !state;
    var text = connection.querySelector("[data-desk-connection-text]");
    text.textContent = state ? texts[state] : "";
    var signIn = connection.querySelector("[data-desk-sign-in]");
    if (signIn) {
      signIn.hidden = state !== "signed-out";
    }
  }

  function post(entry) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("action_key", entry.key);
    var abort = new AbortController();
    var timer = window.setTimeout(function () { abort.abort(); }, REQUEST_TIMEOUT_MS);
    return window.fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      signal: abort.signal,
      headers: { "HX-Request": "true", "X-CSRF-Token": csrfToken() },
    }).then(function (response) {
      return response.text().then(function (text) {
        return { status: response.status, text: text };
      });
    }).finally(function () {
      window.clearTimeout(timer);
    });
  }

  /* Send one entry until the server answers it: true when answered (done or refused for good), false when
     the queue must stop (signed out, or the page is out of date). */
  async function deliver(entry) {
    for (var tries = 0; ; tries += 1) {
      setState(entry, tries === 0 ? "sending" : "retrying");
      var reply = null;
      try {
        reply = await post(entry);
      } catch (error) {
        reply = null; // no answer: the server is down, restarting or unreachable
      }
      if (reply && reply.status >= 200 && reply.status < 300) {
        answer(entry, reply.text);
        showConnection(null);
        return true;
      }
      if (reply && reply.status === 401) {
        halt("signed-out");
        return false;
      }
      if (reply && reply.status === 403) {
        halt("reload");
        return false;
      }
      if (reply && reply.status >= 400 && reply.status < 500) {
        failed(entry, reply.text);
        showConnection(null);
        return true;
      }
      // No answer, or the server failed: the action may have been applied or not. The same key makes the
      // next try safe either way.
      showConnection("offline");
      await sleep(BACKOFF_MS[Math.min(tries, BACKOFF_MS.length - 1)]);
    }
  }

  /* A request the server refused for good (not a barcode it could read, …): its reason, in place. */
  function failed(entry, text) {
    setState(entry, "failed");
    var row = rowOf(entry);
    if (row) {
      var reason = document.createElement("p");
      reason.className = "desk-result__message";
      reason.textContent = text;
      row.querySelector(".desk-result__answer").appendChild(reason);
    }
  }

  function halt(state) {
    halted = true;
    showConnection(state);
  }

  async function run() {
    if (running) {
      return;
    }
    running = true;
    try {
      while (queue.length > 0 && !halted) {
        var delivered = await deliver(queue[0]);
        if (!delivered) {
          break;
        }
        queue.shift();
        store(QUEUE_STORE, queue);
      }
    } finally {
      running = false;
    }
    if (queue.length === 0) {
      refreshAccount();
    }
  }

  /* The form's fields as sent (its key is the entry's own; the CSRF token is the page's, sent as a header). */
  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "action_key" && name !== "csrf_token") {
        fields.push([name, String(value)]);
      }
    });
    return fields;
  }

  function enqueue(form, fields, label) {
    var entry = { key: uuid7(), url: form.getAttribute("action"), fields: fields, label: label };
    queue.push(entry);
    store(QUEUE_STORE, queue);
    showPending(entry);
    run();
  }

  function currentCard() {
    return cardInput ? cardInput.value : "";
  }

  function refreshAccount() {
    var slot = $("#desk-account-slot");
    if (!slot || !patronForm) {
      return;
    }
    var url = patronForm.getAttribute("data-account-url") + "?card=" + encodeURIComponent(currentCard());
    window.fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var focusWasInside = slot.contains(document.activeElement);
        slot.innerHTML = html;
        if (focusWasInside) {
          scanInput.focus();
        }
      })
      .catch(function () { /* the next run of scans fetches it again */ });
  }

  /* The scan: queued at once; the field is emptied for the next one and keeps the focus. */
  function onScan(event) {
    event.preventDefault();
    var scanned = scanInput.value.trim();
    scanInput.value = scanned;
    var fields = fieldsOf(scanForm);
    scanInput.value = "";
    scanInput.focus();
    if (scanned) {
      enqueue(scanForm, fields, scanned);
    }
  }

  /* Any other queued form: a renewal, renew all, an override (which is asked once). */
  function onQueuedForm(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-desk-queue") || form === scanForm) {
      return;
    }
    event.preventDefault();
    enqueue(form, fieldsOf(form), form.getAttribute("data-label") || "");
    if (form.classList.contains("desk-override")) {
      form.remove();
    }
    scanInput.focus();
  }

  /* A patron's card: their account is fetched in place, and the scan field takes the focus at once, so
     items scanned right after the card are lent to this patron. */
  function onPatron(event) {
    event.preventDefault();
    var input = patronForm.querySelector('input[name="card"]');
    var card = input.value.trim();
    input.value = card;
    if (!card) {
      return;
    }
    cardInput.value = card;
    scanInput.focus();
    window.history.replaceState(null, "", patronForm.getAttribute("action") + "?card=" + encodeURIComponent(card));
    Array.prototype.slice.call(list.querySelectorAll('li[data-state="done"]')).forEach(function (row) {
      row.remove(); // the next patron's scans start a list of their own
    });
    showEmpty();
    refreshAccount();
  }

  function restore() {
    var lang = document.documentElement.lang;
    load(RESULTS_STORE).forEach(function (kept) {
      var here = kept.lang === lang && kept.where === window.location.search;
      if (here && !list.querySelector('li[data-key="' + kept.key + '"]')) {
        rowsFrom(kept.html).forEach(function (row) {
          row.setAttribute("data-key", kept.key);
          list.appendChild(row);
        });
      }
    });
    queue = load(QUEUE_STORE);
    queue.forEach(showPending);
    showEmpty();
  }

  function start() {
    list = $("#desk-results");
    scanForm = $("form[data-desk-scan]");
    if (!list || !scanForm) {
      return;
    }
    texts = {
      waiting: list.getAttribute("data-text-waiting"),
      sending: list.getAttribute("data-text-sending"),
      retrying: list.getAttribute("data-text-retrying"),
      failed: list.getAttribute("data-text-failed"),
      offline: list.getAttribute("data-text-offline"),
      "signed-out": list.getAttribute("data-text-signed-out"),
      reload: list.getAttribute("data-text-reload"),
    };
    scanInput = scanForm.querySelector("[data-desk-input]");
    cardInput = scanForm.querySelector("[data-desk-card]");
    patronForm = $("#desk-patron");
    connection = $("#desk-connection");
    scanForm.addEventListener("submit", onScan);
    document.addEventListener("submit", onQueuedForm);
    if (patronForm) {
      patronForm.addEventListener("submit", onPatron);
    }
    restore();
    document.documentElement.setAttribute("data-desk-ready", "");
    run();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
