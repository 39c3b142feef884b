// crypto.js: the crypto-js subset (hashes, HMACs, Hex/Base64/Utf8/Latin1 encoders) over
// Rust digests, plus atob/btoa, uuid and `require` for the modules postie provides.

class WordArray {
  constructor(hex) { this._hex = hex; }
  get sigBytes() { return this._hex.length / 2; }
  get words() {
    var words = [];
    for (var i = 0; i < this._hex.length; i += 8) {
      var chunk = (this._hex.slice(i, i + 8) + '00000000').slice(0, 8);
      words.push(parseInt(chunk, 16) | 0);
    }
    return words;
  }
  toString(encoder) { return (encoder || Hex).stringify(this); }
  concat(other) { this._hex += toWordArray(other)._hex; return this; }
  clone() { return new WordArray(this._hex); }
}

function wordArrayFromWords(words, sigBytes) {
  words = words || [];
  var hex = '';
  for (var i = 0; i < words.length; i++) hex += ('00000000' + (words[i] >>> 0).toString(16)).slice(-8);
  if (sigBytes === undefined) sigBytes = words.length * 4;
  return new WordArray(hex.slice(0, sigBytes * 2));
}

var Hex = {
  stringify: function (wa) { return wa._hex; },
  parse: function (text) { return new WordArray(native.hexNormalize(String(text))); }
};
var Base64 = {
  stringify: function (wa) { return native.hexToBase64(wa._hex); },
  parse: function (text) { return new WordArray(native.base64ToHex(String(text))); }
};
var Utf8 = {
  stringify: function (wa) { return native.hexToUtf8(wa._hex); },
  parse: function (text) { return new WordArray(native.utf8ToHex(String(text))); }
};
var Latin1 = {
  stringify: function (wa) { return native.hexToLatin1(wa._hex); },
  parse: function (text) { return new WordArray(native.latin1ToHex(String(text))); }
};

function toWordArray(value) {
  if (value instanceof WordArray) return value;
  if (value && Array.isArray(value.words)) return wordArrayFromWords(value.words, value.sigBytes);
  return Utf8.parse(value === undefined ? '' : value);
}

var CryptoJS = {
  enc: { Hex: Hex, Base64: Base64, Utf8: Utf8, Latin1: Latin1 },
  lib: {
    WordArray: {
      create: wordArrayFromWords,
      random: function (n) {
        var hex = '';
        for (var i = 0; i < n; i++) hex += ('0' + Math.floor(Math.random() * 256).toString(16)).slice(-2);
        return new WordArray(hex);
      }
    }
  }
};
['MD5', 'SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'].forEach(function (alg) {
  CryptoJS[alg] = function (message) { return new WordArray(native.digestHex(alg, toWordArray(message)._hex)); };
  CryptoJS['Hmac' + alg] = function (message, key) {
    return new WordArray(native.hmacHex(alg, toWordArray(key)._hex, toWordArray(message)._hex));
  };
});
['AES', 'DES', 'TripleDES', 'Rabbit', 'RC4', 'PBKDF2', 'SHA3', 'RIPEMD160', 'HmacSHA3', 'HmacRIPEMD160', 'mode', 'pad']
  .forEach(function (name) {
    Object.defineProperty(CryptoJS, name, {
      get: function () { throw new Error('CryptoJS.' + name + ' is not supported by postie yet'); }
    });
  });
Object.defineProperty(CryptoJS.enc, 'Utf16', {
  get: function () { throw new Error('CryptoJS.enc.Utf16 is not supported by postie yet'); }
});

function atob(text) { return native.atob(String(text)); }
function btoa(text) { return native.btoa(String(text)); }

var uuidModule = function () { return native.uuid(); };
uuidModule.v4 = uuidModule;

function requireModule(name) {
  if (Object.prototype.hasOwnProperty.call(REQUIRABLE_VENDOR, name)) return vendorModule(name);
  switch (name) {
    case 'crypto-js': return CryptoJS;
    case 'atob': return atob;
    case 'btoa': return btoa;
    case 'uuid': return uuidModule;
    case 'buffer': return bufferModule;
    case 'chai': return { expect: expect, Assertion: Assertion, AssertionError: AssertionError };
  }
  throw new Error("module '" + name + "' is not supported by postie yet");
}
