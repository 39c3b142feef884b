// crypto.js: atob/btoa, uuid, and `require` for the modules postie provides. CryptoJS is the
// vendored crypto-js 3.3.0 (a lazy global, see runtime.js), as in Postman's sandbox.

function atob(text) { return native.atob(String(text)); }
function btoa(text) { return native.btoa(String(text)); }

var uuidModule = function () { return native.uuid(); };
uuidModule.v4 = uuidModule;

function requireModule(name) {
  if (Object.prototype.hasOwnProperty.call(REQUIRABLE_VENDOR, name)) return vendorModule(name);
  switch (name) {
    case 'atob': return atob;
    case 'btoa': return btoa;
    case 'uuid': return uuidModule;
    case 'buffer': return bufferModule;
    case 'chai': return { expect: expect, Assertion: Assertion, AssertionError: AssertionError };
    // Postman's sandbox has no file system: `fs` is an empty module there.
    case 'fs': return {};
  }
  var error = new Error("Cannot find module '" + name + "'");
  error.code = 'MODULE_NOT_FOUND';
  throw error;
}
