// runtime.js: one run of scripts: builds `pm` and the legacy globals from the input,
// runs pm.test (sync, `done` callback, promises), timers, console capture, sendRequest,
// and hands the results back to Rust (a flat array, or JSON). Returns the internals
// object to Rust.

var G = globalThis;
var SCRIPT_FILE = 'postie-script';
var MAX_CONSOLE_LINES = 10000;
var run = null;
var timerSeq = 0;

function safeString(value) {
  try { return String(value); } catch (e) { return Object.prototype.toString.call(value); }
}

function userStack(err, header) {
  var frames = typeof err.stack === 'string' ? err.stack.split('\n').filter(function (line) {
    return line.indexOf(SCRIPT_FILE) !== -1;
  }) : [];
  return [header].concat(frames).join('\n');
}

function failureOf(err) {
  if (err !== null && typeof err === 'object' && typeof err.message === 'string') {
    var name = typeof err.name === 'string' && err.name ? err.name : 'Error';
    var message = name === 'TypeError' ? v8Message(err, err.message) : err.message;
    return { name: name, message: message, stack: userStack(err, name + ': ' + message) };
  }
  return { name: 'Error', message: safeString(err), stack: null };
}

function describeError(err) {
  var failure = failureOf(err);
  var line = null;
  if (err !== null && typeof err === 'object' && typeof err.stack === 'string') {
    var match = new RegExp(SCRIPT_FILE + ':(\\d+)').exec(err.stack);
    if (match) line = Number(match[1]);
  }
  return { name: failure.name, message: failure.message, line: line };
}

function recordError(origin, err) {
  var error = describeError(err);
  error.origin = origin;
  run.errors.push(error);
}

// ---- console ----

function consoleMethod(level) {
  return function () {
    if (!run || run.console.length >= MAX_CONSOLE_LINES) return;
    run.console.push({ level: level, text: formatArgs(Array.prototype.slice.call(arguments)) });
  };
}
var postieConsole = {
  log: consoleMethod('log'), info: consoleMethod('info'), warn: consoleMethod('warn'),
  error: consoleMethod('error'), debug: consoleMethod('debug'), trace: consoleMethod('debug')
};

// ---- timers: run by the Rust loop one at a time, with promise jobs drained between ----

function addTimer(fn, delay, args, repeat) {
  if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
  delay = Number(delay);
  if (!(delay >= 1)) delay = repeat ? 1 : 0;
  var id = ++timerSeq;
  if (run) run.timers.push({ id: id, due: Date.now() + delay, fn: fn, args: args, every: repeat ? delay : 0, origin: run.origin });
  return id;
}
function clearTimer(id) {
  if (run) run.timers = run.timers.filter(function (t) { return t.id !== id; });
}
var timerGlobals = {
  setTimeout: function (fn, delay) { return addTimer(fn, delay, Array.prototype.slice.call(arguments, 2), false); },
  setInterval: function (fn, delay) { return addTimer(fn, delay, Array.prototype.slice.call(arguments, 2), true); },
  setImmediate: function (fn) { return addTimer(fn, 0, Array.prototype.slice.call(arguments, 1), false); },
  clearTimeout: clearTimer, clearInterval: clearTimer, clearImmediate: clearTimer
};

function earliestTimer() {
  var best = null;
  run.timers.forEach(function (t) { if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t; });
  return best;
}

function nextTimerDelay() {
  if (!run || !run.timers.length) return -1;
  return Math.max(0, earliestTimer().due - Date.now());
}

function runNextTimer() {
  var timer = earliestTimer();
  if (!timer || timer.due > Date.now()) return;
  if (timer.every) timer.due = Date.now() + timer.every;
  else clearTimer(timer.id);
  try {
    timer.fn.apply(G, timer.args);
  } catch (e) {
    recordError(timer.origin, e);
  }
}

// ---- pm.test ----

function newAssertion(name, status) {
  var record = { name: safeString(name), index: run.meta.assertionBase + run.assertions.length, status: status, error: null, origin: run.origin };
  run.assertions.push(record);
  return record;
}

function settle(record, err) {
  if (record.status !== 'pending') return;
  if (err === undefined) {
    record.status = 'passed';
  } else {
    record.status = 'failed';
    record.error = failureOf(err);
  }
}

function pmTest(name, fn) {
  if (typeof fn !== 'function') {
    newAssertion(name, 'skipped');
    return;
  }
  var record = newAssertion(name, 'pending');
  try {
    if (fn.length > 0) {
      fn(function done(err) { settle(record, err === null || err === undefined ? undefined : err); });
      return;
    }
    var result = fn();
    // An assertion (what arrow tests return) has no `then`; asking its prototype's
    // typo guard would cost a trap call.
    if (result && !(result instanceof Assertion) && typeof result.then === 'function') {
      result.then(function () { settle(record, undefined); },
        function (err) { settle(record, err === undefined ? new Error('the test promise was rejected') : err); });
    } else {
      settle(record, undefined);
    }
  } catch (err) {
    settle(record, err === undefined ? new Error('undefined was thrown') : err);
  }
}
pmTest.skip = function (name) { newAssertion(name, 'skipped'); };

// ---- pm.sendRequest ----

function headerPairs(header) {
  if (!header) return [];
  if (header instanceof PropertyList) return header.all().map(function (h) { return [h.key, String(h.value)]; });
  if (typeof header === 'string') return new HeaderList(header.split('\n').filter(Boolean)).all().map(function (h) { return [h.key, h.value]; });
  if (Array.isArray(header)) {
    return header.filter(function (h) { return h && !h.disabled; }).map(function (h) {
      return Array.isArray(h) ? [String(h[0]), String(h[1])] : [String(h.key), h.value === undefined ? '' : String(h.value)];
    });
  }
  return Object.keys(header).map(function (k) { return [k, String(header[k])]; });
}

function hasHeader(pairs, name) {
  return pairs.some(function (p) { return p[0].toLowerCase() === name; });
}

function encodePairs(list) {
  return (list || []).filter(function (p) { return p && !p.disabled; }).map(function (p) {
    return encodeURIComponent(p.key) + '=' + encodeURIComponent(p.value === undefined ? '' : p.value);
  }).join('&');
}

function outgoingBody(body, headers) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof RequestBody) return body.raw === undefined ? null : String(body.raw);
  switch (body.mode) {
    case 'urlencoded':
      if (!hasHeader(headers, 'content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
      return encodePairs(body.urlencoded);
    case 'formdata':
      var boundary = '--------------------------' + native.uuid().replace(/-/g, '').slice(0, 24);
      if (!hasHeader(headers, 'content-type')) headers.push(['Content-Type', 'multipart/form-data; boundary=' + boundary]);
      return (body.formdata || []).filter(function (p) { return p && !p.disabled; }).map(function (p) {
        return '--' + boundary + '\r\nContent-Disposition: form-data; name="' + p.key + '"\r\n\r\n' +
          (p.value === undefined ? '' : p.value) + '\r\n';
      }).join('') + '--' + boundary + '--\r\n';
    case 'graphql':
      if (!hasHeader(headers, 'content-type')) headers.push(['Content-Type', 'application/json']);
      return JSON.stringify(body.graphql || {});
    default:
      var language = body.options && body.options.raw && body.options.raw.language;
      if (language === 'json' && !hasHeader(headers, 'content-type')) headers.push(['Content-Type', 'application/json']);
      return body.raw === undefined || body.raw === null ? null
        : typeof body.raw === 'string' ? body.raw : JSON.stringify(body.raw);
  }
}

function outgoingRequest(req) {
  if (req instanceof PostmanRequest) return exportRequest(req);
  if (typeof req === 'string' || req instanceof Url) return { method: 'GET', url: String(req), headers: [], body: null };
  if (!req || typeof req !== 'object') throw new TypeError('pm.sendRequest needs a URL or a request object');
  var headers = headerPairs(req.header || req.headers);
  var body = outgoingBody(req.body, headers);
  return { method: String(req.method || 'GET').toUpperCase(), url: String(req.url), headers: headers, body: body };
}

function sendRequest(req, callback) {
  var origin = run.origin, error = null, response;
  try {
    var answer = JSON.parse(native.sendRequest(JSON.stringify(outgoingRequest(req))));
    if (answer.error !== undefined) {
      error = new Error(answer.error);
      // Node's code (`ECONNREFUSED`, ...), which scripts test, when the error names one.
      var code = /\((E[A-Z0-9_]+)\)/.exec(answer.error);
      if (code) error.code = code[1];
    }
    else response = new PostmanResponse(answer, answer.body);
  } catch (e) {
    error = e;
  }
  var promise = error ? Promise.reject(error) : Promise.resolve(response);
  if (typeof callback === 'function') {
    promise.catch(function () {});
    Promise.resolve().then(function () {
      try { callback(error, error ? undefined : response, { execution: [] }); } catch (e) { recordError(origin, e); }
    });
  }
  return promise;
}

// ---- per-run state, built lazily: most scripts touch a fraction of it ----

var SCOPE_NAMES = ['local', 'data', 'environment', 'collection', 'globals'];

// The five scope slots, made on first use: many scripts never touch a variable.
function runSlots() {
  return run.slots || (run.slots = [new ScopeSlot(0), new ScopeSlot(1), new ScopeSlot(2), new ScopeSlot(3), new ScopeSlot(4)]);
}

function scope(name) {
  var cache = run.scopeObjects;
  if (!cache[name]) {
    cache[name] = new VariableScope(runSlots()[SCOPE_NAMES.indexOf(name)],
      name === 'environment' ? run.meta.environmentName : undefined);
  }
  return cache[name];
}

function currentRequest() {
  if (!run.request) {
    if (run.requestText === null) run.requestText = native.requestText();
    run.request = new PostmanRequest(JSON.parse(run.requestText));
  }
  return run.request;
}

function currentResponse() {
  if (run.response === undefined) {
    var r = run.responseData;
    // A test script after a request error sees an empty response (no code, status or body),
    // as in Newman; a pre-request script sees none.
    run.response = r ? new PostmanResponse({ code: r[0], status: r[1], headers: r[2], responseTime: r[3], responseSize: r[4] },
      run.body) : run.meta.event === 'test' ? new PostmanResponse({ headers: [] }, undefined) : null;
    if (r && r[5] != null) {
      // The jar's cookies for the response's URL are `pm.cookies`; Newman's pm.response
      // carries none of its own.
      run.jarCookies = new CookieList(JSON.parse(r[5]).map(function (c) {
        if (c.expires !== null) c.expires = new Date(c.expires);
        return c;
      }));
      run.response._cookies = new CookieList([]);
    }
  }
  return run.response || undefined;
}

function setNextRequest(name) {
  run.nextRequestSet = true;
  run.nextRequest = name === null || name === undefined ? null : safeString(name);
}

var noCookies = new CookieList([]);

// `pm` is built once; its members read the run in progress.
var pm = {
  test: pmTest,
  expect: expect,
  sendRequest: sendRequest,
  execution: {
    setNextRequest: setNextRequest,
    skipRequest: function () { if (run.meta.event === 'prerequest') run.skipRequest = true; }
  },
  visualizer: { set: function () {}, clear: function () {} },
  require: function (name) {
    throw new Error("pm.require('" + name + "') loads Postman package-library packages, which postie does not support yet");
  }
};
Object.defineProperty(pm.execution, 'location', {
  get: function () { return [run.meta.info.requestName]; }, enumerable: true
});
[['environment', 'environment'], ['globals', 'globals'], ['collectionVariables', 'collection'],
  ['iterationData', 'data']].forEach(function (pair) {
  Object.defineProperty(pm, pair[0], { get: function () { return scope(pair[1]); }, enumerable: true });
});
Object.defineProperties(pm, {
  info: { get: function () { return run.meta.info; }, enumerable: true },
  variables: {
    get: function () { return run.view || (run.view = new VariablesView(runSlots())); }, enumerable: true
  },
  request: { get: currentRequest, enumerable: true },
  response: { get: currentResponse, enumerable: true },
  cookies: {
    get: function () {
      var response = currentResponse();
      var cookies = run.jarCookies || (response ? response.cookies : noCookies);
      cookies.jar = cookieJar;
      return cookies;
    },
    enumerable: true
  }
});

installLegacyGlobals();

function harvestLegacyTests(origin) {
  var tests = run.legacy.tests;
  if (!tests || typeof tests !== 'object') return;
  Object.keys(tests).forEach(function (name) {
    var value = tests[name];
    var record = newAssertion(name, value ? 'passed' : 'failed');
    record.origin = origin;
    if (!value) {
      record.error = { name: 'AssertionError', message: 'expected ' + objDisplay(value) + ' to be truthy', stack: null };
    }
  });
}

// ---- the protocol with Rust (host.rs) ----

// meta: [event, assertionBase, environmentName, iteration, iterationCount, requestName, requestId,
//        route: [kind, proxy, rule] or undefined]
// response: [code, status, [[name, value]...], responseTime, responseSize], or undefined
// One state object, refilled by every run: assigning existing fields costs far less than
// building a twenty-field object each time. Only these functions (through `run` and
// `finished`) ever hold it; `pm.info` gets a fresh object per run.
var runState = null;

function begin(meta, response, body) {
  finished = null;
  var state = runState;
  if (state === null) {
    state = runState = {
      meta: { event: null, assertionBase: 0, environmentName: null, info: null, route: null },
      requestText: null, responseData: undefined, body: null, slots: null,
      scopeObjects: null, view: null, request: null, response: undefined, jarCookies: null, legacy: null, legacyShown: null, legacyWarned: null,
      assertions: null, console: null, errors: null, timers: null, origin: 0,
      nextRequest: null, nextRequestSet: false, skipRequest: false, exportedRequest: null
    };
  }
  var m = state.meta;
  m.event = meta[0];
  m.assertionBase = meta[1];
  m.environmentName = meta[2] === undefined ? null : meta[2];
  m.info = { eventName: meta[0], iteration: meta[3], iterationCount: meta[4], requestName: meta[5], requestId: meta[6] };
  var route = meta[7];
  m.route = route === undefined || route === null ? null
    : Object.freeze({ kind: route[0], proxy: route[1] === undefined ? null : route[1], rule: route[2] });
  state.requestText = null;
  state.responseData = response;
  state.body = body;
  state.slots = null;
  state.scopeObjects = {};
  state.view = null;
  state.request = null;
  state.response = undefined;
  state.jarCookies = null;
  state.legacy = {};
  state.legacyShown = {};
  state.legacyWarned = Object.create(null);
  state.assertions = [];
  state.console = [];
  state.errors = [];
  state.timers = [];
  state.origin = 0;
  state.nextRequest = null;
  state.nextRequestSet = false;
  state.skipRequest = false;
  state.exportedRequest = null;
  run = state;
}

function runScript(fn, origin) {
  run.origin = origin;
  rememberScript(origin, fn);
  run.legacy = {};
  run.legacyShown = {};
  run.legacyWarned = Object.create(null);
  try {
    var result = fn.call(G);
    if (result && typeof result.then === 'function') {
      result.then(null, function (e) { recordError(origin, e); });
    }
    // '' asks Rust to run timers; null means only promise jobs (if any) remain.
    return run.timers.length ? '' : null;
  } catch (e) {
    return JSON.stringify(describeError(e));
  }
}

function endScript(origin) {
  if (run.timers.length) run.timers = [];
  var assertions = run.assertions;
  for (var i = 0, n = assertions.length; i < n; i++) {
    var record = assertions[i];
    if (record.status === 'pending' && record.origin === origin) {
      settle(record, new Error('the test did not finish: its done callback was never called or its promise never settled'));
    }
  }
  harvestLegacyTests(origin);
}

function jsonReplacer() {
  var seen = [];
  return function (key, value) {
    if (typeof value === 'bigint') return value.toString();
    if (value !== null && typeof value === 'object') {
      if (seen.indexOf(value) !== -1) return '[Circular]';
      seen.push(value);
    }
    return value;
  };
}

// Only what changed goes back: untouched scopes and an unchanged request are `null`.
// `finish()` answers with one flat array of plain values (read by flat.rs); when Rust
// cannot read it, or a changed scope does not serialise plainly, the same results go as
// one JSON text (`finishText`), the general form.
var finished = null;

function finishedOut(state) {
  return {
    assertions: state.assertions.map(function (a) {
      return { name: a.name, status: a.status, index: a.index, error: a.error };
    }),
    console: state.console,
    errors: state.errors,
    scopes: (state.slots || [{}, {}, {}, {}, {}]).map(function (slot) { return slot.dirty ? slot.values : null; }),
    request: state.exportedRequest,
    nextRequest: state.nextRequestSet ? { target: state.nextRequest } : null,
    skipRequest: state.skipRequest
  };
}

function finishText() {
  var state = finished;
  finished = null;
  if (!state) return 'null';
  var out = finishedOut(state);
  try {
    return JSON.stringify(out);
  } catch (e) {
    return JSON.stringify(out, jsonReplacer());
  }
}

function finish() {
  var state = run;
  run = null;
  finished = state;
  var request = state.request ? exportRequest(state.request) : null;
  var requestText = request ? JSON.stringify(request) : null;
  if (request && requestText === state.requestText) {
    request = null;
    requestText = null;
  }
  state.exportedRequest = request;
  var slots = state.slots, scopes = [null, null, null, null, null];
  for (var i = 0; slots && i < 5; i++) {
    if (!slots[i].dirty) continue;
    var text, values = slots[i].values;
    try {
      // A variable set to undefined stays a variable (JSON.stringify would drop the key):
      // null, as Newman's sandbox hands it back, except in the local scope, which keeps the
      // undefined in Newman.
      var unset = i === 0 ? LOCAL_UNDEFINED : null;
      text = JSON.stringify(values, function (k, v) { return v === undefined && this === values ? unset : v; });
    } catch (e) {
      return finishText();
    }
    if (typeof text !== 'string') return finishText();
    scopes[i] = text;
  }
  var lines = state.console, errors = state.errors, assertions = state.assertions;
  var flat = [state.skipRequest, state.nextRequestSet, state.nextRequestSet ? state.nextRequest : null, requestText,
    scopes[0], scopes[1], scopes[2], scopes[3], scopes[4], lines.length];
  for (i = 0; i < lines.length; i++) flat.push(lines[i].level, lines[i].text);
  flat.push(errors.length);
  for (i = 0; i < errors.length; i++) flat.push(errors[i].origin, errors[i].name, errors[i].message, errors[i].line);
  flat.push(assertions.length);
  for (i = 0; i < assertions.length; i++) {
    var a = assertions[i], error = a.error;
    if (error === null || error === undefined) flat.push(a.name, a.status, a.index, null, null, null);
    else flat.push(a.name, a.status, a.index, error.name, error.message, error.stack);
  }
  return flat;
}

installSugarStandIns();

G.pm = pm;
G.postman = legacyPostmanObject();
G.console = postieConsole;
Object.keys(timerGlobals).forEach(function (name) { G[name] = timerGlobals[name]; });
G.atob = legacyFunction('atob', atob);
G.btoa = legacyFunction('btoa', btoa);
G.Buffer = Buffer;
G.require = requireModule;
// Postman's sandbox gives every script lodash 3 as `_` (`require('lodash')` is lodash 4),
// and tv4, crypto-js, cheerio and Backbone as globals. Read, such a global loads its
// library and becomes a plain global (the library behind a proxy that prints Newman's
// deprecation warning); assigned, it becomes that value, so a script's own `_ = ...` works
// as with any global. Both lodash
// versions read the global `_` while loading (to restore it on `noConflict`): they see
// nothing rather than loading lodash 3 for nothing, or themselves over and over.
function lazyGlobal(name, chunk) {
  Object.defineProperty(G, name, {
    get: function () {
      if (vendorLoading) return undefined;
      var library = legacyProxy(name, vendorModule(chunk));
      setGlobal(name, library);
      return library;
    },
    set: function (value) { setGlobal(name, value); },
    configurable: true
  });
}
lazyGlobal('_', 'lodash3');
lazyGlobal('tv4', 'tv4');
lazyGlobal('CryptoJS', 'crypto-js');
lazyGlobal('cheerio', 'cheerio');
lazyGlobal('Backbone', 'backbone');

// postie's own global, apart from Postman's `pm` so that a script shared with Postman can
// test `typeof postie !== 'undefined'`: the route the request took (null before it is
// decided, in pre-request scripts) and postie's version. Read-only.
Object.defineProperty(G, 'postie', {
  value: Object.freeze(Object.create(null, {
    route: { get: function () { return run === null ? null : run.meta.route; }, enumerable: true },
    version: { value: POSTIE_VERSION, enumerable: true }
  })),
  writable: false, enumerable: false, configurable: false
});

// Postman's legacy `xml2Json`: xml2js with the options of Postman's sandbox, which parses
// synchronously with them; what it cannot parse gives undefined, as there.
G.xml2Json = legacyFunction('xml2Json', function xml2Json(text) {
  var result;
  var options = { explicitArray: false, async: false, trim: true, mergeAttrs: false };
  vendorModule('xml2js').parseString(text, options, function (error, value) { result = value; });
  return result;
});

function setGlobal(name, value) {
  Object.defineProperty(G, name, { value: value, writable: true, enumerable: true, configurable: true });
}

return {
  begin: begin, runScript: runScript, endScript: endScript, finish: finish, finishText: finishText,
  describe: function (e) { return JSON.stringify(describeError(e)); },
  nextTimerDelay: nextTimerDelay, runNextTimer: runNextTimer
};
