// Consultation forms: read questions aloud with the browser's own speech, and save as you go.
// The form works fully without this file; it only makes it easier on a phone.
(function () {
  "use strict";
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

  var form = document.querySelector("form[data-autosave='on']");
  if (!form || !("fetch" in window)) return;
  var status = form.querySelector(".save-status");
  var timer = null;

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    fetch(window.location.href, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.json(); })
      .then(function (result) { if (status) status.textContent = result.saved ? "Saved" : "Not saved yet"; })
      .catch(function () { if (status) status.textContent = "Not saved: check your connection"; });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
})();
