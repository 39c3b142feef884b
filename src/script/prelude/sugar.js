// sugar.js: SugarJS 1.x, which Postman's sandbox runs before every script and legacy scripts
// lean on (`responseBody.has('token')`, `'a b'.words()`, `[1, 2].sum()`, `Date.create()`).
// Running it costs an engine about 14 ms, so each name it adds to a built-in (listed by
// build.rs, which runs Sugar on this QuickJS) first holds a stand-in: calling or reading one
// takes the stand-ins away, runs the vendored Sugar, and answers with Sugar's own.

var sugarLoaded = false;

// Built-ins Sugar 1.4.1 replaces but the build in Newman's sandbox leaves native (checked
// against Newman 6.2.2): put back once Sugar has run.
var SUGAR_KEEPS_NATIVE = [['Object', 'values'], ['Array.prototype', 'at'], ['Array.prototype', 'find'],
  ['Array.prototype', 'findIndex'], ['String.prototype', 'at']];

// Built-ins Sugar enhances, and when a call needs Sugar's version: a call the native method
// answers alike goes to it, before and after Sugar has run, and any other goes to Sugar's
// (`[{ a: 1 }].map('a')`, `Object.keys(o, fn)`, `'Hello'.startsWith('hel', 0, false)`).
// `Object.keys` with a second argument that is no function (`list.map(Object.keys)`) is
// native, as with the Sugar build in Newman's sandbox.
var SUGAR_ENHANCES = {
  'Array.prototype': {
    map: nativeTakesFunction, filter: nativeTakesFunction, every: nativeTakesFunction, some: nativeTakesFunction
  },
  Object: { keys: function (args) { return args.length < 2 || typeof args[1] !== 'function'; } },
  'String.prototype': { startsWith: nativeTakesText, endsWith: nativeTakesText }
};

function nativeTakesFunction(args) { return typeof args[0] === 'function'; }
function nativeTakesText(args) { return args.length < 3 && !(args[0] instanceof RegExp); }
var sugarNatives = [];

function sugarTarget(path) {
  var parts = path.split('.'), target = G[parts[0]];
  return parts.length > 1 ? target[parts[1]] : target;
}

function loadSugar() {
  if (sugarLoaded) return;
  sugarLoaded = true;
  // A script's own definition stays, as it replaced Sugar's in Postman's sandbox.
  var own = [];
  eachSugarName(function (target, name, isMethod) {
    var descriptor = Object.getOwnPropertyDescriptor(target, name);
    if (!descriptor) return;
    var standIn = isMethod ? descriptor.value : descriptor.get;
    if (standIn && standIn.sugarStandIn) delete target[name];
    else own.push([target, name, descriptor]);
  });
  // Sugar builds its versions over the natives; the stand-ins then stay, and dispatch.
  var standIns = [];
  Object.keys(SUGAR_ENHANCES).forEach(function (path) {
    var target = sugarTarget(path);
    Object.keys(SUGAR_ENHANCES[path]).forEach(function (name) {
      if (!(target[name] && target[name].sugarStandIn)) return;
      standIns.push([target, name, target[name]]);
      target[name] = target[name].sugarNative;
    });
  });
  vendorModule('sugar');
  standIns.forEach(function (s) {
    s[2].sugarVersion = s[0][s[1]];
    s[0][s[1]] = s[2];
  });
  sugarNatives.concat(own).forEach(function (kept) { Object.defineProperty(kept[0], kept[1], kept[2]); });
}

function eachSugarName(visit) {
  [[SUGAR_METHODS, true], [SUGAR_VALUES, false]].forEach(function (table) {
    Object.keys(table[0]).forEach(function (path) {
      var target = sugarTarget(path), onPrototype = isPrototypePath(path);
      table[0][path].forEach(function (name) { visit(target, name, table[1], onPrototype); });
    });
  });
}

function isPrototypePath(path) { return path.slice(-10) === '.prototype'; }

function installSugarStandIns() {
  SUGAR_KEEPS_NATIVE.forEach(function (entry) {
    var target = sugarTarget(entry[0]);
    sugarNatives.push([target, entry[1], Object.getOwnPropertyDescriptor(target, entry[1])]);
  });
  Object.keys(SUGAR_ENHANCES).forEach(function (path) {
    var target = sugarTarget(path), table = SUGAR_ENHANCES[path], onPrototype = isPrototypePath(path);
    Object.keys(table).forEach(function (name) {
      var native = target[name], nativeAnswers = table[name];
      var standIn = function () {
        if (nativeAnswers(arguments)) return native.apply(this, arguments);
        loadSugar();
        return standIn.sugarVersion.apply(onPrototype ? this : target, arguments);
      };
      Object.defineProperty(standIn, 'sugarStandIn', { value: true });
      Object.defineProperty(standIn, 'sugarNative', { value: native });
      Object.defineProperty(standIn, 'sugarVersion', { value: native, writable: true });
      Object.defineProperty(standIn, 'name', { value: name });
      Object.defineProperty(standIn, 'length', { value: native.length });
      Object.defineProperty(target, name, { value: standIn, writable: true, configurable: true, enumerable: false });
    });
  });
  eachSugarName(function (target, name, isMethod, onPrototype) {
    if (isMethod) {
      // A static method (`Date.create`) is often handed over as a callback
      // (`list.map(Date.create)`): it is called on its constructor, whatever `this` is.
      var standIn = function () {
        loadSugar();
        return onPrototype ? this[name].apply(this, arguments) : target[name].apply(target, arguments);
      };
      Object.defineProperty(standIn, 'sugarStandIn', { value: true });
      Object.defineProperty(target, name, { value: standIn, writable: true, configurable: true, enumerable: false });
      return;
    }
    var getter = function () { loadSugar(); return target[name]; };
    Object.defineProperty(getter, 'sugarStandIn', { value: true });
    Object.defineProperty(target, name, {
      get: getter,
      set: function (value) {
        Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true,
      enumerable: false
    });
  });
}
