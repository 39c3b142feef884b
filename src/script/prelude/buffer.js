// buffer.js: the `Buffer` global and `require('buffer')`, as Newman's sandbox has them (the
// browser `buffer` package: utf8, hex, base64, ascii, latin1/binary and utf16le encodings;
// no base64url). Scripts mostly decode JWTs and basic-auth values with it.

var BUFFER_ENCODINGS = ['utf8', 'utf-8', 'hex', 'base64', 'ascii', 'latin1', 'binary', 'ucs2', 'ucs-2', 'utf16le', 'utf-16le'];
var BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bufferEncoding(encoding) {
  var name = encoding === undefined || encoding === null ? 'utf8' : String(encoding).toLowerCase();
  if (BUFFER_ENCODINGS.indexOf(name) < 0) throw new TypeError('Unknown encoding: ' + encoding);
  if (name === 'utf-8') return 'utf8';
  if (name === 'binary') return 'latin1';
  if (name === 'ucs2' || name === 'ucs-2' || name === 'utf-16le') return 'utf16le';
  return name;
}

function utf8Bytes(text) {
  var out = [];
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      var d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function utf8Text(bytes) {
  var out = '';
  for (var i = 0; i < bytes.length;) {
    var b = bytes[i], need = b < 0x80 ? 0 : b >= 0xf8 ? -1 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : -1;
    var c = need === 0 ? b : need === 1 ? b & 31 : need === 2 ? b & 15 : b & 7;
    var ok = need >= 0 && i + need < bytes.length + (need === 0 ? 1 : 0);
    for (var k = 1; ok && k <= need; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) ok = false;
      else c = (c << 6) | (bytes[i + k] & 63);
    }
    // overlong forms, surrogates and values past U+10FFFF are not characters
    if (ok && ((need === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (need === 3 && (c < 0x10000 || c > 0x10ffff)))) ok = false;
    if (!ok) { out += '\ufffd'; i++; continue; }
    i += need + 1;
    if (c >= 0x10000) { c -= 0x10000; out += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023)); }
    else out += String.fromCharCode(c);
  }
  return out;
}

function base64Bytes(text) {
  var clean = String(text).split('=')[0].replace(/[^A-Za-z0-9+/\-_]/g, '');
  var out = [], bits = 0, value = 0;
  for (var i = 0; i < clean.length; i++) {
    var ch = clean[i] === '-' ? '+' : clean[i] === '_' ? '/' : clean[i];
    value = (value << 6) | BASE64_ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) { bits -= 8; out.push((value >> bits) & 255); }
  }
  return out;
}

function base64Text(bytes) {
  var out = '';
  for (var i = 0; i < bytes.length; i += 3) {
    var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
    out += BASE64_ALPHABET[(n >> 18) & 63] + BASE64_ALPHABET[(n >> 12) & 63] +
      (i + 1 < bytes.length ? BASE64_ALPHABET[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? BASE64_ALPHABET[n & 63] : '=');
  }
  return out;
}

function encodeText(text, encoding) {
  var out = [], i;
  switch (bufferEncoding(encoding)) {
    case 'utf8': return utf8Bytes(text);
    case 'base64': return base64Bytes(text);
    case 'hex':
      for (i = 0; i + 1 < text.length; i += 2) {
        var byte = parseInt(text.substr(i, 2), 16);
        if (isNaN(byte)) break;
        out.push(byte);
      }
      return out;
    case 'utf16le':
      for (i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 255, text.charCodeAt(i) >> 8);
      return out;
    default:
      for (i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 255);
      return out;
  }
}

function decodeBytes(bytes, encoding) {
  var out = '', i;
  switch (bufferEncoding(encoding)) {
    case 'utf8': return utf8Text(bytes);
    case 'base64': return base64Text(bytes);
    case 'hex':
      for (i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
      return out;
    case 'ascii':
      for (i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i] & 127);
      return out;
    case 'utf16le':
      for (i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
      return out;
    default:
      for (i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
      return out;
  }
}

function Buffer(value, encoding) {
  return Buffer.from(value, encoding);
}

function toBuffer(bytes) {
  var view = new Uint8Array(bytes);
  Object.setPrototypeOf(view, Buffer.prototype);
  return view;
}

Buffer.prototype = Object.create(Uint8Array.prototype, { constructor: { value: Buffer, writable: true, configurable: true } });
Buffer.prototype.toString = function (encoding, start, end) {
  var from = start === undefined ? 0 : Math.max(0, start | 0);
  var to = end === undefined ? this.length : Math.min(this.length, end | 0);
  return decodeBytes(Array.prototype.slice.call(this, from, to), encoding);
};
Buffer.prototype.toJSON = function () { return { type: 'Buffer', data: Array.prototype.slice.call(this) }; };
Buffer.prototype.equals = function (other) {
  if (!other || other.length !== this.length) return false;
  for (var i = 0; i < this.length; i++) if (this[i] !== other[i]) return false;
  return true;
};
Buffer.prototype.slice = Buffer.prototype.subarray = function (start, end) {
  return toBuffer(Array.prototype.slice.call(this, start, end));
};
Buffer.prototype.write = function (text, offset, length, encoding) {
  var bytes = encodeText(String(text), typeof offset === 'string' ? offset : encoding);
  var at = typeof offset === 'number' ? offset : 0;
  var n = Math.min(bytes.length, this.length - at, typeof length === 'number' ? length : Infinity);
  for (var i = 0; i < n; i++) this[at + i] = bytes[i];
  return n;
};

Buffer.from = function (value, encoding) {
  if (typeof value === 'string') return toBuffer(encodeText(value, encoding));
  if (value instanceof ArrayBuffer) return toBuffer(new Uint8Array(value));
  if (value && typeof value.length === 'number') return toBuffer(Array.prototype.slice.call(value));
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) return toBuffer(value.data);
  throw new TypeError('The first argument must be one of type string, Buffer, ArrayBuffer, Array, or Array-like Object. Received type ' + typeof value);
};
Buffer.alloc = function (size, fill, encoding) {
  var bytes = new Array(size | 0);
  var pattern = fill === undefined ? [0] : typeof fill === 'number' ? [fill & 255] : encodeText(String(fill), encoding);
  for (var i = 0; i < bytes.length; i++) bytes[i] = pattern.length ? pattern[i % pattern.length] : 0;
  return toBuffer(bytes);
};
Buffer.allocUnsafe = Buffer.allocUnsafeSlow = function (size) { return Buffer.alloc(size); };
Buffer.isBuffer = function (value) { return value instanceof Buffer; };
Buffer.isEncoding = function (encoding) {
  return typeof encoding === 'string' && BUFFER_ENCODINGS.indexOf(encoding.toLowerCase()) >= 0;
};
Buffer.byteLength = function (value, encoding) {
  return typeof value === 'string' ? encodeText(value, encoding).length : value.length;
};
Buffer.concat = function (list, total) {
  var bytes = [];
  for (var i = 0; i < list.length; i++) for (var k = 0; k < list[i].length; k++) bytes.push(list[i][k]);
  return toBuffer(total === undefined ? bytes : bytes.slice(0, total));
};
Buffer.compare = function (a, b) {
  for (var i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
};

var bufferModule = { Buffer: Buffer, kMaxLength: 0x7fffffff };
