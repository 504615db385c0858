// Doorstep's on-phone store: the API token (localStorage), and in IndexedDB the households
// cached for the offline visit form plus every visit logged offline, photos included.
// Shared by the offline page, the banner on online pages, and sign-out.
(function () {
  "use strict";
  const DB_NAME = "doorstep";
  const DB_VERSION = 1;
  const TOKEN_KEY = "doorstep.token";
  const LANG_KEY = "doorstep.lang";
  const ACCOUNT_LANG_KEY = "doorstep.account-lang";
  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains("households")) db.createObjectStore("households", { keyPath: "id" });
          if (!db.objectStoreNames.contains("visits")) db.createObjectStore("visits", { keyPath: "id" });
          if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
        };
        req.onsuccess = () => {
          const db = req.result;
          db.onversionchange = () => { db.close(); dbPromise = null; };
          resolve(db);
        };
        req.onerror = () => { dbPromise = null; reject(req.error); };
      });
    }
    return dbPromise;
  }

  async function run(storeName, mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const store = tx.objectStore(storeName);
      let result;
      const req = fn(store);
      if (req) req.onsuccess = () => { result = req.result; };
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const getAll = (name) => run(name, "readonly", (s) => s.getAll());
  const get = (name, key) => run(name, "readonly", (s) => s.get(key));
  const put = (name, value) => run(name, "readwrite", (s) => s.put(value));
  const remove = (name, key) => run(name, "readwrite", (s) => s.delete(key));
  const clear = (name) => run(name, "readwrite", (s) => s.clear());

  async function replaceHouseholds(households) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("households", "readwrite");
      const store = tx.objectStore("households");
      store.clear();
      for (const h of households) store.put(h);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }

  async function getMeta(key) {
    const row = await get("meta", key);
    return row ? row.value : undefined;
  }
  const setMeta = (key, value) => put("meta", { key, value });

  // --- token -------------------------------------------------------------------------------
  function savedToken() {
    try { return JSON.parse(localStorage.getItem(TOKEN_KEY) || "null"); } catch (e) { return null; }
  }
  function saveToken(data) { localStorage.setItem(TOKEN_KEY, JSON.stringify(data)); }
  function dropToken() { localStorage.removeItem(TOKEN_KEY); }

  // --- language ------------------------------------------------------------------------------
  // The signed-in account's language (as shown on the app's own pages) wins; the page's own
  // choice (LANG_KEY) and the browser's language only apply while nobody is signed in.
  const short = (value) => (String(value || "").toLowerCase().startsWith("zh") ? "zh" : "en");
  function accountLang() {
    const saved = localStorage.getItem(ACCOUNT_LANG_KEY);
    return saved === "zh" || saved === "en" ? saved : null;
  }
  function lang() {
    const account = accountLang();
    if (account) return account;
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === "zh" || saved === "en") return saved;
    return short(navigator.language || "zh");
  }
  function setLang(value) { localStorage.setItem(LANG_KEY, value); }
  function followAccountLang(value) { if (value) localStorage.setItem(ACCOUNT_LANG_KEY, short(value)); }
  const acceptLanguage = () => (lang() === "zh" ? "zh-CN" : "en");

  // Outcome of asking the server: {ok, status, body} or {ok: false, status: 0} without a network.
  async function request(method, url, { token, body, type } = {}) {
    const headers = { "Accept": "application/json", "Accept-Language": acceptLanguage() };
    if (token) headers["Authorization"] = "Bearer " + token;
    if (type) headers["Content-Type"] = type;
    let res;
    try {
      res = await fetch(url, { method, headers, body, credentials: "same-origin", cache: "no-store" });
    } catch (err) {
      return { ok: false, status: 0, body: null };
    }
    let data = null;
    try { data = await res.json(); } catch (err) { data = null; }
    return { ok: res.ok, status: res.status, body: data };
  }

  // A token for the signed-in account. Asks the server (session cookie, same origin) unless a
  // saved token is fresh and `force` is false. Returns {token, expires_at, user}, null when
  // signed out (the token and the cached households are then forgotten), or the saved token
  // (possibly stale) when there is no network.
  async function ensureToken(force) {
    const saved = savedToken();
    const fresh = saved && Date.parse(saved.expires_at) - Date.now() > 3600 * 1000;
    if (fresh && !force) return saved;
    const res = await request("POST", "/api/v1/session-token", { token: saved && fresh ? saved.token : null });
    if (res.ok && res.body && res.body.token) {
      saveToken(res.body);
      if (res.body.user) followAccountLang(res.body.user.language);
      return res.body;
    }
    if (res.status === 401 || res.status === 403) {
      await forgetAccount();
      return null;
    }
    return saved; // offline or server trouble: keep what we have
  }

  // Refresh the token and the households the member may visit (at most every maxAgeMs).
  async function refreshAccount(maxAgeMs) {
    const last = await getMeta("refreshed_at");
    if (maxAgeMs && last && Date.now() - last < maxAgeMs && savedToken()) return savedToken();
    const account = await ensureToken(true);
    if (!account) return null;
    const res = await request("GET", "/api/v1/me/households", { token: account.token });
    if (res.ok && res.body) {
      await replaceHouseholds(res.body.households);
      await setMeta("account", res.body.user);
      await setMeta("refreshed_at", Date.now());
    } else if (res.status === 401) {
      dropToken();
    }
    return account;
  }

  // Sign-out: the token and the households go; visits not yet sent stay (they are the
  // member's work and are sent after the next sign-in).
  async function forgetAccount() {
    dropToken();
    localStorage.removeItem(ACCOUNT_LANG_KEY);
    try {
      await clear("households");
      await remove("meta", "account");
      await remove("meta", "refreshed_at");
    } catch (err) { /* no IndexedDB (private mode): nothing was cached */ }
  }

  function unsent(visits) {
    const queued = visits.filter((v) => v.status === "queued");
    const rejected = visits.filter((v) => v.status === "rejected");
    const photos = queued.reduce((n, v) => n + (v.photos || []).filter((p) => !p.sent).length, 0);
    return { visits: queued.length, photos, rejected: rejected.length };
  }

  async function unsentCounts() {
    try { return unsent(await getAll("visits")); } catch (err) { return { visits: 0, photos: 0, rejected: 0 }; }
  }

  window.DoorstepStore = {
    openDb, getAll, get, put, remove, clear, getMeta, setMeta, replaceHouseholds,
    savedToken, saveToken, dropToken, ensureToken, refreshAccount, forgetAccount,
    lang, setLang, accountLang, followAccountLang, acceptLanguage, request, unsent, unsentCounts,
  };
})();
