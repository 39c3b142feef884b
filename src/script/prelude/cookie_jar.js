// pm.cookies.jar() (postman-sandbox 4.7.1, as in Newman 6.2.2) over the run's cookie jar,
// which the Rust side holds (`native.cookieJar`); answers reach callbacks through the
// timer loop, after the script's own lines, as the sandbox's store answers do.

function jarCookie(c) {
  if (c && c.expires !== null && c.expires !== undefined) c.expires = new Date(c.expires);
  return c;
}
function jarUrl(url, method) {
  if (url instanceof Url) url = url.toString();
  if (!url || typeof url !== 'string') throw new TypeError('CookieJar.' + method + '() requires a valid url');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : 'http://' + url;
}
function jarCall(op, url, arg, callback, wrap) {
  var answer = JSON.parse(native.cookieJar(op, url, arg));
  if (typeof callback !== 'function') return;
  if (answer.error !== undefined) addTimer(callback, 0, [new Error(answer.error)], false);
  else addTimer(callback, 0, [null, wrap ? wrap(answer.value) : answer.value], false);
}
function setCookieLine(name, value) {
  if (name && value) return String(name) + '=' + String(value);
  if (typeof name === 'string') return name;
  if (name && typeof name === 'object') {
    var c = name, line = String(c.name || c.key || '') + '=' + (c.value === undefined ? '' : String(c.value));
    if (c.domain && c.hostOnly !== true) line += '; Domain=' + c.domain;
    if (c.path) line += '; Path=' + c.path;
    if (c.expires) line += '; Expires=' + new Date(c.expires).toUTCString();
    if (typeof c.maxAge === 'number' && c.maxAge !== 0 && isFinite(c.maxAge)) line += '; Max-Age=' + c.maxAge;
    if (c.secure) line += '; Secure';
    if (c.httpOnly) line += '; HttpOnly';
    return line;
  }
  throw new TypeError('CookieJar.set() requires a valid set cookie arguments');
}
function cookieJar() {
  return {
    get: function (url, name, callback) {
      url = jarUrl(url, 'get');
      if (typeof callback !== 'function') throw new TypeError('CookieJar.get() requires a callback function');
      if (typeof name !== 'string') throw new TypeError('CookieJar.get() requires cookie name to be a string');
      jarCall('get', url, name, callback);
    },
    getAll: function (url, options, callback) {
      url = jarUrl(url, 'getAll');
      if (typeof options === 'function' && !callback) { callback = options; options = {}; }
      if (typeof callback !== 'function') throw new TypeError('CookieJar.getAll() requires a callback function');
      if (typeof options !== 'object') throw new TypeError('CookieJar.getAll() requires options to be an object');
      jarCall('getAll', url, '', callback, function (list) { return new CookieList(list.map(jarCookie)); });
    },
    set: function (url, name, value, callback) {
      url = jarUrl(url, 'set');
      if (typeof value === 'function' && !callback) { callback = value; value = null; }
      jarCall('set', url, setCookieLine(name, value), callback, jarCookie);
    },
    unset: function (url, name, callback) {
      url = jarUrl(url, 'unset');
      if (typeof name !== 'string') throw new TypeError('CookieJar.unset() requires cookie name to be a string');
      jarCall('unset', url, name, callback, function () { return undefined; });
    },
    clear: function (url, callback) {
      jarCall('clear', jarUrl(url, 'clear'), '', callback, function () { return undefined; });
    }
  };
}
