// sdk.js: the small part of Postman's collection SDK that scripts touch: header and query
// lists, Url, Request, Response, cookies. Objects are built from the run's input and
// turned back into plain data by `exportRequest`.

// A list of {key, value} items; header lists look keys up case-insensitively.
class PropertyList {
  constructor(items, caseInsensitive) {
    this._items = [];
    this._ci = !!caseInsensitive;
    if (Array.isArray(items)) {
      // A plain loop with `add` inlined for [key, value] pairs (how headers arrive): lists
      // are built for every response, and each call per item costs.
      var list = this._items;
      for (var i = 0; i < items.length; i++) {
        if (!(i in items)) continue;
        var item = items[i];
        if (Array.isArray(item)) list.push({ key: String(item[0]), value: item[1] });
        else this.add(item);
      }
    } else {
      (items || []).forEach(function (item) { this.add(item); }, this);
    }
  }
  _norm(key) { return this._ci ? String(key).toLowerCase() : String(key); }
  _toItem(item) {
    if (typeof item === 'string') {
      var colon = item.indexOf(':');
      return colon === -1 ? { key: item.trim(), value: '' }
        : { key: item.slice(0, colon).trim(), value: item.slice(colon + 1).trim() };
    }
    if (Array.isArray(item)) return { key: String(item[0]), value: item[1] };
    return { key: String(item.key !== undefined ? item.key : item.name), value: item.value, disabled: item.disabled };
  }
  add(item) { if (item !== undefined && item !== null) this._items.push(this._toItem(item)); }
  append(item) { this.add(item); }
  prepend(item) { if (item) this._items.unshift(this._toItem(item)); }
  upsert(item) {
    if (!item) return;
    var entry = this._toItem(item), existing = this.one(entry.key);
    if (existing) existing.value = entry.value;
    else this._items.push(entry);
  }
  remove(predicate) {
    var self = this;
    var matches = typeof predicate === 'function' ? predicate
      : function (item) { return self._norm(item.key) === self._norm(predicate && predicate.key !== undefined ? predicate.key : predicate); };
    this._items = this._items.filter(function (item) { return !matches(item); });
  }
  clear() { this._items = []; }
  populate(items) { (items || []).forEach(function (i) { this.add(i); }, this); }
  repopulate(items) { this.clear(); this.populate(items); }
  // The last item of that key, as postman-collection's lists answer (a header sent
  // twice reads as its last value).
  one(key) {
    var wanted = this._norm(key);
    for (var i = this._items.length - 1; i >= 0; i--) {
      if (this._norm(this._items[i].key) === wanted) return this._items[i];
    }
    return undefined;
  }
  get(key) { var item = this.one(key); return item ? item.value : undefined; }
  has(key, value) {
    if (arguments.length < 2) return !!this.one(key);
    var wanted = this._norm(key);
    return this._items.some(function (i) { return this._norm(i.key) === wanted && i.value === value; }, this);
  }
  all() { return this._items.slice(); }
  idx(i) { return this._items[i]; }
  count() { return this._items.length; }
  each(fn, ctx) { this._items.forEach(fn, ctx); }
  filter(fn, ctx) { return this._items.filter(fn, ctx); }
  find(fn, ctx) { return this._items.find(fn, ctx); }
  map(fn, ctx) { return this._items.map(fn, ctx); }
  reduce(fn, acc) { return this._items.reduce(fn, acc); }
  indexOf(item) { return this._items.indexOf(item); }
  toObject(excludeDisabled, caseSensitive) {
    var out = {};
    this._items.forEach(function (item) {
      if (excludeDisabled && item.disabled) return;
      out[this._ci && !caseSensitive ? item.key.toLowerCase() : item.key] = item.value;
    }, this);
    return out;
  }
  toJSON() { return this._items.map(function (i) { return { key: i.key, value: i.value }; }); }
  toString() {
    return this._items.map(function (i) { return i.key + ': ' + i.value; }).join('\n');
  }
}

class HeaderList extends PropertyList {
  constructor(items) { super(items, true); }
}

class QueryList extends PropertyList {
  constructor(items) { super(items, false); }
  toString() { return unparseParams(this._items); }
}

// postman-collection's QueryParam.unparse: enabled parameters as `key=value` joined by `&`,
// where `&` and `#` (and `=` in a key) outside `{{variables}}` are percent-encoded, so a
// value cannot end the parameter, and nothing else is.
function unparseParams(items) {
  return items.filter(function (i) { return !i.disabled; }).map(function (i) {
    var key = unparseQueryText(i.key, true);
    return i.value === null || i.value === undefined ? key : key + '=' + unparseQueryText(i.value, false);
  }).join('&');
}

function unparseQueryText(text, isKey) {
  return String(text).replace(/\{\{[^]*?\}\}|[^{]+|\{/g, function (part) {
    if (part.length > 3 && part.slice(0, 2) === '{{') return part;
    return part.replace(isKey ? /[#&=]/g : /[#&]/g, function (c) {
      return c === '#' ? '%23' : c === '&' ? '%26' : '%3D';
    });
  });
}

function parseQuery(text) {
  if (!text) return [];
  return text.split('&').map(function (pair) {
    var eq = pair.indexOf('=');
    return eq === -1 ? { key: pair, value: null } : { key: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

class Url {
  constructor(raw) { this.update(raw); }
  update(raw) {
    if (raw instanceof Url) raw = raw.toString();
    if (raw && typeof raw === 'object') raw = raw.raw !== undefined ? raw.raw : String(raw);
    var rest = String(raw === undefined || raw === null ? '' : raw);
    var hashAt = rest.indexOf('#');
    this.hash = hashAt === -1 ? undefined : rest.slice(hashAt + 1);
    if (hashAt !== -1) rest = rest.slice(0, hashAt);
    var queryAt = rest.indexOf('?');
    this.query = new QueryList(queryAt === -1 ? [] : parseQuery(rest.slice(queryAt + 1)));
    if (queryAt !== -1) rest = rest.slice(0, queryAt);
    var scheme = /^([A-Za-z][A-Za-z0-9+.-]*|\{\{[^{}]*\}\}):\/\//.exec(rest);
    this.protocol = scheme ? scheme[1] : undefined;
    if (scheme) rest = rest.slice(scheme[0].length);
    var slash = rest.indexOf('/');
    var authority = slash === -1 ? rest : rest.slice(0, slash);
    var path = slash === -1 ? '' : rest.slice(slash + 1);
    var at = authority.lastIndexOf('@');
    this.auth = at === -1 ? undefined : authority.slice(0, at);
    if (at !== -1) authority = authority.slice(at + 1);
    var port = /:(\d+|\{\{[^{}]*\}\})$/.exec(authority);
    this.port = port ? port[1] : undefined;
    if (port) authority = authority.slice(0, port.index);
    this.host = authority ? authority.split('.') : [];
    this.path = slash === -1 ? [] : path.split('/');
  }
  getHost() { return this.host.join('.'); }
  getRemote() { return this.getHost() + (this.port ? ':' + this.port : ''); }
  getPath() { return '/' + this.path.join('/'); }
  getQueryString() { return this.query.toString(); }
  getPathWithQuery() {
    var q = this.getQueryString();
    return this.getPath() + (q ? '?' + q : '');
  }
  addQueryParams(params) {
    if (typeof params === 'string') params = parseQuery(params);
    (params || []).forEach(function (p) { this.query.add(p); }, this);
  }
  removeQueryParams(params) {
    [].concat(params).forEach(function (p) { this.query.remove(typeof p === 'string' ? p : p.key); }, this);
  }
  toString() {
    var text = '';
    if (this.protocol) text += this.protocol + '://';
    if (this.auth !== undefined) text += this.auth + '@';
    text += this.getHost();
    if (this.port) text += ':' + this.port;
    if (this.path.length) text += '/' + this.path.join('/');
    var q = this.getQueryString();
    if (this.query.count()) text += '?' + q;
    if (this.hash !== undefined) text += '#' + this.hash;
    return text;
  }
  toJSON() { return this.toString(); }
}

// A form body's parameters as postman-collection's QueryParam / FormParam lists hold them.
function formParamList(params) {
  var list = new PropertyList([]);
  (params || []).forEach(function (p) {
    var item = { key: String(p.key), value: p.value };
    if (p.disabled) item.disabled = true;
    if (p.src) { item.type = 'file'; item.src = p.src.length === 1 ? p.src[0] : p.src; }
    list._items.push(item);
  });
  return list;
}

// A request without a body still has one in Postman's sandbox: empty, with no mode.
function emptyRequestBody() {
  var body = new RequestBody(undefined);
  body.mode = undefined;
  return body;
}

class RequestBody {
  constructor(raw) { this.update(raw); }
  update(value) {
    if (value && typeof value === 'object') {
      this.mode = value.mode || 'raw';
      this.raw = value.raw;
      if (value.urlencoded) this.urlencoded = value.urlencoded instanceof PropertyList ? value.urlencoded : formParamList(value.urlencoded);
      if (value.formdata) this.formdata = value.formdata instanceof PropertyList ? value.formdata : formParamList(value.formdata);
    } else {
      this.mode = 'raw';
      this.raw = value === undefined || value === null ? undefined : String(value);
    }
  }
  isEmpty() {
    if (this.mode === 'urlencoded' || this.mode === 'formdata') return !this[this.mode] || this[this.mode].count() === 0;
    return this.raw === undefined || this.raw === '';
  }
  toString() {
    // As postman-collection: a urlencoded body unparsed (enabled parameters, not encoded), a
    // form-data one empty.
    if (this.mode === 'urlencoded') return this.urlencoded ? unparseParams(this.urlencoded.all()) : '';
    if (this.mode === 'formdata') return '';
    return this.raw === undefined ? '' : String(this.raw);
  }
  toJSON() {
    var out = { mode: this.mode };
    if (this.mode === 'urlencoded' || this.mode === 'formdata') out[this.mode] = this[this.mode] ? this[this.mode].toJSON() : [];
    else out.raw = this.raw;
    return out;
  }
}

// pm.request.auth: the request's effective auth block, as postman-collection's RequestAuth
// (`type`, the parameters under that name, `parameters()`); an OAuth 2.0 token the runner
// fetched reads as the block's accessToken.
class RequestAuth {
  constructor(def) {
    this.type = def.type;
    this[def.type] = new PropertyList(def[def.type] || []);
  }
  parameters() { return this[this.type]; }
  current() { return this[this.type]; }
  toJSON() {
    var out = { type: this.type };
    out[this.type] = this.parameters().toJSON();
    return out;
  }
}

class PostmanRequest {
  constructor(data) {
    this.method = data.method;
    this._url = new Url(data.url);
    // Exported as written unless changed: the parse/print round trip may normalise.
    this._rawUrl = data.url;
    this._urlBaseline = this._url.toString();
    this.headers = new HeaderList(data.headers);
    this._body = data.form ? new RequestBody({ mode: data.form.mode, urlencoded: data.form.mode === 'urlencoded' ? data.form.params : undefined,
      formdata: data.form.mode === 'formdata' ? data.form.params : undefined })
      : data.body === null || data.body === undefined ? emptyRequestBody() : new RequestBody(data.body);
    // The legacy `request.description` reads it.
    Object.defineProperty(this, '_description', { value: data.description === null ? undefined : data.description, writable: true });
    this.auth = data.auth ? new RequestAuth(data.auth) : undefined;
  }
  get url() { return this._url; }
  set url(value) { this._url = value instanceof Url ? value : new Url(value); }
  get body() { return this._body; }
  set body(value) {
    this._body = value === undefined || value === null ? undefined
      : value instanceof RequestBody ? value : new RequestBody(value);
  }
  get to() { return new Assertion(this).to; }
  addHeader(header) { this.headers.add(header); }
  // postman-collection's Request#upsertHeader: the first header of that exact name
  upsertHeader(header) {
    if (!(header && header.key)) return;
    var existing = this.headers._items.find(function (h) { return h.key === header.key; });
    if (existing) existing.value = header.value;
    else this.headers.add(header);
  }
  removeHeader(key) { this.headers.remove(key); }
  getHeaders() { return this.headers.toObject(false, true); }
  toJSON() {
    return { method: this.method, url: this.url.toString(), header: this.headers.toJSON(),
      body: this._body ? this._body.toJSON() : undefined };
  }
}

function exportRequest(request) {
  var method = request.method === undefined || request.method === null ? 'GET' : String(request.method);
  var body = request._body;
  var url = request.url.toString();
  return {
    method: method,
    url: url === request._urlBaseline ? request._rawUrl : url,
    headers: request.headers.all().filter(function (h) { return !h.disabled; }).map(function (h) {
      return [String(h.key), h.value === undefined || h.value === null ? '' : String(h.value)];
    }),
    body: body === undefined || body.raw === undefined || body.raw === null ? null : String(body.raw),
    form: body !== undefined && (body.mode === 'urlencoded' || body.mode === 'formdata') && body[body.mode]
      ? { mode: body.mode, params: body[body.mode].all().map(exportFormParam) } : null
  };
}

function exportFormParam(p) {
  var value = p.value === undefined || p.value === null ? (p.src ? '' : null) : String(p.value);
  var out = { key: String(p.key), value: value };
  if (p.disabled) out.disabled = true;
  if (p.src) out.src = [].concat(p.src).map(String);
  return out;
}

function parseSetCookie(text) {
  var parts = String(text).split(';');
  var first = parts.shift(), eq = first.indexOf('=');
  var cookie = { name: (eq === -1 ? '' : first.slice(0, eq)).trim(), value: (eq === -1 ? first : first.slice(eq + 1)).trim() };
  parts.forEach(function (part) {
    var at = part.indexOf('='), key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase();
    var value = at === -1 ? true : part.slice(at + 1).trim();
    if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'max-age') cookie.maxAge = Number(value);
    else if (key === 'samesite') cookie.sameSite = value;
    else if (key) cookie[key] = value;
  });
  return cookie;
}

class CookieList {
  constructor(cookies) { this._cookies = cookies; }
  one(name) {
    for (var i = this._cookies.length - 1; i >= 0; i--) if (this._cookies[i].name === name) return this._cookies[i];
    return undefined;
  }
  get(name) { var c = this.one(name); return c ? c.value : undefined; }
  has(name) { return !!this.one(name); }
  all() { return this._cookies.slice(); }
  count() { return this._cookies.length; }
  each(fn, ctx) { this._cookies.forEach(fn, ctx); }
  filter(fn, ctx) { return this._cookies.filter(fn, ctx); }
  find(fn, ctx) { return this._cookies.find(fn, ctx); }
  map(fn, ctx) { return this._cookies.map(fn, ctx); }
  toObject() {
    var out = {};
    this._cookies.forEach(function (c) { out[c.name] = c.value; });
    return out;
  }
  toJSON() { return this.all(); }
}

function cookiesFrom(headers) {
  return new CookieList(headers.filter(function (h) { return String(h[0]).toLowerCase() === 'set-cookie'; })
    .map(function (h) { return parseSetCookie(h[1]); }));
}

class PostmanResponse {
  constructor(data, body) {
    this.code = data.code;
    this.status = data.status;
    this.headers = new HeaderList(data.headers);
    this.responseTime = data.responseTime;
    this.responseSize = data.responseSize;
    this._body = body;
    this._cookies = null;
    this._headerPairs = data.headers;
    if (data.code === undefined) {
      // The empty response of a request that failed has no code, status or timings at all
      // (`'code' in pm.response` is false) but an id, as in Newman.
      this.id = native.dynamicVariable('$guid');
      delete this.code;
      delete this.status;
      delete this.responseTime;
      delete this.responseSize;
    }
  }
  get cookies() {
    if (!this._cookies) this._cookies = cookiesFrom(this._headerPairs);
    return this._cookies;
  }
  get to() { return new Assertion(this).to; }
  text() { return this._body; }
  json() {
    if (this._body === undefined) {
      // Newman's words for the empty response of a request that failed.
      var error = new Error('"undefined" is not valid JSON');
      error.name = 'JSONError';
      throw error;
    }
    var text = this._body.charCodeAt(0) === 0xfeff ? this._body.slice(1) : this._body;
    return JSON.parse(text);
  }
  reason() { return this.status; }
  // What postman-collection's Response#contentInfo says of the body: its type and charset
  // from Content-Type (text/plain when there is none), and the file name Postman would
  // save it under.
  contentInfo() {
    var header = String(this.headers.get('Content-Type') || 'text/plain');
    var parts = header.split(';');
    var contentType = parts[0].trim().toLowerCase();
    var charset = 'utf8';
    for (var i = 1; i < parts.length; i++) {
      var kv = parts[i].split('=');
      if (kv[0].trim().toLowerCase() === 'charset' && kv[1]) charset = kv[1].trim().replace(/^"|"$/g, '').toLowerCase().replace('utf-8', 'utf8');
    }
    var media = contentType.split('/');
    var formats = [['json', 'json', 'json'], ['xml', 'xml', 'xml'], ['html', 'html', 'html'], ['javascript', 'javascript', 'js'],
      ['css', 'css', 'css'], ['csv', 'csv', 'csv'], ['plain', 'plain', 'txt']];
    var format = null;
    for (var f = 0; f < formats.length && !format; f++) if (contentType.indexOf(formats[f][0]) >= 0) format = formats[f];
    var mimeType = format ? 'text' : (['image', 'audio', 'video'].indexOf(media[0]) >= 0 ? media[0] : 'unknown');
    var mimeFormat = format ? format[1] : (mimeType !== 'unknown' ? mimeType : 'raw');
    var fileExtension = format ? format[2] : (media[1] || 'bin').replace(/^x-/, '').split('+')[0];
    return { contentType: contentType, mimeType: mimeType, mimeFormat: mimeFormat, charset: charset,
      fileExtension: fileExtension, fileName: 'response.' + fileExtension };
  }
  details() { return { code: this.code, name: this.status, detail: this.status }; }
  // As Postman counts it: a gzip/deflate body as its declared Content-Length, and the
  // status line plus one "Key: value\r\n" per header.
  size() {
    var encoding = String(this.headers.get('Content-Encoding') || '').toLowerCase();
    var declared = String(this.headers.get('Content-Length') || '').trim();
    var compressed = encoding.indexOf('gzip') > -1 || encoding.indexOf('deflate') > -1;
    var body = compressed && /^[0-9]+$/.test(declared) ? parseInt(declared, 10) : native.utf8Length(this._body);
    var header = ('HTTP/X.X ' + this.code + ' ' + this.status + '\r\n\r\n').length;
    this.headers.each(function (h) {
      if (!h.disabled) header += String(h.key).length + 2 + String(h.value).length + 2;
    });
    return { body: body, header: header, total: body + header };
  }
  dataURI() {
    var type = this.headers.get('Content-Type') || 'text/plain';
    return 'data:' + type.split(';')[0] + ';base64,' + native.utf8ToBase64(this._body);
  }
  toJSON() {
    return { code: this.code, status: this.status, header: this.headers.toJSON(),
      responseTime: this.responseTime, responseSize: this.responseSize };
  }
}
