// lazy.js: the value printing of inspect.js, loaded on first use (see build.rs). Passing
// scripts never print a value, so most engines never pay for reading it.

var inspectChunk = null;

function inspectFunctions() {
  if (inspectChunk === null) inspectChunk = native.loadChunk('inspect')(preludeClass);
  return inspectChunk;
}

function chaiInspect(value) { return inspectFunctions().chaiInspect(value); }
function objDisplay(obj) { return inspectFunctions().objDisplay(obj); }
function formatArgs(args) { return inspectFunctions().formatArgs(args); }

// The vendored libraries (src/script/vendor/), each evaluated on its first `require` and then
// shared by the engine's later scripts, as Node and Postman's sandbox cache their modules.
// A library that throws while loading is not cached, so the next `require` reports it again.
var vendorModules = Object.create(null);
var vendorLoading = 0;

function vendorModule(name) {
  if (!(name in vendorModules)) {
    var module = { exports: {} };
    vendorLoading++;
    try {
      // Bundles fall back on `this` for the global object; chunks are strict, so pass it.
      native.loadChunk(name).call(globalThis, module, module.exports, requireModule);
    } finally {
      vendorLoading--;
    }
    vendorModules[name] = module.exports;
  }
  return vendorModules[name];
}
