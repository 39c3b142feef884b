// lazy.js: the value printing of inspect.js, loaded on first use (see build.rs). Passing
// scripts never print a value, so most engines never pay for reading it.

var inspectChunk = null;

function inspectFunctions() {
  if (inspectChunk === null) inspectChunk = native.loadInspect()(preludeClass);
  return inspectChunk;
}

function chaiInspect(value) { return inspectFunctions().chaiInspect(value); }
function objDisplay(obj) { return inspectFunctions().objDisplay(obj); }
function formatArgs(args) { return inspectFunctions().formatArgs(args); }
