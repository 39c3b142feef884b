// chai_assertions.js: chai 4's BDD assertions with its exact message templates
// (equality, types, truthiness, comparisons, properties, lengths, keys, members, throws).

function article(type) {
  return /^[aeiou]/i.test(type) ? 'an ' : 'a ';
}

function assertType(type) {
  type = String(type).toLowerCase();
  var obj = flag(this, 'object');
  this.assert(type === typeOf(obj).toLowerCase(),
    'expected #{this} to be ' + article(type) + type,
    'expected #{this} not to be ' + article(type) + type);
}
addChainableMethod('an', assertType);
addChainableMethod('a', assertType);

function includeChaining() { setFlag(this, 'contains', true); }

function assertInclude(val, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object');
  var objType = typeOf(obj).toLowerCase();
  var negate = flag(this, 'negate');
  var isDeep = flag(this, 'deep');
  var descriptor = isDeep ? 'deep ' : '';
  var included = false;
  switch (objType) {
    case 'string':
      included = obj.indexOf(val) !== -1;
      break;
    case 'weakset':
      if (isDeep) failWith(this, 'unable to use .deep.include with WeakSet');
      included = obj.has(val);
      break;
    case 'map':
      obj.forEach(function (item) { included = included || (isDeep ? deepEqual(item, val) : item === val); });
      break;
    case 'set':
      if (isDeep) obj.forEach(function (item) { included = included || deepEqual(item, val); });
      else included = obj.has(val);
      break;
    case 'array':
      included = isDeep ? obj.some(function (item) { return deepEqual(item, val); }) : obj.indexOf(val) !== -1;
      break;
    default:
      if (val !== Object(val)) {
        var valType = typeOf(val).toLowerCase();
        failWith(this, 'the given combination of arguments (' + objType + ' and ' + valType + ')' +
          ' is invalid for this assertion. You can use an array, a map, an object, a set, a string, ' +
          'or a weakset instead of a ' + valType);
      }
      var props = Object.keys(val), firstError = null, errors = 0, self = this;
      props.forEach(function (prop) {
        var sub = new Assertion(obj);
        var flags = self.__flags;
        for (var key in flags) { if (key !== 'object') sub.__flags[key] = flags[key]; }
        if (!negate || props.length === 1) {
          sub.property(prop, val[prop]);
          return;
        }
        try {
          sub.property(prop, val[prop]);
        } catch (err) {
          if (!(err instanceof AssertionError)) throw err;
          if (firstError === null) firstError = err;
          errors++;
        }
      });
      if (negate && props.length > 1 && errors === props.length) throw firstError;
      return;
  }
  this.assert(included,
    'expected #{this} to ' + descriptor + 'include #{exp}',
    'expected #{this} to not ' + descriptor + 'include #{exp}', val);
}
['include', 'contain', 'includes', 'contains'].forEach(function (name) {
  addChainableMethod(name, assertInclude, includeChaining);
});

addProperty('ok', function () {
  var obj = flag(this, 'object');
  if (obj instanceof PostmanResponse) return assertResponseOk.call(this);
  this.assert(obj, 'expected #{this} to be truthy', 'expected #{this} to be falsy');
});
addProperty('true', function () {
  this.assert(flag(this, 'object') === true, 'expected #{this} to be true',
    'expected #{this} to be false', !flag(this, 'negate'));
});
addProperty('false', function () {
  this.assert(flag(this, 'object') === false, 'expected #{this} to be false',
    'expected #{this} to be true', !!flag(this, 'negate'));
});
addProperty('null', function () {
  this.assert(flag(this, 'object') === null, 'expected #{this} to be null', 'expected #{this} not to be null');
});
addProperty('undefined', function () {
  this.assert(flag(this, 'object') === undefined, 'expected #{this} to be undefined',
    'expected #{this} not to be undefined');
});
addProperty('NaN', function () {
  var obj = flag(this, 'object');
  this.assert(typeof obj === 'number' && obj !== obj, 'expected #{this} to be NaN', 'expected #{this} not to be NaN');
});
addProperty('exist', function () {
  var obj = flag(this, 'object');
  this.assert(obj !== null && obj !== undefined, 'expected #{this} to exist', 'expected #{this} to not exist');
});
addProperty('empty', function () {
  var obj = flag(this, 'object'), count;
  switch (typeOf(obj).toLowerCase()) {
    case 'array': case 'string': count = obj.length; break;
    case 'map': case 'set': count = obj.size; break;
    case 'weakmap': case 'weakset': failWith(this, '.empty was passed a weak collection'); break;
    case 'function': failWith(this, ('.empty was passed a function ' + (obj.name || '')).trim()); break;
    default:
      if (obj !== Object(obj)) failWith(this, '.empty was passed non-string primitive ' + chaiInspect(obj));
      count = Object.keys(obj).length;
  }
  this.assert(count === 0, 'expected #{this} to be empty', 'expected #{this} not to be empty');
});

function assertEqual(val, message) {
  if (message) setFlag(this, 'message', message);
  if (flag(this, 'deep')) return assertEql.call(this, val);
  this.assert(val === flag(this, 'object'), 'expected #{this} to equal #{exp}',
    'expected #{this} to not equal #{exp}', val, this._obj, true);
}
['equal', 'equals', 'eq'].forEach(function (name) { addMethod(name, assertEqual); });

function assertEql(val, message) {
  if (message) setFlag(this, 'message', message);
  this.assert(deepEqual(val, flag(this, 'object')), 'expected #{this} to deeply equal #{exp}',
    'expected #{this} to not deeply equal #{exp}', val, this._obj, true);
}
addMethod('eql', assertEql);
addMethod('eqls', assertEql);

// above/least/below/most share their argument checks and the `length` form.
function comparison(name, test, words, lengthWords) {
  return function (n, message) {
    if (message) setFlag(this, 'message', message);
    var obj = flag(this, 'object');
    var doLength = flag(this, 'doLength');
    var objType = typeOf(obj).toLowerCase(), nType = typeOf(n).toLowerCase();
    if (doLength && objType !== 'map' && objType !== 'set') subAssertion(this, obj).to.have.property('length');
    if (!doLength && objType === 'date' && nType !== 'date') {
      failWith(this, 'the argument to ' + name + ' must be a date');
    } else if (nType !== 'number' && (doLength || objType === 'number')) {
      failWith(this, 'the argument to ' + name + ' must be a number');
    } else if (!doLength && objType !== 'date' && objType !== 'number') {
      failWith(this, 'expected ' + (objType === 'string' ? "'" + obj + "'" : String(obj)) + ' to be a number or a date');
    }
    if (doLength) {
      var descriptor = 'length', count;
      if (objType === 'map' || objType === 'set') { descriptor = 'size'; count = obj.size; } else count = obj.length;
      this.assert(test(count, n),
        'expected #{this} to have a ' + descriptor + ' ' + lengthWords[0] + ' #{exp} but got #{act}',
        'expected #{this} to not have a ' + descriptor + ' ' + lengthWords[1] + ' #{exp}', n, count);
    } else {
      this.assert(test(obj, n), 'expected #{this} to be ' + words[0] + ' #{exp}',
        'expected #{this} to be ' + words[1] + ' #{exp}', n);
    }
  };
}
var assertAbove = comparison('above', function (a, b) { return a > b; }, ['above', 'at most'], ['above', 'above']);
var assertLeast = comparison('least', function (a, b) { return a >= b; }, ['at least', 'below'], ['at least', 'below']);
var assertBelow = comparison('below', function (a, b) { return a < b; }, ['below', 'at least'], ['below', 'below']);
var assertMost = comparison('most', function (a, b) { return a <= b; }, ['at most', 'above'], ['at most', 'above']);
['above', 'gt', 'greaterThan'].forEach(function (n) { addMethod(n, assertAbove); });
['least', 'gte', 'greaterThanOrEqual'].forEach(function (n) { addMethod(n, assertLeast); });
['below', 'lt', 'lessThan'].forEach(function (n) { addMethod(n, assertBelow); });
['most', 'lte', 'lessThanOrEqual'].forEach(function (n) { addMethod(n, assertMost); });

addMethod('within', function (start, finish, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object'), doLength = flag(this, 'doLength');
  var objType = typeOf(obj).toLowerCase(), startType = typeOf(start).toLowerCase(), finishType = typeOf(finish).toLowerCase();
  var range = startType === 'date' && finishType === 'date'
    ? start.toISOString() + '..' + finish.toISOString() : start + '..' + finish;
  if (doLength && objType !== 'map' && objType !== 'set') subAssertion(this, obj).to.have.property('length');
  if (!doLength && objType === 'date' && (startType !== 'date' || finishType !== 'date')) {
    failWith(this, 'the arguments to within must be dates');
  } else if ((startType !== 'number' || finishType !== 'number') && (doLength || objType === 'number')) {
    failWith(this, 'the arguments to within must be numbers');
  } else if (!doLength && objType !== 'date' && objType !== 'number') {
    failWith(this, 'expected ' + (objType === 'string' ? "'" + obj + "'" : String(obj)) + ' to be a number or a date');
  }
  if (doLength) {
    var descriptor = 'length', count;
    if (objType === 'map' || objType === 'set') { descriptor = 'size'; count = obj.size; } else count = obj.length;
    this.assert(count >= start && count <= finish, 'expected #{this} to have a ' + descriptor + ' within ' + range,
      'expected #{this} to not have a ' + descriptor + ' within ' + range);
  } else {
    this.assert(obj >= start && obj <= finish, 'expected #{this} to be within ' + range,
      'expected #{this} to not be within ' + range);
  }
});

function assertInstanceOf(constructor, message) {
  if (message) setFlag(this, 'message', message);
  var target = flag(this, 'object'), isInstance;
  try {
    isInstance = target instanceof constructor;
  } catch (err) {
    if (err instanceof TypeError) {
      failWith(this, 'The instanceof assertion needs a constructor but ' + typeOf(constructor) + ' was given.');
    }
    throw err;
  }
  var name = constructor && constructor.name ? constructor.name : 'an unnamed constructor';
  this.assert(isInstance, 'expected #{this} to be an instance of ' + name,
    'expected #{this} to not be an instance of ' + name);
}
addMethod('instanceof', assertInstanceOf);
addMethod('instanceOf', assertInstanceOf);

function assertProperty(name, val, message) {
  if (message) setFlag(this, 'message', message);
  var isNested = flag(this, 'nested'), isOwn = flag(this, 'own'), nameType = typeof name;
  if (isNested) {
    if (nameType !== 'string') failWith(this, 'the argument to property must be a string when using nested syntax');
  } else if (nameType !== 'string' && nameType !== 'number' && nameType !== 'symbol') {
    failWith(this, 'the argument to property must be a string, number, or symbol');
  }
  if (isNested && isOwn) failWith(this, 'The "nested" and "own" flags cannot be combined.');
  var obj = flag(this, 'object');
  if (obj === null || obj === undefined) failWith(this, 'Target cannot be null or undefined.');
  var isDeep = flag(this, 'deep'), negate = flag(this, 'negate');
  var info = isNested ? pathInfo(obj, name) : null;
  var value = isNested ? info.value : obj[name];
  var descriptor = (isDeep ? 'deep ' : '') + (isOwn ? 'own ' : '') + (isNested ? 'nested ' : '') + 'property ';
  var has = isOwn ? Object.prototype.hasOwnProperty.call(obj, name) : isNested ? info.exists : hasProperty(obj, name);
  if (!negate || arguments.length === 1) {
    this.assert(has, 'expected #{this} to have ' + descriptor + chaiInspect(name),
      'expected #{this} to not have ' + descriptor + chaiInspect(name));
  }
  if (arguments.length > 1) {
    this.assert(has && (isDeep ? deepEqual(val, value) : val === value),
      'expected #{this} to have ' + descriptor + chaiInspect(name) + ' of #{exp}, but got #{act}',
      'expected #{this} to not have ' + descriptor + chaiInspect(name) + ' of #{act}', val, value);
  }
  setFlag(this, 'object', value);
}
addMethod('property', assertProperty);

function assertOwnProperty() {
  setFlag(this, 'own', true);
  return assertProperty.apply(this, arguments);
}
addMethod('ownProperty', assertOwnProperty);
addMethod('haveOwnProperty', assertOwnProperty);

function assertLengthOf(n, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object'), objType = typeOf(obj).toLowerCase(), descriptor = 'length', count;
  if (objType === 'map' || objType === 'set') {
    descriptor = 'size';
    count = obj.size;
  } else {
    subAssertion(this, obj).to.have.property('length');
    count = obj.length;
  }
  this.assert(count == n, 'expected #{this} to have a ' + descriptor + ' of #{exp} but got #{act}',
    'expected #{this} to not have a ' + descriptor + ' of #{act}', n, count);
}
function lengthChaining() { setFlag(this, 'doLength', true); }
addChainableMethod('length', assertLengthOf, lengthChaining);
addChainableMethod('lengthOf', assertLengthOf, lengthChaining);

function assertMatch(re, message) {
  if (message) setFlag(this, 'message', message);
  this.assert(re.exec(flag(this, 'object')), 'expected #{this} to match ' + re, 'expected #{this} not to match ' + re);
}
addMethod('match', assertMatch);
addMethod('matches', assertMatch);

addMethod('string', function (str, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object');
  subAssertion(this, obj).is.a('string');
  this.assert(obj.indexOf(str) !== -1, 'expected #{this} to contain ' + chaiInspect(str),
    'expected #{this} to not contain ' + chaiInspect(str));
});

function compareByInspect(a, b) {
  return chaiInspect(a) < chaiInspect(b) ? -1 : 1;
}

function assertKeys(keys) {
  var obj = flag(this, 'object'), objType = typeOf(obj), keysType = typeOf(keys);
  var isDeep = flag(this, 'deep'), deepStr = '', actual;
  var mixedArgs = 'when testing keys against an object or an array you must give a single ' +
    'Array|Object|String argument or multiple String arguments';
  if (objType === 'Map' || objType === 'Set') {
    deepStr = isDeep ? 'deeply ' : '';
    actual = [];
    obj.forEach(function (value, key) { actual.push(key); });
    if (keysType !== 'Array') keys = Array.prototype.slice.call(arguments);
  } else {
    actual = Object.keys(obj).concat(Object.getOwnPropertySymbols(obj).filter(function (s) {
      return Object.getOwnPropertyDescriptor(obj, s).enumerable;
    }));
    if (keysType === 'Array') {
      if (arguments.length > 1) failWith(this, mixedArgs);
    } else if (keysType === 'Object') {
      if (arguments.length > 1) failWith(this, mixedArgs);
      keys = Object.keys(keys);
    } else {
      keys = Array.prototype.slice.call(arguments);
    }
    keys = keys.map(function (k) { return typeof k === 'symbol' ? k : String(k); });
  }
  if (!keys.length) failWith(this, 'keys required');
  var any = flag(this, 'any'), all = flag(this, 'all'), expected = keys, ok;
  var same = isDeep ? deepEqual : function (a, b) { return a === b; };
  if (!any && !all) all = true;
  var found = function (key) { return actual.some(function (a) { return same(key, a); }); };
  if (any) ok = expected.some(found);
  if (all) {
    ok = expected.every(found);
    if (!flag(this, 'contains')) ok = ok && keys.length === actual.length;
  }
  var text;
  if (keys.length > 1) {
    var shown = keys.map(function (k) { return chaiInspect(k); });
    var last = shown.pop();
    text = shown.join(', ') + (all ? ', and ' : ', or ') + last;
  } else {
    text = chaiInspect(keys[0]);
  }
  text = (keys.length > 1 ? 'keys ' : 'key ') + text;
  text = (flag(this, 'contains') ? 'contain ' : 'have ') + text;
  this.assert(ok, 'expected #{this} to ' + deepStr + text, 'expected #{this} to not ' + deepStr + text,
    expected.slice(0).sort(compareByInspect), actual.sort(compareByInspect), true);
}
addMethod('keys', assertKeys);
addMethod('key', assertKeys);

function isSubsetOf(subset, superset, cmp, contains, ordered) {
  if (!contains) {
    if (subset.length !== superset.length) return false;
    superset = superset.slice();
  }
  return subset.every(function (elem, idx) {
    if (ordered) return cmp ? cmp(elem, superset[idx]) : elem === superset[idx];
    if (!cmp) {
      var at = superset.indexOf(elem);
      if (at === -1) return false;
      if (!contains) superset.splice(at, 1);
      return true;
    }
    return superset.some(function (other, at2) {
      if (!cmp(elem, other)) return false;
      if (!contains) superset.splice(at2, 1);
      return true;
    });
  });
}

addMethod('members', function (subset, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object');
  subAssertion(this, obj).to.be.an('array');
  subAssertion(this, subset).to.be.an('array');
  var contains = flag(this, 'contains'), ordered = flag(this, 'ordered'), subject, failMsg, negateMsg;
  if (contains) {
    subject = ordered ? 'an ordered superset' : 'a superset';
    failMsg = 'expected #{this} to be ' + subject + ' of #{exp}';
    negateMsg = 'expected #{this} to not be ' + subject + ' of #{exp}';
  } else {
    subject = ordered ? 'ordered members' : 'members';
    failMsg = 'expected #{this} to have the same ' + subject + ' as #{exp}';
    negateMsg = 'expected #{this} to not have the same ' + subject + ' as #{exp}';
  }
  var cmp = flag(this, 'deep') ? deepEqual : undefined;
  this.assert(isSubsetOf(subset, obj, cmp, contains, ordered), failMsg, negateMsg, subset, obj, true);
});

addMethod('oneOf', function (list, message) {
  if (message) setFlag(this, 'message', message);
  var expected = flag(this, 'object');
  subAssertion(this, list).to.be.an('array');
  if (flag(this, 'contains')) {
    this.assert(list.some(function (p) { return expected.indexOf(p) > -1; }),
      'expected #{this} to contain one of #{exp}', 'expected #{this} to not contain one of #{exp}', list, expected);
  } else if (flag(this, 'deep')) {
    this.assert(list.some(function (p) { return deepEqual(expected, p); }),
      'expected #{this} to deeply equal one of #{exp}', 'expected #{this} to deeply equal one of #{exp}', list, expected);
  } else {
    this.assert(list.indexOf(expected) > -1, 'expected #{this} to be one of #{exp}',
      'expected #{this} to not be one of #{exp}', list, expected);
  }
});

function assertCloseTo(expected, delta, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object');
  subAssertion(this, obj).is.a('number');
  if (typeof expected !== 'number' || typeof delta !== 'number') {
    failWith(this, 'the arguments to closeTo or approximately must be numbers' +
      (delta === undefined ? ', and a delta is required' : ''));
  }
  this.assert(Math.abs(obj - expected) <= delta, 'expected #{this} to be close to ' + expected + ' +/- ' + delta,
    'expected #{this} not to be close to ' + expected + ' +/- ' + delta);
}
addMethod('closeTo', assertCloseTo);
addMethod('approximately', assertCloseTo);

function assertSatisfy(matcher, message) {
  if (message) setFlag(this, 'message', message);
  var result = matcher(flag(this, 'object'));
  this.assert(result, 'expected #{this} to satisfy ' + objDisplay(matcher),
    'expected #{this} to not satisfy' + objDisplay(matcher), !flag(this, 'negate'), result);
}
addMethod('satisfy', assertSatisfy);
addMethod('satisfies', assertSatisfy);

addMethod('respondTo', function (method, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object'), itself = flag(this, 'itself');
  var context = typeof obj === 'function' && !itself ? obj.prototype[method] : obj[method];
  this.assert(typeof context === 'function', 'expected #{this} to respond to ' + chaiInspect(method),
    'expected #{this} to not respond to ' + chaiInspect(method));
});
