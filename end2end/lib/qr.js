// Independent checks of what the page shows: jsQR decodes the QR from pixels, and
// vietnam-qr-pay (a VietQR parser nobody on the team wrote) reads the payload.
const jsQR = require('jsqr');
const { PNG } = require('pngjs');
const { QRPay } = require('vietnam-qr-pay');

function decodePng(buffer) {
  const png = PNG.sync.read(buffer);
  const result = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!result) throw new Error('no QR code found in the image');
  return result.data;
}

function parseVietQr(payload) {
  const qr = new QRPay(payload);
  if (!qr.isValid) throw new Error(`not a valid VietQR: ${payload}`);
  return qr;
}

module.exports = { decodePng, parseVietQr };
