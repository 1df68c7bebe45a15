// Consultation forms: save as you go (reading aloud is app.js's, for every child's page).
// The form works fully without this file; it only makes it easier on a phone.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave='on']");
  if (!form || !("fetch" in window)) return;
  var status = form.querySelector(".save-status");
  var timer = null;
  // With no signal the answers are kept on the phone, and saved to Heard once it is back online.
  var LOCAL = "heard.form." + form.getAttribute("data-save-url");
  // Answers kept before the form had its own save address were kept under the page's address.
  var EARLIER = "heard.form." + window.location.pathname;
  try {
    if (EARLIER !== LOCAL && localStorage.getItem(EARLIER) && !localStorage.getItem(LOCAL)) {
      localStorage.setItem(LOCAL, localStorage.getItem(EARLIER));
      localStorage.removeItem(EARLIER);
    }
  } catch (e) { /* private browsing: nothing was kept */ }

  function say(words) { if (status) status.textContent = words; }

  function snapshot() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") entries.push([name, value]);
    });
    return entries;
  }

  function keepOnThePhone() {
    try {
      localStorage.setItem(LOCAL, JSON.stringify({ saved_at: new Date().toISOString(), entries: snapshot() }));
      say(form.getAttribute("data-kept") || "Saved on this phone");
    } catch (e) {
      say("Not saved: check your connection");
    }
  }

  function restore(entries) {
    var names = {};
    entries.forEach(function (pair) { names[pair[0]] = true; });
    Object.keys(names).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") field.checked = false;
      });
    });
    entries.forEach(function (pair) {
      form.querySelectorAll("[name='" + pair[0] + "']").forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === pair[1]) field.checked = true;
        } else if (field.type !== "hidden") {
          field.value = pair[1];
        }
      });
    });
  }

  function save() {
    if (!navigator.onLine) return keepOnThePhone();
    var data = new FormData(form);
    fetch(form.getAttribute("data-save-url"), { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.json(); })
      .then(function (result) {
        if (result.saved) localStorage.removeItem(LOCAL);
        say(result.saved ? "Saved" : "Not saved yet");
      })
      .catch(keepOnThePhone);
  }

  var kept = null;
  try { kept = JSON.parse(localStorage.getItem(LOCAL) || "null"); } catch (e) { kept = null; }
  if (kept && kept.entries) {
    restore(kept.entries);
    save();
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  form.addEventListener("submit", function (event) {
    if (navigator.onLine) return;
    event.preventDefault();  // no signal: keep the answers; the child sends them once back online
    keepOnThePhone();
  });
  window.addEventListener("online", function () {
    if (localStorage.getItem(LOCAL)) save();
  });
})();
