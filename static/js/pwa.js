// On every NiceGUI page: register the service worker, keep the offline page's token and
// household cache fresh, and show a banner while visits logged offline are still on the phone.
(function () {
  "use strict";
  const TEXT = {
    zh: { waiting: (n) => `有 ${n} 次走访尚未发送`, open: "打开离线走访" },
    en: { waiting: (n) => `${n} visit${n === 1 ? "" : "s"} not sent yet`, open: "Open offline visits" },
  };

  // None of this is needed to use the page: it waits until the page is loaded and NiceGUI's
  // socket is connected (at most 5 s), so on a slow phone it does not compete with the page's
  // own scripts and socket for the network and the CPU.
  function afterInteractive(start) {
    const deadline = Date.now() + 5000;
    const poll = () => ((window.socket && window.socket.connected) || Date.now() > deadline
      ? start() : setTimeout(poll, 100));
    if (document.readyState === "complete") poll();
    else window.addEventListener("load", poll, { once: true });
  }
  // The page frame says which language this page is shown in: the banner here and the offline
  // page follow it (static/js/doorstep-store.js), whatever was chosen on the offline page.
  const shown = document.querySelector('meta[name="doorstep-lang"]');
  if (shown && document.querySelector('meta[name="doorstep-signed-in"]') && window.DoorstepStore) {
    window.DoorstepStore.followAccountLang(shown.content);
  }
  placeConnectionBox();
  afterInteractive(main);

  // NiceGUI's "connection lost" box is fixed at the bottom of the screen, over the form's buttons.
  // The page frame has room for it in the header (Quasar pads the page by the header's height).
  // At once, not after the socket connects: a phone can lose the connection in its first second.
  // The frame is drawn by Vue (and, on a page that reads its data first, may come over the socket),
  // so wait for the slot if it is not there yet.
  function placeConnectionBox() {
    const place = () => {
      const box = document.getElementById("popup");
      const slot = document.querySelector(".ds-connection-slot");
      if (!box || !slot) return false;
      if (box.parentElement !== slot) slot.appendChild(box);
      return true;
    };
    if (place()) return;
    const watcher = new MutationObserver(() => { if (place()) watcher.disconnect(); });
    watcher.observe(document.documentElement, { childList: true, subtree: true });
  }

  function main() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
  const store = window.DoorstepStore;
  if (!store) return;

  async function showBanner() {
    const counts = await store.unsentCounts();
    const total = counts.visits + counts.rejected;
    let banner = document.getElementById("ds-unsent-banner");
    if (!total) { if (banner) banner.remove(); return; }
    const t = TEXT[store.lang()];
    if (!banner) {
      banner = document.createElement("a");
      banner.id = "ds-unsent-banner";
      banner.href = "/offline";
      banner.setAttribute("role", "status");
      // In the page flow at the top of the content (the frame's slot), never over a form's controls.
      banner.style.cssText = "display:flex;align-items:center;justify-content:space-between;gap:12px;" +
        "min-height:44px;box-sizing:border-box;width:100%;background:#f9a825;color:#1a1a1a;" +
        "padding:10px 16px;border-radius:8px;font:500 15px/1.3 sans-serif;text-decoration:none";
      const slot = document.querySelector(".ds-status-slot");
      if (slot) slot.appendChild(banner);
      else document.body.appendChild(banner);
    }
    banner.innerHTML = "";
    const label = document.createElement("span");
    label.textContent = t.waiting(total);
    const link = document.createElement("span");
    link.textContent = t.open + " ›";
    link.style.textDecoration = "underline";
    banner.append(label, link);
  }

  // The page frame marks pages shown to a signed-in user; public pages (sign-in, the public
  // request form, registration) must not ask for a token and log a 401.
  const signedIn = !!document.querySelector('meta[name="doorstep-signed-in"]');
  const refresh = !signedIn || !navigator.onLine
    ? Promise.resolve()
    : store.refreshAccount(10 * 60 * 1000).catch(() => {});
  refresh.finally(showBanner);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) showBanner(); });
  }
})();
