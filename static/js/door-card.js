// "Scan door card": read the QR code on a household's door card with the phone's camera.
// The browser's BarcodeDetector where it has one; otherwise jsQR (static/vendor/jsqr), loaded
// only when needed. Used by the NiceGUI visit form and by the offline page; the server checks
// the code. DoorCard.scan() always resolves: {code} or {error: "denied"|"unsupported"|
// "cancelled"|"timeout"}, because a rejected promise reaches NiceGUI only as a timeout.
(function () {
  "use strict";
  const JSQR_URL = (document.currentScript && document.currentScript.dataset.jsqr) || "/static/vendor/jsqr/jsQR.js";
  const FRAME_MS = 150;
  let jsqrLoading = null;

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    jsqrLoading = jsqrLoading || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = JSQR_URL;
      script.onload = () => resolve(window.jsQR);
      script.onerror = () => { jsqrLoading = null; reject(new Error("jsQR")); };
      document.head.appendChild(script);
    });
    return jsqrLoading;
  }

  async function makeReader() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async (video) => {
            const found = await detector.detect(video);
            return found.length ? found[0].rawValue : null;
          };
        }
      } catch (e) { /* fall through to jsQR */ }
    }
    const jsQR = await loadJsQR();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async (video) => {
      const w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) return null;
      const scale = Math.min(1, 800 / Math.max(w, h)); // enough pixels for a card held at the door
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
      return found ? found.data : null;
    };
  }

  // container: the element to show the camera in; cancelLabel: text of the cancel button.
  async function scan(container, cancelLabel, timeoutMs) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return { error: "unsupported" };
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      return { error: e && e.name === "NotAllowedError" ? "denied" : "unsupported" };
    }
    const box = document.createElement("div");
    box.className = "door-card-scan";
    box.style.cssText = "display:flex;flex-direction:column;gap:8px;width:100%";
    const video = document.createElement("video");
    video.setAttribute("playsinline", "");
    video.muted = true;
    video.style.cssText = "width:100%;max-height:50vh;background:#000;border-radius:6px;object-fit:cover";
    video.dataset.testid = "door-card-video";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = cancelLabel || "Cancel";
    cancel.style.cssText = "min-height:44px;min-width:44px;font:inherit;border-radius:6px;border:1px solid #b71c1c;"
      + "background:#fff;color:#b71c1c;padding:8px 14px";
    box.append(video, cancel);
    container.replaceChildren(box);
    let done = false;
    const finish = (result) => {
      if (done) return result;
      done = true;
      stream.getTracks().forEach((track) => track.stop());
      box.remove();
      return result;
    };
    return new Promise((resolve) => {
      cancel.addEventListener("click", () => resolve(finish({ error: "cancelled" })));
      setTimeout(() => resolve(finish({ error: "timeout" })), timeoutMs || 60000);
      video.srcObject = stream;
      video.play().catch(() => {});
      makeReader().then((read) => {
        const tick = async () => {
          if (done) return;
          try {
            const code = video.readyState >= 2 ? await read(video) : null;
            if (code) { resolve(finish({ code })); return; }
          } catch (e) { /* a frame that cannot be read: try the next */ }
          setTimeout(tick, FRAME_MS);
        };
        tick();
      }, () => resolve(finish({ error: "unsupported" })));
    });
  }

  window.DoorCard = { scan };

  // The offline page: a button, a status line and a hidden field that offline.js keeps with the draft.
  const TEXT = {
    zh: { scan: "扫描入户卡", cancel: "取消", scanned: "已扫描入户卡，发送时由服务器核对。",
          denied: "无法使用相机（未授权）。", unsupported: "这部手机无法用相机扫码。", timeout: "没有读到入户卡，请重试。",
          remove: "移除" },
    en: { scan: "Scan door card", cancel: "Cancel", scanned: "Door card scanned; the server checks it when the visit is sent.",
          denied: "The camera is not allowed.", unsupported: "This phone cannot scan codes with its camera.",
          timeout: "No door card was read. Try again.", remove: "Remove" },
  };
  function offlinePage() {
    const button = document.getElementById("scan-door-card");
    const field = document.getElementById("door-card-code");
    const status = document.getElementById("door-card-status");
    const view = document.getElementById("door-card-view");
    if (!button || !field || !status || !view) return;
    const lang = () => (window.DoorstepStore && window.DoorstepStore.lang() === "en" ? "en" : "zh");
    const t = (key) => TEXT[lang()][key];
    const show = () => {
      button.textContent = t("scan");
      status.textContent = field.value ? t("scanned") : "";
    };
    const set = (value) => {
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      show();
    };
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = "";
      const result = await scan(view, t("cancel"));
      button.disabled = false;
      if (result.code) set(result.code);
      else if (result.error !== "cancelled") status.textContent = t(result.error);
    });
    field.addEventListener("door-card-shown", show);
    document.getElementById("lang")?.addEventListener("click", () => setTimeout(show, 0));
    show();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", offlinePage);
  else offlinePage();
})();
