// Shrinks a photo in the browser before it is sent: the visit form (static/js/photos.js) and the
// offline page (static/offline.js) both use this one copy. A 4 MB phone photo leaves as a few
// hundred KB, upright (EXIF orientation applied), and drawing to a canvas drops every EXIF field,
// GPS included. An image whose header says it has more pixels than the server takes is refused
// before it is decoded (static/js/image-size.js, loaded first): decoding it can crash the tab.
(function () {
  "use strict";
  const LONG_SIDE = 1600;
  const QUALITY = 0.85;
  // What the server converts although most browsers cannot decode it (HEIC from iPhones, on Android).
  const SERVER_FORMATS = /\.(heic|heif|avif)$/i;

  // An upright decoded image, or null. createImageBitmap first; an <img> where it is missing or
  // refuses the options (older Safari) or the format: an <img> is drawn upright too.
  async function decode(file) {
    if (window.createImageBitmap) {
      try {
        return { image: await createImageBitmap(file, { imageOrientation: "from-image" }), done() {} };
      } catch (err) { /* try an <img> */ }
    }
    const url = URL.createObjectURL(file);
    const img = new Image();
    try {
      img.src = url;
      await img.decode();
      return { image: img, done: () => URL.revokeObjectURL(url) };
    } catch (err) {
      URL.revokeObjectURL(url);
      return null;
    }
  }

  function jpegName(name) {
    return (name || "photo").replace(/\.[^.]+$/, "") + ".jpg";
  }

  // The photo re-encoded as a JPEG File (long side at most 1600 px), the file itself when this
  // browser cannot decode it but the server may (a HEIC photo), or null when it is no photo.
  async function shrink(file) {
    if (file.type === "image/svg+xml") return null; // a drawing, not a photo
    const decoded = await decode(file);
    if (!decoded) return (file.type && file.type.startsWith("image/")) || SERVER_FORMATS.test(file.name) ? file : null;
    const { image } = decoded;
    try {
      const width = image.naturalWidth || image.width;
      const height = image.naturalHeight || image.height;
      const scale = Math.min(1, LONG_SIDE / Math.max(width, height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
      return blob ? new File([blob], jpegName(file.name), { type: "image/jpeg" }) : file;
    } finally {
      if (image.close) image.close();
      decoded.done();
    }
  }

  window.DoorstepShrink = {
    LONG_SIDE,
    QUALITY,
    shrink,
    // {tooLarge: {width, height}} when the header says it has more pixels than maxPixels (never
    // decoded); otherwise {file}: what shrink() makes of it (null: not a photo).
    prepare: async function (file, maxPixels) {
      const big = window.DoorstepImageSize ? await window.DoorstepImageSize.tooLarge(file, maxPixels) : null;
      return big ? { tooLarge: big } : { file: await shrink(file) };
    },
  };
})();
