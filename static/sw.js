// Doorstep service worker: keeps the offline visit page and its assets, and serves that page
// when a navigation fails. It never touches NiceGUI's socket, uploads, the API or photos:
// those requests are not intercepted at all (no respondWith), so they behave as without it.
const VERSION = "doorstep-offline-v5";
const OFFLINE_URL = "/offline";
const ASSETS = [
  OFFLINE_URL,
  "/static/offline.js",
  "/static/js/doorstep-store.js",
  "/static/js/door-card.js",
  "/static/vendor/jsqr/jsQR.js",
  "/static/js/image-size.js",
  "/static/js/shrink.js",
  "/static/icons/icon-192.png",
  "/static/icons/apple-touch-icon.png",
  "/manifest.webmanifest",
];
const NEVER = ["/_nicegui", "/api/", "/socket.io", "/photos/", "/logout", "/upload"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    Promise.resolve(self.registration.navigationPreload && self.registration.navigationPreload.enable())
      .catch(() => {})
      .then(() => caches.keys())
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("doorstep-") && k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

async function fromNetworkThenCache(request, cacheKey, preloaded) {
  try {
    // Navigation preload: the browser sent the request while this worker was starting up.
    const response = (await preloaded) || (await fetch(request));
    if (cacheKey && response.ok) {
      const cache = await caches.open(VERSION);
      await cache.put(cacheKey, response.clone());
    }
    return response;
  } catch (err) {
    const cached = await caches.match(cacheKey || OFFLINE_URL, { ignoreSearch: true });
    return cached || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

async function fromCacheThenNetwork(request, path) {
  const cached = await caches.match(path, { ignoreSearch: true });
  const network = fetch(request).then(async (response) => {
    if (response.ok) (await caches.open(VERSION)).put(path, response.clone());
    return response;
  });
  if (cached) {
    network.catch(() => {});
    return cached;
  }
  return network;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    // Online pages come from the network; when it fails, the offline page takes over.
    const key = url.pathname === OFFLINE_URL ? OFFLINE_URL : null;
    event.respondWith(fromNetworkThenCache(request, key, event.preloadResponse));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(fromCacheThenNetwork(request, url.pathname));
  }
});
