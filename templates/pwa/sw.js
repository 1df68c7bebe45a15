// Heard's service worker. It keeps the pages a child writes on (never pages with their words) and
// the site's own CSS and scripts, so a child can open "Write a message" with no signal. Anything
// written offline waits in the page's outbox (static/heard/app.js) and is sent when back online.
"use strict";
var CACHE = "heard-{{ version }}";
var PAGES = {{ pages|safe }};

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromNetworkKeepingACopy(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    // The site's own files: the copy we have at once (refreshed behind it), else the network.
    event.respondWith(caches.match(request).then(function (hit) {
      var fresh = fromNetworkKeepingACopy(request);
      if (!hit) return fresh;
      fresh.catch(function () {});
      return hit;
    }));
  } else if (request.mode === "navigate" && PAGES.indexOf(url.pathname) !== -1) {
    // A form page: the network first (fresh), the copy we kept when there is no signal.
    event.respondWith(fromNetworkKeepingACopy(request).catch(function () {
      return caches.match(request, { ignoreSearch: true });
    }));
  }
});
