// Reads an image's width and height from its header, without decoding a pixel: a 20000x20000
// image would otherwise be decoded by the phone (it can crash the tab) before it is shrunk.
// Knows JPEG, PNG, GIF and WebP; answers null for anything else (the server checks those).
(function () {
  const HEAD_BYTES = 256 * 1024; // JPEG's frame header may follow up to 64 KB of EXIF and more

  function jpegSize(v) {
    let i = 2;
    while (i + 9 < v.byteLength) {
      if (v.getUint8(i) !== 0xff) { i += 1; continue; }
      const marker = v.getUint8(i + 1);
      if (marker === 0xff) { i += 1; continue; } // fill byte
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
      const length = v.getUint16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): height, then width.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: v.getUint16(i + 7), height: v.getUint16(i + 5) };
      }
      if (marker === 0xda) return null; // image data began without a frame header
      i += 2 + length;
    }
    return null;
  }

  function webpSize(v) {
    const chunk = String.fromCharCode(v.getUint8(12), v.getUint8(13), v.getUint8(14), v.getUint8(15));
    if (chunk === "VP8X") {
      const w = 1 + (v.getUint8(24) | (v.getUint8(25) << 8) | (v.getUint8(26) << 16));
      const h = 1 + (v.getUint8(27) | (v.getUint8(28) << 8) | (v.getUint8(29) << 16));
      return { width: w, height: h };
    }
    if (chunk === "VP8L") {
      const b = v.getUint32(21, true);
      return { width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
    }
    if (chunk === "VP8 ") return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
    return null;
  }

  function sizeOf(buffer) {
    const v = new DataView(buffer);
    const n = v.byteLength;
    if (n > 4 && v.getUint16(0) === 0xffd8) return jpegSize(v);
    if (n > 24 && v.getUint32(0) === 0x89504e47 && v.getUint32(4) === 0x0d0a1a0a) {
      return { width: v.getUint32(16), height: v.getUint32(20) };
    }
    if (n > 10 && v.getUint32(0) === 0x47494638) return { width: v.getUint16(6, true), height: v.getUint16(8, true) };
    if (n > 30 && v.getUint32(0) === 0x52494646 && v.getUint32(8) === 0x57454250) return webpSize(v);
    return null;
  }

  window.DoorstepImageSize = {
    // The server's default limit (DOORSTEP_MAX_IMAGE_PIXELS); pages pass the configured one.
    DEFAULT_MAX_PIXELS: 40000000,
    read: async function (file) {
      try {
        return sizeOf(await file.slice(0, HEAD_BYTES).arrayBuffer());
      } catch (err) {
        return null;
      }
    },
    // {width, height} when the header says the image has more pixels than allowed, else null.
    tooLarge: async function (file, maxPixels) {
      const size = await this.read(file);
      const limit = maxPixels || this.DEFAULT_MAX_PIXELS;
      return size && size.width * size.height > limit ? size : null;
    },
  };
})();
