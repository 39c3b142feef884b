// variables.js: pm.environment / globals / collectionVariables / iterationData
// (VariableScope over one map), pm.variables (the resolved view, local > data >
// environment > collection > globals) and `{{name}}` substitution for replaceIn.

var TOKEN = /\{\{([^{}]*?)\}\}/g;
var MAX_SUBSTITUTION_PASSES = 19;

function substitutable(value) {
  var t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean';
}

// Postman's substitution: innermost tokens first, repeated until nothing changes;
// unknown names stay as written.
function substitute(template, lookup) {
  if (typeof template !== 'string') return template;
  var text = template;
  for (var pass = 0; pass < MAX_SUBSTITUTION_PASSES; pass++) {
    var replaced = false;
    text = text.replace(TOKEN, function (match, name) {
      var value = lookup(name);
      if (!substitutable(value)) return match;
      replaced = true;
      return String(value);
    });
    if (!replaced) break;
  }
  return text;
}

// What a variable that exists substitutes as: Postman writes undefined as nothing and null
// as "null" (a name that does not exist stays as written).
function existing(value) {
  if (value === undefined) return '';
  if (value === null) return 'null';
  return value;
}

function dynamicValue(name) {
  if (name.charAt(0) !== '$') return undefined;
  var value = native.dynamicVariable(name);
  return value === null || value === undefined ? undefined : value;
}

function own(map, key) {
  return Object.prototype.hasOwnProperty.call(map, key);
}

// A declared type's cast, as postman-collection applies it both ways: String, Number,
// Boolean (so "false" reads true, as in Newman); any other type leaves the value alone.
function castTo(type, value) {
  if (value === undefined) return value;
  if (type === 'string') return String(value);
  if (type === 'number') return Number(value);
  if (type === 'boolean') return Boolean(value);
  return value;
}

// One scope's values, fetched from Rust (as JSON text) on first use; `dirty` once changed,
// so untouched scopes never travel back to Rust.
// A local variable set to undefined stays undefined across requests, as Newman's local
// scope keeps it; JSON carries it as this text (`vars::LOCAL_UNDEFINED` on the Rust side).
var LOCAL_UNDEFINED = '\u0000postie:undefined\u0000';

class ScopeSlot {
  constructor(index) {
    this.index = index;
    this.values = null;
    this.dirty = false;
  }
  get map() {
    if (this.values === null) {
      var values = JSON.parse(native.scopeText(this.index));
      if (this.index === 0) {
        Object.keys(values).forEach(function (k) { if (values[k] === LOCAL_UNDEFINED) values[k] = undefined; });
      }
      this.values = values;
    }
    return this.values;
  }
  get types() {
    if (!this._types) this._types = JSON.parse(native.scopeTypes(this.index));
    return this._types;
  }
}

// `scope.values`: the scope's variables as postman-collection's PropertyList offers them
// (`each`, `filter` returning an array, `find`, `map`, ...), read when asked.
class VariableList {
  constructor(scope) { this._scope = scope; }
  _members() {
    var slot = this._scope._slot, map = slot.map, types = slot.types;
    return Object.keys(map).map(function (k) {
      return { key: k, value: castTo(types[k], map[k]), type: types[k] || 'any' };
    });
  }
  all() { return this._members(); }
  count() { return this._members().length; }
  each(fn, ctx) { this._members().forEach(fn, ctx); }
  filter(fn, ctx) { return this._members().filter(fn, ctx); }
  find(fn, ctx) { return this._members().find(fn, ctx); }
  map(fn, ctx) { return this._members().map(fn, ctx); }
  reduce(fn, acc, ctx) { return this._members().reduce(function (a, m) { return fn.call(ctx, a, m); }, acc); }
  idx(i) { return this._members()[i]; }
  one(key) { return this._members().find(function (m) { return m.key === key; }); }
  get(key) { return this._scope.get(key); }
  has(key) { return this._scope.has(key); }
  toObject() { return this._scope.toObject(); }
  toJSON() { return this._members(); }
}

class VariableScope {
  constructor(slot, name) {
    this._slot = slot;
    if (name !== undefined && name !== null) this.name = name;
  }
  get values() { return new VariableList(this); }
  has(key) { return own(this._slot.map, key); }
  get(key) { var map = this._slot.map; return own(map, key) ? castTo(this._slot.types[key], map[key]) : undefined; }
  set(key, value, type) {
    if (key === undefined || key === null) return;
    key = String(key);
    if (typeof type === 'string') this._slot.types[key] = type;
    this._slot.map[key] = castTo(this._slot.types[key], value);
    this._slot.dirty = true;
  }
  unset(key) { delete this._slot.map[key]; this._slot.dirty = true; }
  clear() { this._slot.values = {}; this._slot.dirty = true; }
  toObject() { return Object.assign({}, this._slot.map); }
  toJSON() {
    var values = this._slot.map;
    return { values: Object.keys(values).map(function (k) {
      return { key: k, value: values[k], type: typeof values[k] === 'object' ? 'any' : typeof values[k] };
    }) };
  }
  replaceIn(template) {
    var values = this._slot.map;
    return substitute(template, function (name) {
      return own(values, name) ? existing(values[name]) : dynamicValue(name);
    });
  }
}

// Slots in precedence order: local, data, environment, collection, globals.
class VariablesView {
  constructor(slots) { this._slots = slots; }
  _find(key) {
    for (var i = 0; i < this._slots.length; i++) {
      var map = this._slots[i].map;
      if (own(map, key)) return { found: true, value: castTo(this._slots[i].types[key], map[key]), local: i === 0 };
    }
    return { found: false };
  }
  has(key) { return this._find(key).found; }
  get(key) { return this._find(key).value; }
  set(key, value) {
    if (key === undefined || key === null) return;
    this._slots[0].map[String(key)] = value;
    this._slots[0].dirty = true;
  }
  unset(key) { delete this._slots[0].map[key]; this._slots[0].dirty = true; }
  toObject() {
    var out = {};
    for (var i = this._slots.length - 1; i >= 0; i--) Object.assign(out, this._slots[i].map);
    return out;
  }
  replaceIn(template) {
    var self = this;
    return substitute(template, function (name) {
      var hit = self._find(name);
      // a local set to undefined by an earlier script arrives as null: nothing, as the
      // request's own substitution gives (see Scopes::resolve)
      if (hit.found && hit.local && hit.value === undefined) return '';
      return hit.found ? existing(hit.value) : dynamicValue(name);
    });
  }
}
