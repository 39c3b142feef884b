// chai_core.js: the Assertion object behind `pm.expect`: flags, language chains, the
// `assert` primitive with chai's message templates, and the helpers that register
// properties, methods and chainable methods. Typos in a chain throw, as with chai's proxy.

class AssertionError extends Error {
  constructor(message, props) {
    super(message);
    this.name = 'AssertionError';
    if (props) {
      for (var key in props) this[key] = props[key];
    }
  }
}

// Two functions rather than chai's one `flag(obj, key[, value])`: reading `arguments`
// costs an allocation on every call, and flags are read on every assertion.
function flag(assertion, key) {
  return assertion.__flags[key];
}

function setFlag(assertion, key, value) {
  assertion.__flags[key] = value;
}

var PROXY_EXCLUDED = ['then', 'catch', 'inspect', 'toJSON'];

// The assertion behind a chainable method's callable (`.length` in `.length.above(2)`),
// whose prototype is the assertion itself.
function rawAssertion(obj) {
  while (typeof obj === 'function') obj = Object.getPrototypeOf(obj);
  return obj;
}

function invalidPropertyError(target, property) {
  var suggestion = null, best = 4;
  var seen = {};
  for (var obj = target; obj && obj !== assertionBase; obj = Object.getPrototypeOf(obj)) {
    Object.getOwnPropertyNames(obj).forEach(function (name) {
      if (seen[name] || name.slice(0, 2) === '__' || name === 'constructor') return;
      seen[name] = true;
      var distance = stringDistanceCapped(property, name, best);
      if (distance < best) { suggestion = name; best = distance; }
    });
  }
  return new Error('Invalid Chai property: ' + property +
    (suggestion !== null ? '. Did you mean "' + suggestion + '"?' : ''));
}

// Typos in a chain throw, as with chai's proxy. Rather than a proxy around every
// assertion (a trap call for each chain word, and a cycle per assertion that only the
// GC could free), one proxy sits below Assertion.prototype: only names that neither
// the assertion nor its prototype has reach it.
var assertionBase = new Proxy({}, {
  get: function (target, property, receiver) {
    var value = Reflect.get(target, property, receiver);
    if (value === undefined && typeof property === 'string' && !(property in target) &&
      PROXY_EXCLUDED.indexOf(property) === -1) {
      throw invalidPropertyError(rawAssertion(receiver), property);
    }
    return value;
  }
});

function Assertion(obj, message) {
  this.__flags = { object: obj, message: message };
}
Object.setPrototypeOf(Assertion.prototype, assertionBase);
// Lets the constructor's assignment stop here rather than go through the typo guard.
Object.defineProperty(Assertion.prototype, '__flags', { value: null, writable: true });

Object.defineProperty(Assertion.prototype, '_obj', {
  get: function () { return flag(this, 'object'); },
  set: function (value) { setFlag(this, 'object', value); }
});

function composeMessage(assertion, args) {
  var negate = flag(assertion, 'negate');
  var template = negate ? args[2] : args[1];
  if (typeof template === 'function') template = template();
  template = template || '';
  var subject = flag(assertion, 'object');
  var actual = args.length > 4 ? args[4] : subject;
  var text = template
    .replace(/#\{this\}/g, function () { return objDisplay(subject); })
    .replace(/#\{act\}/g, function () { return objDisplay(actual); })
    .replace(/#\{exp\}/g, function () { return objDisplay(args[3]); });
  var prefix = flag(assertion, 'message');
  return prefix ? prefix + ': ' + text : text;
}

Assertion.prototype.assert = function (expr, message, negateMessage, expected, actual, showDiff) {
  var ok = flag(this, 'negate') ? !expr : !!expr;
  if (ok) return;
  var args = Array.prototype.slice.call(arguments);
  throw new AssertionError(composeMessage(this, args), {
    actual: args.length > 4 ? actual : flag(this, 'object'),
    expected: expected,
    showDiff: showDiff === undefined ? true : showDiff
  });
};

// An assertion error that is not about the subject's value (bad arguments and the like).
function failWith(assertion, text) {
  var prefix = flag(assertion, 'message');
  throw new AssertionError((prefix ? prefix + ': ' : '') + text);
}

// A sub-assertion that inherits the custom message, as chai's `new Assertion(obj, flagMsg)`.
function subAssertion(assertion, obj) {
  return new Assertion(obj, flag(assertion, 'message'));
}

// Getters and methods run on the assertion even when reached through a chainable
// method's callable; what they return as "the assertion" is whatever they were read on.
function addProperty(name, getter) {
  Object.defineProperty(Assertion.prototype, name, {
    get: function () {
      var raw = typeof this === 'function' ? rawAssertion(this) : this;
      var result = getter.call(raw);
      return result === undefined || result === raw ? this : result;
    },
    configurable: true
  });
}

function addMethod(name, method) {
  Object.defineProperty(Assertion.prototype, name, {
    value: function () {
      var self = typeof this === 'function' ? rawAssertion(this) : this;
      var result = method.apply(self, arguments);
      return result === undefined ? self : result;
    },
    writable: true,
    configurable: true
  });
}

function addChainableMethod(name, method, chainingBehavior) {
  Object.defineProperty(Assertion.prototype, name, {
    get: function () {
      var self = typeof this === 'function' ? rawAssertion(this) : this;
      if (chainingBehavior) chainingBehavior.call(self);
      var callable = function () {
        var result = method.apply(self, arguments);
        return result === undefined ? self : result;
      };
      // Let chains continue through the function (`.to.have.length.above(2)`), which
      // needs its own `length`/`name` out of the way.
      delete callable.length;
      delete callable.name;
      Object.setPrototypeOf(callable, self);
      return callable;
    },
    configurable: true
  });
}

// Language chains return the assertion itself: their getter is `addProperty`'s wrapper
// with the (identity) getter folded in, one call less on every chain word.
function chainGetter() { return this; }
['to', 'be', 'been', 'is', 'and', 'has', 'have', 'with', 'that', 'which', 'at', 'of',
  'same', 'but', 'does', 'still', 'also'].forEach(function (chain) {
  Object.defineProperty(Assertion.prototype, chain, { get: chainGetter, configurable: true });
});

addProperty('not', function () { setFlag(this, 'negate', true); });
addProperty('deep', function () { setFlag(this, 'deep', true); });
addProperty('nested', function () { setFlag(this, 'nested', true); });
addProperty('own', function () { setFlag(this, 'own', true); });
addProperty('ordered', function () { setFlag(this, 'ordered', true); });
addProperty('itself', function () { setFlag(this, 'itself', true); });
addProperty('any', function () { setFlag(this, 'any', true); setFlag(this, 'all', false); });
addProperty('all', function () { setFlag(this, 'all', true); setFlag(this, 'any', false); });

function expect(value, message) {
  return new Assertion(value, message);
}

expect.fail = function (actual, expected, message, operator) {
  if (arguments.length < 2) {
    message = actual;
    actual = undefined;
  }
  throw new AssertionError(message || 'expect.fail()', {
    actual: actual, expected: expected, operator: operator
  });
};
