// Live inbox: when the server says something new arrived for this IRO, fetch the inbox again and
// swap the list in place, so the page never reloads under the IRO's hands. Events carry only
// ids; the list itself comes through the usual access checks.
(function () {
  "use strict";
  if (!("WebSocket" in window) || !("fetch" in window)) return;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var note = document.getElementById("live-note");
  var retryDelay = 1000;
  var pending = null;

  function refresh() {
    pending = null;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("inbox-live");
        var current = document.getElementById("inbox-live");
        if (fresh && current) current.replaceWith(fresh);
      })
      .catch(function () { window.location.reload(); });
  }

  function connect() {
    var socket = new WebSocket(scheme + window.location.host + "/ws/inbox/");
    socket.onopen = function () { retryDelay = 1000; if (note) note.hidden = false; };
    socket.onmessage = function () {
      // A burst of events becomes one refresh.
      if (pending === null) pending = setTimeout(refresh, 250);
    };
    socket.onclose = function (event) {
      if (note) note.hidden = true;
      if (event.code === 4403) return;  // not allowed: do not keep knocking
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    };
  }
  connect();
})();

// Keys for a long inbox: n and p move to the next and previous unread message, / to the search box.
// Never while typing, and never with a modifier held (the browser's own shortcuts stay).
(function () {
  "use strict";
  function unread() { return Array.prototype.slice.call(document.querySelectorAll("a.inbox-message[data-unread]")); }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (event.key === "/") {
      var search = document.getElementById("inbox-q");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (event.key !== "n" && event.key !== "p") return;
    var links = unread();
    if (!links.length) return;
    var here = links.indexOf(document.activeElement);
    var next;
    if (event.key === "n") {
      next = here === -1 ? links.find(function (link) {
        return document.activeElement.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING;
      }) || links[0] : links[(here + 1) % links.length];
    } else {
      next = here <= 0 ? links[links.length - 1] : links[here - 1];
    }
    event.preventDefault();
    next.focus();
    next.scrollIntoView({ block: "center" });
  });
})();
