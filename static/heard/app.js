// Heard as an installable web app: the service worker, and an outbox on the phone so that a message
// written with no signal is kept and sent once the phone is back online.
// Everything here is an extra: every page works without it. No third-party code, no tracking.
(function () {
  "use strict";
  var body = document.body;
  var userId = body.getAttribute("data-user");
  var OUTBOX = "heard.outbox.v1";

  // Read aloud with the browser's own speech: a button.read-aloud (hidden until this runs) says its
  // data-text, on any child's page (consultation questions, "How do you feel?" and its faces' words).
  if ("speechSynthesis" in window) {
    document.querySelectorAll("button.read-aloud").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.speechSynthesis.cancel();
        var words = new SpeechSynthesisUtterance(button.getAttribute("data-text"));
        words.lang = document.documentElement.lang || "en-GB";
        window.speechSynthesis.speak(words);
      });
    });
  }

  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/" }).catch(function () {});
  }
  // The crisis help on the message page (templates/feedback/statement_form.html) follows the choices that
  // show it (data-crisis). heard.css shows it as soon as one is chosen; this does the same in a browser
  // without :has, and keeps it shown while a message about not being safe waits on the phone.
  var crisis = document.getElementById("crisis-when-chosen");
  var crisisChoices = Array.prototype.map.call(document.querySelectorAll("input[data-crisis]"), function (input) {
    return input.value;
  });

  function updateCrisis(kept) {
    if (!crisis) return;
    if (kept) crisis.parentNode.classList.add("crisis-kept");
    crisis.hidden = !(crisis.parentNode.classList.contains("crisis-kept") ||
      document.querySelector("input[data-crisis]:checked"));
  }

  if (crisis) {
    document.addEventListener("change", function (event) {
      if (event.target.name === "category") updateCrisis(false);
    });
    updateCrisis(false);
  }

  if (!userId || !("fetch" in window) || !window.localStorage) return;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }

  function store(items) {
    if (items.length) localStorage.setItem(OUTBOX, JSON.stringify(items));
    else localStorage.removeItem(OUTBOX);
  }

  function mine(items) {
    return items.filter(function (item) { return item.user === userId; });
  }

  var status = document.getElementById("outbox-status");
  var text = status ? JSON.parse(document.getElementById("outbox-text").textContent) : {};

  function show(message) {
    if (!status) return;
    status.hidden = !message;
    status.textContent = message || "";
  }

  function showWaiting() {
    var waiting = mine(load());
    var problems = waiting.filter(function (item) { return item.problem; });
    var notSafe = waiting.filter(function (item) { return crisisChoices.indexOf(item.category) !== -1; });
    if (notSafe.length) updateCrisis(true);
    if (problems.length) show(text.problem + " " + problems[0].problem);
    else if (notSafe.length) show(text.waiting_crisis);
    else if (waiting.length) show(waiting.length === 1 ? text.waiting_one : text.waiting_many.replace("%s", waiting.length));
    return waiting.length;
  }

  var sending = false;

  // Send each waiting message through the API with the key it was given when written: if the
  // phone sends one twice (a lost answer, two tabs), Heard stores it once.
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    var waiting = mine(load()).filter(function (item) { return !item.problem; });
    if (!waiting.length) return Promise.resolve();
    sending = true;
    return waiting.reduce(function (previous, item) {
      return previous.then(function () {
        return fetch("/api/v1/statements/", {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            "X-CSRFToken": cookie("csrftoken"),
            "Idempotency-Key": item.key
          },
          // A message kept before faces were asked for has no feeling: null, as the API takes it.
          body: JSON.stringify({
            category: item.category, body: item.body, quote_consent: item.quote_consent, feeling: item.feeling || null
          })
        }).then(function (response) {
          if (response.ok) {
            store(load().filter(function (other) { return other.key !== item.key; }));
            show(text.sent);
          } else if (response.status === 400 || response.status === 409 || response.status === 413) {
            // Heard will never take this one as it is: keep the words, and say why.
            return response.json().then(function (problem) {
              store(load().map(function (other) {
                if (other.key === item.key) other.problem = problem.detail;
                return other;
              }));
            });
          }
          // Signed out, throttled or a server fault: keep it and try again later.
        });
      });
    }, Promise.resolve()).catch(function () {}).then(function () {
      sending = false;
      showWaiting();
    });
  }

  var form = document.querySelector("form[data-outbox='statement']");
  if (form) {
    var keyField = form.querySelector("input[name='idempotency_key']");
    // A page the phone kept may be opened many times: every message gets a key of its own.
    keyField.value = newKey();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var item = {
        key: keyField.value,
        user: userId,
        category: data.get("category") || "",
        body: (data.get("body") || "").trim(),
        quote_consent: data.get("quote_consent") === "on",
        feeling: data.get("feeling") ? parseInt(data.get("feeling"), 10) : null,
        saved_at: new Date().toISOString()
      };
      function keepOnThePhone() {
        var items = load();
        items.push(item);
        store(items);
        form.reset();
        keyField.value = newKey();
        showWaiting();
      }
      if (!navigator.onLine || !item.category || !item.body) {
        if (!navigator.onLine && item.category && item.body) return keepOnThePhone();
        if (navigator.onLine) return form.submit();  // the server names what is missing
        return show(text.incomplete);
      }
      // Online: the page's own form post (the same key), so the child sees what happens next.
      fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/json") === 0) {
          return response.json().then(function (result) { window.location.href = result.next; });
        }
        if (response.redirected) return keepOnThePhone();  // signed out: kept until they sign in
        form.submit();  // the server names what is missing
      }, keepOnThePhone);
    });
  }

  // Signing out on a shared phone: words not yet sent are deleted from it, if the child agrees.
  document.querySelectorAll("form.sign-out").forEach(function (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (mine(load()).length && !window.confirm(text.sign_out)) {
        event.preventDefault();
        return;
      }
      store(load().filter(function (item) { return item.user !== userId; }));
      Object.keys(localStorage).forEach(function (name) {
        if (name.indexOf("heard.form.") === 0) localStorage.removeItem(name);
      });
      if (window.caches) caches.keys().then(function (names) { names.forEach(function (name) { caches.delete(name); }); });
    });
  });

  window.addEventListener("online", flush);
  showWaiting();
  flush();
  window.setInterval(flush, 30000);
})();
