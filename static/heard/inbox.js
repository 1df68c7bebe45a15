// Live inbox: when the server says something new arrived for this IRO, reload the list.
// Events carry only ids; the page itself is fetched through the usual access checks.
(function () {
  "use strict";
  if (!("WebSocket" in window)) return;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var note = document.getElementById("live-note");
  var retryDelay = 1000;

  function connect() {
    var socket = new WebSocket(scheme + window.location.host + "/ws/inbox/");
    socket.onopen = function () { retryDelay = 1000; if (note) note.hidden = false; };
    socket.onmessage = function () { window.location.reload(); };
    socket.onclose = function (event) {
      if (note) note.hidden = true;
      if (event.code === 4403) return;  // not allowed: do not keep knocking
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    };
  }
  connect();
})();
