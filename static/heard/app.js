// Heard as an installable web app: the service worker, and an outbox on the phone so that a message
// written with no signal is kept and sent once the phone is back online.
// Everything here is an extra: every page works without it. No third-party code, no tracking.
(function () {
  "use strict";
  var body = document.body;
  var userId = body.getAttribute("data-user");
  var OUTBOX = "heard.outbox.v1";

  // Read aloud with the browser's own speech, in the page's language (<html lang>). A button made by
  // templates/includes/read_aloud.html says its data-read-aloud words ("#id": that element's words);
  // any other element marked data-read-aloud gets such a button, so a page adds one by markup alone.
  // While it speaks, the same button is a visible Stop. Buttons stay hidden where the phone cannot
  // speak, and hide again if it has no voice for the page's language, rather than read it wrongly.
  var readAloud = (function () {
    var speech = window.speechSynthesis;
    if (!speech || !window.SpeechSynthesisUtterance) return null;
    var language = (document.documentElement.lang || "en").toLowerCase();
    var primary = language.split("-")[0];
    var speaking = null;
    var SVG = "http://www.w3.org/2000/svg";

    function voice() {
      var voices = speech.getVoices() || [];
      var exact = null, near = null;
      voices.forEach(function (one) {
        var lang = (one.lang || "").toLowerCase().replace("_", "-");
        if (!exact && lang === language) exact = one;
        if (!near && lang.split("-")[0] === primary) near = one;
      });
      // No voices listed yet (some phones load them late): let the browser choose by the language.
      return { voice: exact || near, known: voices.length > 0 };
    }

    function icon(kind) {
      var holder = document.createElement("span");
      holder.className = "read-aloud-icon " + kind;
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("width", "24");
      svg.setAttribute("height", "24");
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
      var path = document.createElementNS(SVG, "path");
      if (kind === "speak") {
        path.setAttribute("d", "M3 9h4l5-4v14l-5-4H3z M15.5 8.5a5 5 0 0 1 0 7 M18.5 5.5a9 9 0 0 1 0 13");
        path.setAttribute("stroke", "currentColor");
        path.setAttribute("stroke-width", "2");
        path.setAttribute("fill", "none");
      } else {
        path.setAttribute("d", "M6 6h12v12H6z");
        path.setAttribute("fill", "currentColor");
        holder.hidden = true;
      }
      svg.appendChild(path);
      holder.appendChild(svg);
      return holder;
    }

    // "#id" reads that element; "^selector" the nearest enclosing one (a question's fieldset: its
    // question, hint and every choice's word). Each label, paragraph or item ends in a pause.
    function words(button) {
      var said = button.getAttribute("data-read-aloud") || button.getAttribute("data-text") || "";
      var first = said.charAt(0);
      if (first === "#" || first === "^") {
        var target = first === "#" ? document.getElementById(said.slice(1)) : button.closest(said.slice(1));
        if (!target) return "";
        target = target.cloneNode(true);
        target.querySelectorAll("button, .visually-hidden, [aria-hidden='true'], [hidden], [data-not-read], script").forEach(function (inner) {
          inner.remove();
        });
        // Innermost first, so a word inside a label pauses once, not twice.
        Array.prototype.slice.call(target.querySelectorAll("label, legend, p, li, h1, h2, h3, .word, .pause")).reverse().forEach(function (part) {
          if (!/[.?!:;…。؟።]\s*$/.test(part.textContent)) part.appendChild(document.createTextNode(". "));
          else part.appendChild(document.createTextNode(" "));
        });
        said = target.textContent;
      }
      return said.replace(/\s+/g, " ").trim();
    }

    function label(button, stop) {
      var name = button.querySelector(".read-aloud-label");
      if (!button.hasAttribute("data-read-label")) button.setAttribute("data-read-label", name.textContent);
      name.textContent = stop ? (button.getAttribute("data-stop-label") || "Stop") : button.getAttribute("data-read-label");
      button.classList.toggle("speaking", stop);
      // The speaker becomes a square and the word "Stop" shows: hidden attributes, so any page's CSS will do.
      button.querySelectorAll(".read-aloud-icon.speak").forEach(function (part) { part.hidden = stop; });
      button.querySelectorAll(".read-aloud-icon.stop, .read-aloud-stop").forEach(function (part) { part.hidden = !stop; });
    }

    function finished(button) {
      if (speaking === button) speaking = null;
      label(button, false);
    }

    function stop() {
      var was = speaking;
      speaking = null;
      speech.cancel();
      if (was) label(was, false);
    }

    function tell(button, text) {
      var status = document.getElementById("read-aloud-status");
      if (!status) {
        status = document.createElement("p");
        status.id = "read-aloud-status";
        status.className = "read-aloud-status";
        status.setAttribute("role", "status");
        document.body.appendChild(status);
      }
      status.textContent = text;
    }

    function say(text, button) {
      var chosen = voice();
      if (chosen.known && !chosen.voice) {
        if (button) tell(button, button.getAttribute("data-no-voice") || "");
        hideAll();
        return false;
      }
      stop();
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = document.documentElement.lang || "en-GB";
      if (chosen.voice) utterance.voice = chosen.voice;
      if (button) {
        speaking = button;
        label(button, true);
        utterance.onend = utterance.onerror = function () { finished(button); };
      }
      speech.speak(utterance);
      return true;
    }

    function hideAll() {
      document.querySelectorAll("button.read-aloud").forEach(function (button) { button.hidden = true; });
    }

    function ready(button) {
      if (button.getAttribute("data-ready")) return;
      button.setAttribute("data-ready", "1");
      if (!button.querySelector(".read-aloud-label")) {
        var name = document.createElement("span");
        name.className = "read-aloud-label visually-hidden";
        name.textContent = button.textContent.trim() || "Read aloud";
        button.textContent = "";
        button.appendChild(name);
      }
      if (!button.querySelector(".read-aloud-icon")) {
        button.insertBefore(icon("stop"), button.firstChild);
        button.insertBefore(icon("speak"), button.firstChild);
      }
      button.hidden = false;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        if (speaking === button) return stop();
        say(words(button), button);
      });
    }

    // An element marked data-read-aloud (not itself a button) gets a button reading its own words.
    var template = document.querySelector("button.read-aloud[data-read-label], button.read-aloud");
    document.querySelectorAll("[data-read-aloud]:not(button)").forEach(function (element, index) {
      if (!element.id) element.id = "read-aloud-" + index;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "read-aloud";
      button.setAttribute("data-read-aloud", "#" + element.id);
      var name = document.createElement("span");
      name.className = "read-aloud-label visually-hidden";
      // Its words in the page's language: from the element (data-read-label, data-stop-label), else
      // from a button the page's include made (templates/includes/read_aloud.html), else English.
      name.textContent = element.getAttribute("data-read-label") ||
        (template && template.querySelector(".read-aloud-label") || {}).textContent || "Read aloud";
      button.appendChild(name);
      ["data-stop-label", "data-no-voice"].forEach(function (attribute) {
        var words = element.getAttribute(attribute) || (template && template.getAttribute(attribute));
        if (words) button.setAttribute(attribute, words);
      });
      element.appendChild(document.createTextNode(" "));
      element.appendChild(button);
    });
    document.querySelectorAll("button.read-aloud").forEach(ready);

    function checkVoices() {
      var chosen = voice();
      if (chosen.known && !chosen.voice) hideAll();
    }
    checkVoices();
    if (speech.addEventListener) speech.addEventListener("voiceschanged", checkVoices);
    window.addEventListener("pagehide", stop);
    return { say: say, stop: stop };
  })();
  // For the youngest children's forms (static/heard/little.js): a choice says its word when tapped.
  window.heardReadAloud = readAloud;

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
