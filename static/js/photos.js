// Shrinks photos in the browser before upload: a 4 MB phone photo leaves as a few hundred KB.
// Drawing to a canvas also drops every EXIF field (GPS included). Files the browser cannot
// decode (HEIC on most Android browsers) are sent as they are; the server converts them.
// An image whose header says it has more pixels than the server takes is refused before it is
// decoded (static/js/image-size.js): the page shows the server's own message.
(function () {
  const LONG_SIDE = 1600;
  const QUALITY = 0.85;

  async function shrink(file) {
    if (!file.type.startsWith("image/") || file.type === "image/svg+xml") return file;
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close && bitmap.close();
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
      if (!blob) return file;
      const name = file.name.replace(/\.[^.]+$/, "") + ".jpg";
      return new File([blob], name, { type: "image/jpeg" });
    } catch (err) {
      return file;
    }
  }

  window.doorstepSendPhotos = async function (input, url, maxPixels) {
    const files = Array.from(input.files || []);
    input.value = "";
    for (const file of files) {
      const big = window.DoorstepImageSize ? await window.DoorstepImageSize.tooLarge(file, maxPixels) : null;
      if (big) {
        if (window.emitEvent) emitEvent("photo_too_large", { name: file.name, width: big.width, height: big.height });
        continue;
      }
      const small = await shrink(file);
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
