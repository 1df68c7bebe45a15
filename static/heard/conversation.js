// A conversation on one message: open it at the newest reply, and send a reply once however often
// the button is tapped (the hidden Idempotency key stores it once anyway; this spares the wait).
(function () {
  "use strict";
  var conversation = document.getElementById("conversation");
  if (conversation && conversation.lastElementChild && !document.querySelector(".reply-box .error")) {
    conversation.lastElementChild.scrollIntoView({ block: "nearest" });
  }
  var form = document.querySelector("form.reply-box");
  if (!form) return;
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
