// legacy.js: Postman's legacy sandbox interface: the `postman` object (setters that store
// text, getResponseHeader/Cookie, setNextRequest) and the legacy globals (`tests`,
// `responseBody`, `request`, `environment`, ...), read from the run in progress, and the
// deprecation warnings Newman prints when a script uses them.

// Newman 6.2.2 (postman-sandbox 4.7.1) warns, once per script and name, when a script reads,
// writes or calls a legacy global that holds an object or a function (`responseBody`, a
// string, never warns); `postman` warns under the name of its most used method.
var LEGACY_ALTERNATIVES = {
  tests: 'pm.test()', globals: 'pm.globals', environment: 'pm.environment', data: 'pm.iterationData',
  request: 'pm.request', responseCookies: 'pm.cookies', responseHeaders: 'pm.response.headers',
  responseTime: 'pm.response.responseTime', responseCode: 'pm.response.code', responseBody: 'pm.response.text()',
  iteration: 'pm.info.iteration', _: "require('lodash')", CryptoJS: "require('crypto-js')", atob: "require('atob')",
  btoa: "require('btoa')", tv4: "require('ajv')", xml2Json: "require('xml2js')", Backbone: "require('backbone')",
  cheerio: "require('cheerio')", 'postman.setNextRequest': 'pm.execution.setNextRequest()'
};

function warnLegacy(key) {
  if (!run) return;
  var warned = run.legacyWarned || (run.legacyWarned = Object.create(null));
  if (warned[key]) return;
  warned[key] = true;
  var alternative = LEGACY_ALTERNATIVES[key];
  postieConsole.warn(alternative ? 'Using "' + key + '" is deprecated. Use "' + alternative + '" instead.'
    : 'Using "' + key + '" is deprecated.');
}

// A legacy function that warns when called (`atob`, `xml2Json`); the `postman` object's
// methods warn the same way, under its name. Plain functions rather than proxies: globals
// that hold a proxy made every engine's memory grow run after run.
function legacyFunction(key, fn) {
  return function () {
    warnLegacy(key);
    return fn.apply(this, arguments);
  };
}

function legacyPostmanObject() {
  var out = {};
  Object.keys(legacyPostman).forEach(function (name) {
    out[name] = legacyFunction('postman.setNextRequest', legacyPostman[name]);
  });
  return out;
}

// `value` as a script sees it under the legacy name `key`: the same object or function,
// warning on use.
function legacyProxy(key, value) {
  if (!value || (typeof value !== 'object' && typeof value !== 'function')) return value;
  var readKey = key === 'postman' ? 'postman.setNextRequest' : key;
  return new Proxy(value, {
    get: function (target, prop) { warnLegacy(readKey); return target[prop]; },
    set: function (target, prop, v) { warnLegacy(key); target[prop] = v; return true; },
    apply: function (target, thisArg, args) { warnLegacy(key); return target.apply(thisArg, args); }
  });
}

// The legacy setters store a truthy value as its text (`1` → "1", `true` → "true", an
// object → "[object Object]") and keep a falsy one as it is (`0`, `''`, `false`, `null`,
// `undefined`), as postman-sandbox 4.7.1 (Newman 6.2.2) does.
function legacyValue(v) {
  return (v === false || v) && typeof (v && v.toString) === 'function' ? v.toString() : v;
}

var legacyPostman = {
  setEnvironmentVariable: function (k, v) { scope('environment').set(k, legacyValue(v)); },
  getEnvironmentVariable: function (k) { return scope('environment').get(k); },
  clearEnvironmentVariable: function (k) { scope('environment').unset(k); },
  clearEnvironmentVariables: function () { scope('environment').clear(); },
  setGlobalVariable: function (k, v) { scope('globals').set(k, legacyValue(v)); },
  getGlobalVariable: function (k) { return scope('globals').get(k); },
  clearGlobalVariable: function (k) { scope('globals').unset(k); },
  clearGlobalVariables: function () { scope('globals').clear(); },
  setNextRequest: function (name) { setNextRequest(name); },
  getResponseHeader: function (name) { var r = currentResponse(); return r ? r.headers.get(name) : undefined; },
  getResponseCookie: function (name) { return pm.cookies.one(name); }
};

// Legacy globals: accessors on the global object, computed once per script on first use
// (snapshots, as in Postman: writing to `environment` does not change the environment).
var legacyGetters = {
  tests: function () { return {}; },
  environment: function () { return scope('environment').toObject(); },
  globals: function () { return scope('globals').toObject(); },
  data: function () { return scope('data').toObject(); },
  iteration: function () { return run.meta.info.iteration; },
  request: function () {
    var request = currentRequest();
    return {
      id: run.meta.info.requestId, name: run.meta.info.requestName,
      description: request._description || undefined, method: request.method,
      url: request.url.toString(), headers: request.headers.toObject(false, true),
      data: legacyRequestData(request.body)
    };
  },
  responseBody: function () { var r = currentResponse(); return r ? r.text() : undefined; },
  responseCode: function () {
    var r = currentResponse();
    return r ? { code: r.code, name: r.status, detail: r.status } : undefined;
  },
  responseHeaders: function () { var r = currentResponse(); return r ? r.headers.toObject(false, true) : undefined; },
  responseTime: function () { var r = currentResponse(); return r ? r.responseTime : undefined; },
  responseCookies: function () { return currentResponse() ? pm.cookies.all() : undefined; }
};
// The legacy `request.data`: a raw body's text; a form's enabled parameters as an object,
// a key given twice or more holding an array (Postman's sandbox starts the array only when
// the key already holds a truthy value, so an empty first value is replaced instead); `{}`
// for an empty body or another mode.
function legacyRequestData(body) {
  if (!body || body.isEmpty()) return {};
  if (body.mode === 'raw') return body.raw === undefined || body.raw === null || body.raw === '' ? {} : body.raw;
  if (body.mode !== 'urlencoded' && body.mode !== 'formdata') return {};
  var data = {};
  body[body.mode].all().forEach(function (param) {
    if (param.disabled) return;
    var held = data[param.key];
    if (held) {
      if (Array.isArray(held)) held.push(param.value);
      else data[param.key] = [held, param.value];
    } else {
      data[param.key] = param.value;
    }
  });
  return data;
}

// Called by runtime.js once the global object's other names are in place.
function installLegacyGlobals() {
  Object.keys(legacyGetters).forEach(function (name) {
    Object.defineProperty(G, name, {
      get: function () {
        if (!run) return undefined;
        var legacy = run.legacy, shown = run.legacyShown || (run.legacyShown = {});
        if (!own(legacy, name)) {
          legacy[name] = legacyGetters[name]();
          shown[name] = legacyProxy(name, legacy[name]);
        }
        return shown[name];
      },
      set: function (value) {
        if (!run) return;
        run.legacy[name] = value;
        (run.legacyShown || (run.legacyShown = {}))[name] = value;
      },
      configurable: true
    });
  });
}
