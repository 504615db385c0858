// Sends photos picked in a NiceGUI form (pages/photo_picker.py) to its upload endpoint, each one
// shrunk first by static/js/shrink.js (loaded before this file). An image refused from its header
// never leaves the phone: the page shows the server's own message. A file this browser cannot
// read is sent as it is, so the server converts it (HEIC) or says why it cannot.
(function () {
  window.doorstepSendPhotos = async function (input, url, maxPixels) {
    const files = Array.from(input.files || []);
    input.value = "";
    for (const file of files) {
      const prepared = await window.DoorstepShrink.prepare(file, maxPixels);
      if (prepared.tooLarge) {
        const big = prepared.tooLarge;
        if (window.emitEvent) emitEvent("photo_too_large", { name: file.name, width: big.width, height: big.height });
        continue;
      }
      const small = prepared.file || file;
      const form = new FormData();
      form.append("file", small, small.name);
      let status = 0;
      let retryAfter = 0;
      try {
        const response = await fetch((window.path_prefix || "") + url, {
          method: "POST", body: form, credentials: "same-origin",
        });
        status = response.status;
        retryAfter = Number(response.headers.get("Retry-After")) || 0;
      } catch (err) {
        status = 0; // no connection
      }
      if (status !== 200 && window.emitEvent) {
        emitEvent("photo_upload_failed", { name: file.name, status, retry_after: retryAfter });
      }
    }
  };
})();
