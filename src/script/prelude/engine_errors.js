// engine_errors.js: error messages in the words Newman's sandbox uses, so a report reads
// the same whichever runner made it. The engine's own TypeErrors are reworded as V8's
// ("Cannot read properties of undefined (reading 'id')", "jsonData.find is not a
// function", with the expression V8 shows taken from the script's source at the error's
// position), and JSON.parse fails as the sandbox's parser does
// ("Unexpected token 'a' at 1:2", a source line and a caret; the error is a JSONError).

// origin -> the compiled script function; its text is read only when a message needs it
var SCRIPT_FUNCTIONS = {};

function rememberScript(origin, fn) {
  SCRIPT_FUNCTIONS[origin] = fn;
}

// The user script's text and the offset of line `line` (1-based), column `column` in it.
// The function's text starts with "function () {" where the compiled source had
// "(function () {", so columns of the first line are one less.
function scriptOffset(origin, line, column) {
  var fn = SCRIPT_FUNCTIONS[origin];
  if (typeof fn !== 'function') return null;
  var text;
  try { text = Function.prototype.toString.call(fn); } catch (e) { return null; }
  var offset = 0;
  for (var l = 1; l < line; l++) {
    var next = text.indexOf('\n', offset);
    if (next < 0) return null;
    offset = next + 1;
  }
  // the engine counts columns in UTF-8 bytes: walk the line to the character there
  var bytes = column - 1 - (line === 1 ? 1 : 0);
  var index = offset;
  while (bytes > 0 && index < text.length && text[index] !== '\n') {
    var code = text.charCodeAt(index);
    bytes -= code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : 3;
    index += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return { text: text, index: index };
}

function isIdentChar(c) {
  return c !== undefined && /[A-Za-z0-9_$]/.test(c);
}

// Index of the bracket that opens the one closing at `end` (scanning back), or -1.
function openingBracket(text, end) {
  var close = text[end];
  var open = close === ')' ? '(' : '[';
  var depth = 0;
  for (var i = end; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open && --depth === 0) return i;
  }
  return -1;
}

// The member chain that ends with the name starting at `start`, as V8 prints a callee:
// `a.b[0].c`, with the arguments of calls along the way shown as `(...)`.
function calleeText(text, start) {
  var end = start;
  while (isIdentChar(text[end])) end++;
  if (end === start) return null;
  var out = text.slice(start, end);
  var i = start;
  for (;;) {
    var j = i - 1;
    if (text[j] === '.' && text[j - 1] === '?') j--;
    if (text[j] !== '.') {
      if (text[j] === ']' && j === i - 1) {
        var open = openingBracket(text, j);
        if (open < 0) return out;
        out = text.slice(open, j + 1) + out;
        i = open;
        continue;
      }
      return out;
    }
    var dot = text.slice(j, i);
    var k = j - 1;
    if (text[k] === ')') {
      var openParen = openingBracket(text, k);
      if (openParen < 0) return out;
      var nameEnd = openParen;
      var nameStart = nameEnd;
      while (isIdentChar(text[nameStart - 1])) nameStart--;
      if (nameStart === nameEnd) return out;
      out = text.slice(nameStart, nameEnd) + '(...)' + dot + out;
      i = nameStart;
    } else if (text[k] === ']') {
      var openBracket = openingBracket(text, k);
      if (openBracket < 0) return out;
      out = text.slice(openBracket, k + 1) + dot + out;
      i = openBracket;
      // `list[0]`: the object the brackets index
      var objectStart = i;
      while (isIdentChar(text[objectStart - 1])) objectStart--;
      if (objectStart < i) {
        out = text.slice(objectStart, i) + out;
        i = objectStart;
      }
    } else {
      var s = j;
      while (isIdentChar(text[s - 1])) s--;
      if (s === j) return out;
      out = text.slice(s, j) + dot + out;
      i = s;
    }
  }
}

// Where the name of the called function starts. The engine points at that name for a
// call like `o.filter(1)`, but somewhere inside the arguments when they hold code of their
// own (`list.find(x => x.id)`): then the call is the innermost one still open there.
var NOT_CALLEES = ['function', 'if', 'for', 'while', 'switch', 'catch', 'return', 'typeof', 'new', 'await', 'async'];

function calleeStart(text, index) {
  var end = index;
  while (isIdentChar(text[end])) end++;
  if (end > index && text[end] === '(' && NOT_CALLEES.indexOf(text.slice(index, end)) < 0) return index;
  var depth = 0;
  for (var i = index - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(') {
      if (depth === 0) {
        var nameEnd = i;
        var start = nameEnd;
        while (isIdentChar(text[start - 1])) start--;
        return start < nameEnd ? start : index;
      }
      depth--;
    }
  }
  return index;
}

// The expression starting at `start`, read forwards (`u`, `data.items`, `a[0].b`).
function expressionFrom(text, start) {
  var i = start;
  while (isIdentChar(text[i])) i++;
  if (i === start) return null;
  for (;;) {
    if (text[i] === '.' && isIdentChar(text[i + 1])) {
      i++;
      while (isIdentChar(text[i])) i++;
    } else if (text[i] === '[') {
      var depth = 0, j = i;
      for (; j < text.length; j++) {
        if (text[j] === '[') depth++;
        else if (text[j] === ']' && --depth === 0) break;
      }
      if (j >= text.length) break;
      i = j + 1;
    } else break;
  }
  return text.slice(start, i);
}

// Where in the user script the error was raised: its line and column, when the first
// frame of its stack is the script's.
function scriptPosition(err) {
  if (typeof err.stack !== 'string') return null;
  var first = err.stack.split('\n')[0] || '';
  var match = new RegExp(SCRIPT_FILE + ':(\\d+):(\\d+)').exec(first);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

function sourceAt(err) {
  var at = scriptPosition(err);
  if (!at || !run) return null;
  return scriptOffset(run.origin, at.line, at.column);
}

// The message V8 would have given for an engine error, or the message unchanged (also
// when working it out fails: the user's error must never be replaced by ours).
function v8Message(err, message) {
  try {
    return v8Wording(err, message);
  } catch (e) {
    return message;
  }
}

function v8Wording(err, message) {
  var m = /^cannot (read|set) property '(.*)' of (undefined|null)$/.exec(message);
  if (m) {
    if (m[1] === 'read' && m[2] === 'Symbol.iterator') {
      var where = sourceAt(err);
      var iterated = where && expressionFrom(where.text, where.index);
      return iterated ? iterated + ' is not iterable' : m[3] + ' is not iterable (cannot read property Symbol(Symbol.iterator))';
    }
    return m[1] === 'read'
      ? 'Cannot read properties of ' + m[3] + " (reading '" + m[2] + "')"
      : 'Cannot set properties of ' + m[3] + " (setting '" + m[2] + "')";
  }
  if (message === "invalid 'in' operand") {
    // `'key' in value` on a value that is not an object: V8 names both. The key must be a
    // literal in the source to be named; the value is read from the source when it is a
    // literal, and is otherwise what such scripts meet, a missing property (undefined).
    var place = sourceAt(err);
    if (!place) return message;
    var lineStart = place.text.lastIndexOf('\n', place.index - 1) + 1;
    var lineEnd = place.text.indexOf('\n', place.index);
    var line = place.text.slice(lineStart, lineEnd === -1 ? place.text.length : lineEnd);
    var found = /(['"])((?:\\.|(?!\1)[^\\])*)\1\s+in\s+([^;,)\]}]+)/.exec(line);
    if (!found) return message;
    var right = found[3].trim(), shown = 'undefined';
    if (/^(null|undefined|true|false|-?\d+(\.\d+)?)$/.test(right)) shown = right;
    else if (/^(['"]).*\1$/.test(right)) shown = right.slice(1, -1);
    return "Cannot use 'in' operator to search for '" + found[2] + "' in " + shown;
  }
  if (message === 'not a function' || message === 'not a constructor') {
    var at = sourceAt(err);
    if (!at) return message;
    // `new a.B()`: the position is the start of what follows `new`
    if (/\bnew\s+$/.test(at.text.slice(0, at.index))) {
      var constructed = expressionFrom(at.text, at.index);
      if (constructed) return constructed + ' is not a constructor';
    }
    var callee = calleeText(at.text, calleeStart(at.text, at.index));
    if (callee) return callee + ' is ' + message;
  }
  return message;
}

// ---- JSON.parse as the sandbox's parser fails ----

var nativeJsonParse = JSON.parse;

function jsonErrorAt(message, position) {
  return { message: message, position: position };
}

// The first problem in `text`, in the parser's words, with its position.
function jsonProblem(text) {
  var i = 0, n = text.length;
  function ws() { while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++; }
  function unexpected() { return i < n ? jsonErrorAt(null, i) : jsonErrorAt('Unexpected end of input', i); }
  function string() {
    i++;
    while (i < n) {
      var c = text[i];
      if (c === '"') { i++; return null; }
      if (c < ' ') return jsonErrorAt('Unexpected control character', i);
      if (c === '\\') {
        i++;
        if (i >= n) return unexpected();
        if (text[i] === 'u') {
          for (var k = 1; k <= 4; k++) {
            if (i + k >= n) { i = i + k; return unexpected(); }
            if (!/[0-9a-fA-F]/.test(text[i + k])) { i = i + k; return unexpected(); }
          }
          i += 5;
          continue;
        }
        if ('"\\/bfnrt'.indexOf(text[i]) < 0) return unexpected();
      }
      i++;
    }
    return unexpected();
  }
  function number() {
    var start = i;
    if (text[i] === '-') i++;
    if (!/[0-9]/.test(text[i] || '')) return jsonErrorAt('Bad numeric literal - "' + text.slice(start, i) + '"', start);
    if (text[i] === '0') { i++; } else { while (/[0-9]/.test(text[i] || '')) i++; }
    if (text[i] === '.') {
      var dot = i;
      i++;
      if (!/[0-9]/.test(text[i] || '')) return jsonErrorAt('Non-json numeric literal - "' + text.slice(start, i) + '"', dot);
      while (/[0-9]/.test(text[i] || '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] || '')) return unexpected();
      while (/[0-9]/.test(text[i] || '')) i++;
    }
    return null;
  }
  function value() {
    ws();
    if (i >= n) return unexpected();
    var c = text[i];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    var words = ['true', 'false', 'null'];
    for (var w = 0; w < words.length; w++) {
      if (text.substr(i, words[w].length) === words[w]) { i += words[w].length; return null; }
    }
    return unexpected();
  }
  function container(close, object) {
    i++;
    ws();
    if (text[i] === close) { i++; return null; }
    for (;;) {
      var problem;
      if (object) {
        ws();
        // keys are read as values: `{{` opens an object where the key should be, so the
        // problem is reported inside it
        if (text[i] === '{' || text[i] === '[') return container(text[i] === '{' ? '}' : ']', text[i] === '{');
        if (text[i] !== '"') return unexpected();
        problem = string();
        if (problem) return problem;
        ws();
        if (text[i] !== ':') return unexpected();
        i++;
      }
      problem = value();
      if (problem) return problem;
      ws();
      if (text[i] === ',') {
        i++;
        ws();
        if (text[i] === close) return jsonErrorAt('Trailing comma in ' + (object ? 'object' : 'array'), i);
        continue;
      }
      if (text[i] === close) { i++; return null; }
      // after a member's value the parser has already stepped past the stray character
      if (object) i++;
      return unexpected();
    }
  }
  ws();
  if (n === 0) return jsonErrorAt('No data, empty input', 0);
  if (i >= n) return jsonErrorAt('No data, only a whitespace', n);
  var problem = value();
  if (problem) return problem;
  ws();
  return i < n ? unexpected() : null;
}

// "<message> at <line>:<column>", then the line (at most 70 characters before the
// position, 79 in all) and a caret under the position.
function jsonErrorMessage(text, problem) {
  var position = problem.position;
  var message = problem.message;
  if (message === null) {
    var token = JSON.stringify(text[position]).replace(/^"|"$/g, '').replace(/'/g, "\\'").replace(/\\"/g, '"');
    message = "Unexpected token '" + token + "'";
  }
  var line = 0, lineStart = 0;
  for (var k = 0; k < position; k++) {
    if (text[k] === '\r' && text[k + 1] === '\n') k++;
    if (text[k] === '\n' || text[k] === '\r') { line++; lineStart = k + 1; }
  }
  var from = Math.max(lineStart, position - 69);
  var source = '', caret = '';
  for (var p = from; ; p++) {
    var c = text[p];
    if (p >= text.length || c === '\n' || c === '\r') {
      if (position >= p) caret += '^';
      break;
    }
    source += c;
    if (p === position) caret += '^';
    else if (p < position) caret += c === '\t' ? '\t' : ' ';
    if (source.length > 78) break;
  }
  return message + ' at ' + (line + 1) + ':' + (position - lineStart + 1) + '\n' + source + '\n' + caret;
}

function jsonError(message) {
  var error = new SyntaxError(message);
  error.name = 'JSONError';
  return error;
}

JSON.parse = function parse(text, reviver) {
  try {
    return nativeJsonParse(text, reviver);
  } catch (e) {
    if (text === undefined) throw jsonError('"undefined" is not valid JSON');
    var source = String(text);
    // the sandbox's parser reads past a byte-order mark
    if (source.charCodeAt(0) === 0xfeff) {
      source = source.slice(1);
      var parsed;
      try { parsed = { value: nativeJsonParse(source) }; } catch (ignored) { parsed = null; }
      // a reviver runs outside the try, so its own errors reach the script
      if (parsed) return reviver ? nativeJsonParse(source, reviver) : parsed.value;
    }
    var message = null;
    try {
      var problem = jsonProblem(source);
      if (problem) message = jsonErrorMessage(source, problem);
    } catch (ignored) {
      message = null;
    }
    if (message === null) throw e;
    throw jsonError(message);
  }
};

// ---- callbacks handed to array methods ----
// V8 names a callback that is no function by its value (`abc is not a function`,
// `#<Object> is not a function`); QuickJS says only `not a function`, and the value is gone
// by the time the error is worded. The array methods scripts hand callbacks to check first.
// (`map`, `filter`, `some` and `every` take Sugar's matchers instead: see sugar.js.)
function v8ValueName(value) {
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  var tag = Object.prototype.toString.call(value);
  if (Array.isArray(value) || value instanceof RegExp || value instanceof Date) return tag;
  var proto = Object.getPrototypeOf(value);
  var ctor = proto && proto.constructor;
  return typeof ctor === 'function' && ctor.name ? '#<' + ctor.name + '>' : tag;
}

function guardCallback(name, accepts, message) {
  var native = Array.prototype[name];
  if (typeof native !== 'function') return;
  var guard = function (fn) {
    if (!accepts(fn)) throw new TypeError(message || v8ValueName(fn) + ' is not a function');
    return native.apply(this, arguments);
  };
  Object.defineProperty(guard, 'name', { value: name });
  Object.defineProperty(guard, 'length', { value: native.length });
  Object.defineProperty(Array.prototype, name, { value: guard, writable: true, configurable: true, enumerable: false });
}

function isFunction(fn) { return typeof fn === 'function'; }

['find', 'findIndex', 'findLast', 'findLastIndex', 'forEach', 'reduce', 'reduceRight'].forEach(function (name) {
  guardCallback(name, isFunction);
});
guardCallback('flatMap', isFunction, 'flatMap mapper function is not callable');
guardCallback('sort', function (fn) { return fn === undefined || typeof fn === 'function'; },
  'The comparison function must be either a function or undefined');
