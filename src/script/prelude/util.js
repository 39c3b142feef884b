// util.js: type detection, chai-style deep equality and property paths shared by the
// assertion library and the Postman SDK objects. Pure helpers, no state.

function typeOf(obj) {
  if (obj === null) return 'null';
  var t = typeof obj;
  if (t !== 'object') return t;
  if (Array.isArray(obj)) return 'Array';
  return Object.prototype.toString.call(obj).slice(8, -1);
}

function isPrimitive(value) {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

function enumerableKeys(obj) {
  var keys = [];
  for (var name in obj) keys.push(name);
  var symbols = Object.getOwnPropertySymbols(obj);
  for (var i = 0; i < symbols.length; i++) {
    if (Object.getOwnPropertyDescriptor(obj, symbols[i]).enumerable) keys.push(symbols[i]);
  }
  return keys;
}

function sortKeys(keys) {
  return keys.slice().sort(function (a, b) {
    var sa = String(a), sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

// Deep equality with chai's rules: +0 and -0 differ, NaN equals NaN, types must match,
// objects compare their enumerable keys (own and inherited).
function deepEqual(left, right, memo) {
  if (left === right) return left !== 0 || 1 / left === 1 / right;
  if (left !== left && right !== right) return true;
  if (isPrimitive(left) || isPrimitive(right)) return false;
  var type = typeOf(left);
  if (type !== typeOf(right)) return false;
  memo = memo || [];
  for (var m = 0; m < memo.length; m++) {
    if (memo[m][0] === left && memo[m][1] === right) return true;
  }
  memo.push([left, right]);
  try {
    return deepEqualTyped(type, left, right, memo);
  } finally {
    memo.pop();
  }
}

function listEqual(left, right, memo) {
  if (left.length !== right.length) return false;
  for (var i = 0; i < left.length; i++) {
    if (!deepEqual(left[i], right[i], memo)) return false;
  }
  return true;
}

function deepEqualTyped(type, left, right, memo) {
  switch (type) {
    case 'String': case 'Number': case 'Boolean': case 'Date':
      return deepEqual(left.valueOf(), right.valueOf(), memo);
    case 'Promise': case 'Symbol': case 'function': case 'WeakMap': case 'WeakSet': case 'Error':
      return left === right;
    case 'RegExp':
      return left.toString() === right.toString();
    case 'Arguments': case 'Array': case 'Int8Array': case 'Uint8Array': case 'Uint8ClampedArray':
    case 'Int16Array': case 'Uint16Array': case 'Int32Array': case 'Uint32Array':
    case 'Float32Array': case 'Float64Array':
      return listEqual(left, right, memo);
    case 'Map': case 'Set':
      if (left.size !== right.size) return false;
      var rightEntries = Array.from(right.entries());
      return Array.from(left.entries()).every(function (entry) {
        return rightEntries.some(function (other) { return deepEqual(entry, other, memo); });
      });
    default:
      var leftKeys = enumerableKeys(left), rightKeys = enumerableKeys(right);
      if (leftKeys.length !== rightKeys.length) return false;
      if (!leftKeys.length) return true;
      leftKeys = sortKeys(leftKeys);
      rightKeys = sortKeys(rightKeys);
      for (var k = 0; k < leftKeys.length; k++) {
        if (leftKeys[k] !== rightKeys[k]) return false;
      }
      for (var j = 0; j < leftKeys.length; j++) {
        if (!deepEqual(left[leftKeys[j]], right[leftKeys[j]], memo)) return false;
      }
      return true;
  }
}

function hasProperty(obj, name) {
  if (obj === undefined || obj === null) return false;
  return name in Object(obj);
}

// chai's nested-property syntax: 'a.b[1].c', with '\.' and '\[' escaping.
function parsePath(path) {
  var str = path.replace(/([^\\])\[/g, '$1.[');
  var parts = str.match(/(\\\.|[^.]+?)+/g) || [];
  return parts.map(function (value) {
    if (value === 'constructor' || value === '__proto__' || value === 'prototype') return {};
    var index = /^\[(\d+)\]$/.exec(value);
    if (index) return { i: parseFloat(index[1]) };
    return { p: value.replace(/\\([.[\]])/g, '$1') };
  });
}

function valueAtParsedPath(obj, parsed, upto) {
  var current = obj;
  var end = upto === undefined ? parsed.length : upto;
  for (var i = 0; i < end; i++) {
    if (current === undefined || current === null) return undefined;
    var part = parsed[i];
    current = part.p === undefined ? current[part.i] : current[part.p];
  }
  return current;
}

function pathInfo(obj, path) {
  var parsed = parsePath(path);
  var last = parsed[parsed.length - 1] || {};
  var info = {
    parent: parsed.length > 1 ? valueAtParsedPath(obj, parsed, parsed.length - 1) : obj,
    name: last.p !== undefined ? last.p : last.i,
    value: valueAtParsedPath(obj, parsed)
  };
  info.exists = hasProperty(info.parent, info.name);
  return info;
}

// lodash's path syntax for _.has/_.get: 'a.b[0]', 'a["b.c"]'; own properties only.
function lodashPath(path) {
  var parts = [];
  String(path).replace(/[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g,
    function (match, number, quote, subString) {
      parts.push(quote ? subString.replace(/\\(\\)?/g, '$1') : (number || match));
    });
  return parts;
}

function lodashHas(obj, path) {
  if (obj === null || obj === undefined) return false;
  if (Object.prototype.hasOwnProperty.call(Object(obj), path)) return true;
  var parts = lodashPath(path), current = obj;
  for (var i = 0; i < parts.length; i++) {
    if (current === null || current === undefined) return false;
    if (!Object.prototype.hasOwnProperty.call(Object(current), parts[i])) return false;
    current = current[parts[i]];
  }
  return parts.length > 0;
}

function lodashGet(obj, path) {
  if (obj === null || obj === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(Object(obj), path)) return obj[path];
  var parts = lodashPath(path), current = obj;
  for (var i = 0; i < parts.length; i++) {
    if (current === null || current === undefined) return undefined;
    current = current[parts[i]];
  }
  return current;
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  var proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

// Edit distance, giving up past `cap` (used for "Did you mean" suggestions).
function stringDistanceCapped(a, b, cap) {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  var rows = [];
  for (var i = 0; i <= a.length; i++) { rows[i] = [i]; }
  for (var j = 0; j <= b.length; j++) { rows[0][j] = j; }
  for (i = 1; i <= a.length; i++) {
    var ch = a.charCodeAt(i - 1);
    for (j = 1; j <= b.length; j++) {
      if (Math.abs(i - j) >= cap) { rows[i][j] = cap; continue; }
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1,
        rows[i - 1][j - 1] + (ch === b.charCodeAt(j - 1) ? 0 : 1));
    }
  }
  return rows[a.length][b.length];
}
