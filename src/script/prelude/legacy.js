// legacy.js: Postman's legacy sandbox interface: the `postman` object (setters that store
// text, getResponseHeader/Cookie, setNextRequest) and the legacy globals (`tests`,
// `responseBody`, `request`, `environment`, ...), read from the run in progress.

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
        var legacy = run.legacy;
        if (!own(legacy, name)) legacy[name] = legacyGetters[name]();
        return legacy[name];
      },
      set: function (value) { if (run) run.legacy[name] = value; },
      configurable: true
    });
  });
}
