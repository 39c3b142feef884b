// inspect.js: how values are printed. `chaiInspect`/`objDisplay` reproduce chai 4's
// failure-message formatting (loupe with a 40-character budget), `nodeInspect`/`formatArgs`
// print console arguments the way Node's util.format does.

var TRUNCATOR = '\u2026';
var CHAI_TRUNCATE = 40;

function truncateText(text, length) {
  text = String(text);
  if (TRUNCATOR.length > length && text.length > TRUNCATOR.length) return TRUNCATOR;
  if (text.length > length && text.length > TRUNCATOR.length) {
    return text.slice(0, length - TRUNCATOR.length) + TRUNCATOR;
  }
  return text;
}

// Shared list layout: stops early and appends '…(n)' when the budget runs out.
function inspectList(list, options, inspectItem, separator) {
  inspectItem = inspectItem || chaiInspectWith;
  separator = separator || ', ';
  var size = list.length;
  if (size === 0) return '';
  var originalLength = options.truncate;
  var output = '', peek = '', truncated = '';
  for (var i = 0; i < size; i += 1) {
    var last = i + 1 === size;
    var secondToLast = i + 2 === size;
    truncated = TRUNCATOR + '(' + (size - i) + ')';
    var value = list[i];
    options.truncate = originalLength - output.length - (last ? 0 : separator.length);
    var string = peek || inspectItem(value, options) + (last ? '' : separator);
    var nextLength = output.length + string.length;
    var truncatedLength = nextLength + truncated.length;
    if (last && nextLength > originalLength && output.length + truncated.length <= originalLength) break;
    if (!last && !secondToLast && truncatedLength > originalLength) break;
    peek = last ? '' : inspectItem(list[i + 1], options) + (secondToLast ? '' : separator);
    if (!last && secondToLast && truncatedLength > originalLength && nextLength + peek.length > originalLength) break;
    output += string;
    if (!last && !secondToLast && nextLength + peek.length >= originalLength) {
      truncated = TRUNCATOR + '(' + (size - i - 1) + ')';
      break;
    }
    truncated = '';
  }
  return output + truncated;
}

function quoteKey(key) {
  if (/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key)) return key;
  return JSON.stringify(key).replace(/'/g, "\\'").replace(/\\"/g, '"').replace(/(^"|"$)/g, "'");
}

function inspectProperty(pair, options) {
  var key = pair[0];
  options.truncate -= 2;
  if (typeof key === 'string') key = quoteKey(key);
  else if (typeof key !== 'number') key = '[' + chaiInspectWith(key, options) + ']';
  options.truncate -= key.length;
  return key + ': ' + chaiInspectWith(pair[1], options);
}

var STRING_ESCAPES = /['\\\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0604\u070f\u17b4\u17b5\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufeff\ufff0-\uffff]/g;
var ESCAPE_NAMES = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', "'": "\\'", '\\': '\\\\' };

function escapeChar(ch) {
  return ESCAPE_NAMES[ch] || '\\u' + ('0000' + ch.charCodeAt(0).toString(16)).slice(-4);
}

function inspectObjectBody(object, options) {
  var names = Object.getOwnPropertyNames(object);
  var symbols = Object.getOwnPropertySymbols(object);
  if (names.length === 0 && symbols.length === 0) return '{}';
  options.truncate -= 4;
  if (options.seen.indexOf(object) >= 0) return '[Circular]';
  options.seen.push(object);
  var props = inspectList(names.map(function (k) { return [k, object[k]]; }), options, inspectProperty);
  var syms = inspectList(symbols.map(function (k) { return [k, object[k]]; }), options, inspectProperty);
  options.seen.pop();
  return '{ ' + props + (props && syms ? ', ' : '') + syms + ' }';
}

function inspectArrayBody(array, options) {
  var extra = Object.keys(array).slice(array.length);
  if (!array.length && !extra.length) return '[]';
  options.truncate -= 4;
  var items = inspectList(array, options);
  options.truncate -= items.length;
  var props = extra.length
    ? inspectList(extra.map(function (k) { return [k, array[k]]; }), options, inspectProperty) : '';
  return '[ ' + items + (props ? ', ' + props : '') + ' ]';
}

var ERROR_KEYS = ['stack', 'line', 'column', 'name', 'message', 'fileName', 'lineNumber',
  'columnNumber', 'number', 'description'];

function inspectErrorBody(error, options) {
  var props = Object.getOwnPropertyNames(error).filter(function (k) { return ERROR_KEYS.indexOf(k) === -1; });
  var name = error.name;
  options.truncate -= name.length;
  var message = '';
  if (typeof error.message === 'string') message = truncateText(error.message, options.truncate);
  else props.unshift('message');
  message = message ? ': ' + message : '';
  options.truncate -= message.length + 5;
  var contents = inspectList(props.map(function (k) { return [k, error[k]]; }), options, inspectProperty);
  return name + message + (contents ? ' { ' + contents + ' }' : '');
}

function inspectNumberText(number, options) {
  if (number !== number) return 'NaN';
  if (number === Infinity) return 'Infinity';
  if (number === -Infinity) return '-Infinity';
  if (number === 0) return 1 / number === Infinity ? '+0' : '-0';
  return truncateText(String(number), options.truncate);
}

function chaiInspectWith(value, parentOptions) {
  var options = { truncate: parentOptions.truncate, seen: parentOptions.seen };
  var type = value === null ? 'null' : typeof value;
  if (type === 'object') type = Object.prototype.toString.call(value).slice(8, -1);
  switch (type) {
    case 'undefined': case 'null': return type;
    case 'boolean': case 'Boolean': return String(value);
    case 'number': return inspectNumberText(value, options);
    case 'Number': return inspectNumberText(value.valueOf(), options);
    case 'bigint': case 'BigInt': return truncateText(value.toString(), options.truncate - 1) + 'n';
    case 'string': case 'String':
      var text = String(value);
      if (STRING_ESCAPES.test(text)) text = text.replace(STRING_ESCAPES, escapeChar);
      STRING_ESCAPES.lastIndex = 0;
      return "'" + truncateText(text, options.truncate - 2) + "'";
    case 'function': case 'Function': case 'AsyncFunction': case 'GeneratorFunction':
      if (!value.name) return '[Function]';
      return '[Function ' + truncateText(value.name, options.truncate - 11) + ']';
    case 'symbol': case 'Symbol': return value.toString();
    case 'Array': return inspectArrayBody(value, options);
    case 'Date':
      var iso = isNaN(value.getTime()) ? null : value.toJSON();
      if (iso === null) return 'Invalid Date';
      var split = iso.split('T');
      return split[0] + 'T' + truncateText(split[1], options.truncate - split[0].length - 1);
    case 'RegExp':
      var flags = value.flags;
      return '/' + truncateText(value.source, options.truncate - (2 + flags.length)) + '/' + flags;
    case 'Map':
      if (value.size === 0) return 'Map{}';
      options.truncate -= 7;
      return 'Map{ ' + inspectList(Array.from(value.entries()), options, function (entry, o) {
        o.truncate -= 4;
        var key = chaiInspectWith(entry[0], o);
        o.truncate -= key.length;
        return key + ' => ' + chaiInspectWith(entry[1], o);
      }) + ' }';
    case 'Set':
      if (value.size === 0) return 'Set{}';
      options.truncate -= 7;
      return 'Set{ ' + inspectList(Array.from(value), options) + ' }';
    case 'Promise': return 'Promise{\u2026}';
    case 'WeakSet': return 'WeakSet{\u2026}';
    case 'WeakMap': return 'WeakMap{\u2026}';
    case 'Arguments':
      if (!value.length) return 'Arguments[]';
      options.truncate -= 13;
      return 'Arguments[ ' + inspectList(value, options) + ' ]';
    case 'Error': return inspectErrorBody(value, options);
    case 'Int8Array': case 'Uint8Array': case 'Uint8ClampedArray': case 'Int16Array':
    case 'Uint16Array': case 'Int32Array': case 'Uint32Array': case 'Float32Array': case 'Float64Array':
      if (!value.length) return type + '[]';
      options.truncate -= type.length + 4;
      return type + '[ ' + inspectList(Array.from(value), options) + ' ]';
  }
  var proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return inspectObjectBody(value, options);
  if ('constructor' in value && value.constructor !== Object) {
    var name = (Symbol.toStringTag in value && value[Symbol.toStringTag]) ||
      (value.constructor && value.constructor.name) || '<Anonymous Class>';
    options.truncate -= name.length;
    return name + inspectObjectBody(value, options);
  }
  return inspectObjectBody(value, options);
}

// chai's `_.inspect`: loupe with the truncate threshold.
function chaiInspect(value) {
  return chaiInspectWith(value, { truncate: CHAI_TRUNCATE, seen: [] });
}

// chai's `objDisplay`: long arrays, objects and functions collapse to a summary.
function objDisplay(obj) {
  var str = chaiInspect(obj);
  if (str.length < CHAI_TRUNCATE) return str;
  var type = Object.prototype.toString.call(obj);
  if (type === '[object Function]') return !obj.name ? '[Function]' : '[Function: ' + obj.name + ']';
  if (type === '[object Array]') return '[ Array(' + obj.length + ') ]';
  if (type === '[object Object]') {
    var keys = Object.keys(obj);
    var shown = keys.length > 2 ? keys.splice(0, 2).join(', ') + ', ...' : keys.join(', ');
    return '{ Object (' + shown + ') }';
  }
  return str;
}

// ---- Node-like formatting for console output ----

var NODE_BREAK_LENGTH = 80;

function nodeQuote(text) {
  var quote = text.indexOf("'") === -1 ? "'" : text.indexOf('"') === -1 ? '"' : text.indexOf('`') === -1 ? '`' : "'";
  var escaped = text.replace(/[\\\n\t\r\b\f\u0000-\u001f]/g, function (ch) {
    return ESCAPE_NAMES[ch] || '\\x' + ('0' + ch.charCodeAt(0).toString(16)).slice(-2);
  });
  if (quote === "'") escaped = escaped.replace(/'/g, "\\'");
  return quote + escaped + quote;
}

function nodeKey(key) {
  if (typeof key === 'symbol') return '[' + key.toString() + ']';
  return /^[a-zA-Z_$][a-zA-Z_$0-9]*$/.test(key) ? key : nodeQuote(key);
}

function nodeJoin(prefix, open, close, entries, indent) {
  if (!entries.length) return prefix + open + close;
  var total = entries.length + indent.length + open.length + prefix.length + 10;
  for (var i = 0; i < entries.length; i++) total += entries[i].length;
  var multiline = entries.some(function (e) { return e.indexOf('\n') !== -1; });
  if (!multiline && total <= NODE_BREAK_LENGTH) {
    return prefix + open + ' ' + entries.join(', ') + ' ' + close;
  }
  var pad = indent + '  ';
  return prefix + open + '\n' + pad + entries.join(',\n' + pad) + '\n' + indent + close;
}

function nodeInspect(value, depth, seen, indent) {
  seen = seen || [];
  indent = indent || '';
  switch (typeof value) {
    case 'string': return nodeQuote(value);
    case 'number': return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint': return value + 'n';
    case 'boolean': case 'undefined': return String(value);
    case 'symbol': return value.toString();
    case 'function':
      // The prelude's own classes have no source text to tell (see build.rs).
      if (preludeClass(value) || /^class[\s{]/.test(Function.prototype.toString.call(value))) {
        return '[class ' + (value.name || '(anonymous)') + ']';
      }
      return '[Function: ' + (value.name || '(anonymous)') + ']';
  }
  if (value === null) return 'null';
  if (seen.indexOf(value) !== -1) return '[Circular]';
  if (value instanceof Date) return isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return value.toString();
  if (value instanceof Error) return (value.name || 'Error') + ': ' + value.message;
  var isArray = Array.isArray(value);
  var ctorName = value.constructor && value.constructor.name;
  if (depth > 2) {
    return isArray ? '[Array]' : '[' + (ctorName && ctorName !== 'Object' ? ctorName : 'Object') + ']';
  }
  seen.push(value);
  var entries = [], inner = indent + '  ';
  try {
    if (isArray) {
      var shown = Math.min(value.length, 100);
      for (var i = 0; i < shown; i++) entries.push(nodeInspect(value[i], depth + 1, seen, inner));
      if (value.length > shown) entries.push('... ' + (value.length - shown) + ' more items');
      return nodeJoin('', '[', ']', entries, indent);
    }
    if (value instanceof Map) {
      value.forEach(function (v, k) {
        entries.push(nodeInspect(k, depth + 1, seen, inner) + ' => ' + nodeInspect(v, depth + 1, seen, inner));
      });
      return nodeJoin('Map(' + value.size + ') ', '{', '}', entries, indent);
    }
    if (value instanceof Set) {
      value.forEach(function (v) { entries.push(nodeInspect(v, depth + 1, seen, inner)); });
      return nodeJoin('Set(' + value.size + ') ', '{', '}', entries, indent);
    }
    var keys = Object.keys(value);
    for (var k = 0; k < keys.length; k++) {
      entries.push(nodeKey(keys[k]) + ': ' + nodeInspect(value[keys[k]], depth + 1, seen, inner));
    }
    var proto = Object.getPrototypeOf(value);
    var prefix = proto === null ? '[Object: null prototype] '
      : ctorName && ctorName !== 'Object' ? ctorName + ' ' : '';
    return nodeJoin(prefix, '{', '}', entries, indent);
  } finally {
    seen.pop();
  }
}

// Node's util.format: %s %d %i %f %j %o %O %c %% in a leading string, then the rest
// joined with spaces, strings raw and everything else inspected.
function formatArgs(args) {
  var parts = [], start = 0;
  if (typeof args[0] === 'string' && args.length > 1 && args[0].indexOf('%') !== -1) {
    var used = 1;
    var first = args[0].replace(/%([sdifjoOc%])/g, function (match, spec) {
      if (spec === '%') return '%';
      if (used >= args.length) return match;
      var arg = args[used++];
      switch (spec) {
        case 's': return typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null ? nodeInspect(arg, 1) : String(arg);
        case 'd': case 'i':
          if (typeof arg === 'object' && arg !== null) return 'NaN';
          var n = Number(arg);
          return String(spec === 'i' ? Math.trunc(n) : n);
        case 'f': return String(parseFloat(arg));
        case 'j': try { return JSON.stringify(arg); } catch (e) { return '[Circular]'; }
        case 'c': return '';
        default: return nodeInspect(arg, 0);
      }
    });
    parts.push(first);
    start = used;
  }
  for (var i = start; i < args.length; i++) {
    parts.push(typeof args[i] === 'string' ? args[i] : nodeInspect(args[i], 0));
  }
  return parts.join(' ');
}
