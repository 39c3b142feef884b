// sugar.js: the SugarJS 1.x helpers Newman's sandbox adds to built-in prototypes, which
// legacy scripts lean on (`responseBody.has('token')`). The common ones, non-enumerable as
// Sugar defines them, with Sugar's semantics (`[1, 2].include(3)` adds, as in Sugar 1.x).

function sugarDefine(target, methods) {
  Object.keys(methods).forEach(function (name) {
    if (Object.prototype.hasOwnProperty.call(target, name)) return;
    Object.defineProperty(target, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  });
}

function sugarMatches(text, find) {
  return find instanceof RegExp ? find.test(text) : text.indexOf(String(find)) !== -1;
}

sugarDefine(String.prototype, {
  has: function (find) { return sugarMatches(String(this), find); },
  first: function (n) { return String(this).slice(0, n === undefined ? 1 : n); },
  last: function (n) { var s = String(this); n = n === undefined ? 1 : n; return n >= s.length ? s : s.slice(s.length - n); },
  from: function (i) { return String(this).slice(i === undefined ? 0 : i); },
  to: function (i) { var s = String(this); return s.slice(0, i === undefined ? s.length : i); },
  capitalize: function (all) {
    var s = String(this);
    if (all) return s.replace(/(^|\s)(\S)/g, function (m, space, c) { return space + c.toUpperCase(); });
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  camelize: function (first) {
    var s = String(this).replace(/[-_\s]+(.)?/g, function (m, c) { return c ? c.toUpperCase() : ''; });
    return first === false ? s.charAt(0).toLowerCase() + s.slice(1) : s.charAt(0).toUpperCase() + s.slice(1);
  },
  underscore: function () {
    return String(this).replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase();
  },
  dasherize: function () { return this.underscore().replace(/_/g, '-'); },
  words: function () { return String(this).trim().split(/\s+/).filter(function (w) { return w !== ''; }); },
  lines: function () { return String(this).trim().split(/\r?\n/); },
  chars: function () { return String(this).split(''); },
  toNumber: function (base) { return base ? parseInt(String(this), base) : parseFloat(String(this)); },
  isBlank: function () { return String(this).trim().length === 0; },
  compact: function () { return String(this).trim().replace(/\s+/g, ' '); },
  shift: function (n) {
    return String(this).split('').map(function (c) { return String.fromCharCode(c.charCodeAt(0) + n); }).join('');
  },
  spacify: function () { return this.underscore().replace(/_/g, ' '); }
});

function sugarNumbers(list, map) {
  return list.map(function (x) { return map ? (typeof map === 'function' ? map(x) : x[map]) : x; });
}

sugarDefine(Array.prototype, {
  each: function (fn, start) {
    // Sugar 1.x: from `start`, stopping when the callback returns false; the array itself.
    for (var i = start || 0; i < this.length; i++) if (fn.call(this, this[i], i, this) === false) break;
    return this;
  },
  first: function (n) { return n === undefined ? this[0] : this.slice(0, n); },
  last: function (n) { return n === undefined ? this[this.length - 1] : this.slice(Math.max(0, this.length - n)); },
  from: function (i) { return this.slice(i); },
  to: function (i) { return this.slice(0, i); },
  unique: function () {
    var seen = [];
    return this.filter(function (x) { if (seen.indexOf(x) !== -1) return false; seen.push(x); return true; });
  },
  sum: function (map) { return sugarNumbers(this, map).reduce(function (a, b) { return a + b; }, 0); },
  average: function (map) { return this.length ? this.sum(map) / this.length : 0; },
  min: function (map) { return Math.min.apply(null, sugarNumbers(this, map)); },
  max: function (map) { return Math.max.apply(null, sugarNumbers(this, map)); },
  include: function (item) { return this.concat([item]); },
  exclude: function (item) { return this.filter(function (x) { return x !== item; }); },
  compact: function () { return this.filter(function (x) { return x !== null && x !== undefined && !(typeof x === 'number' && isNaN(x)); }); },
  flatten: function () { return this.reduce(function (out, x) { return out.concat(Array.isArray(x) ? x.flatten() : [x]); }, []); },
  isEmpty: function () { return this.length === 0; },
  count: function (find) { return this.filter(sugarMatcher(find)).length; },
  findAll: function (test) { return this.filter(sugarMatcher(test)); },
  any: function (test) { return this.some(sugarMatcher(test)); },
  none: function (test) { return !this.some(sugarMatcher(test)); },
  all: function (test) { return this.every(sugarMatcher(test)); }
});

// Sugar 1.x's matching for `any`, `none`, `all`, `count`, `findAll`: a function is called, a
// regular expression tests strings, an array or object is compared deeply, else ===.
function sugarMatcher(test) {
  if (typeof test === 'function') return test;
  if (test instanceof RegExp) return function (x) { return typeof x === 'string' ? test.test(x) : x === test; };
  if (test !== null && typeof test === 'object') {
    var shape = JSON.stringify(test);
    return function (x) { return x !== null && typeof x === 'object' && JSON.stringify(x) === shape; };
  }
  return function (x) { return x === test; };
}

sugarDefine(Function.prototype, {
  once: function () {
    var fn = this, ran = false, result;
    return function () {
      if (!ran) { ran = true; result = fn.apply(this, arguments); }
      return result;
    };
  }
});

sugarDefine(Number.prototype, {
  hex: function (pad) { var s = Number(this).toString(16); while (pad && s.length < pad) s = '0' + s; return s; },
  isEven: function () { return Number(this) % 2 === 0; },
  isOdd: function () { return Math.abs(Number(this) % 2) === 1; },
  ordinalize: function () {
    var n = Math.abs(Math.round(Number(this))), teen = n % 100 >= 11 && n % 100 <= 13;
    var suffix = teen ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] || 'th';
    return String(Math.round(Number(this))) + suffix;
  },
  format: function (place, thousands, decimal) {
    var n = Number(this);
    var text = place === undefined ? String(Math.abs(n)) : Math.abs(n).toFixed(place);
    var parts = text.split('.');
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, thousands === undefined ? ',' : thousands);
    return (n < 0 ? '-' : '') + whole + (parts[1] ? (decimal === undefined ? '.' : decimal) + parts[1] : '');
  }
});

sugarDefine(Object, {
  has: function (obj, key) { return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key); },
  isString: function (v) { return typeof v === 'string'; },
  isNumber: function (v) { return typeof v === 'number'; },
  isArray: Array.isArray,
  isObject: function (v) { return Object.prototype.toString.call(v) === '[object Object]'; },
  isFunction: function (v) { return typeof v === 'function'; },
  isBoolean: function (v) { return typeof v === 'boolean'; },
  isEmpty: function (v) { return v === null || v === undefined || Object.keys(v).length === 0; }
});

sugarDefine(Date, {
  create: function (value) { return value === undefined ? new Date() : new Date(value); }
});
