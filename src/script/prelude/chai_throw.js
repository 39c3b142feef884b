// chai_throw.js: `expect(fn).to.throw(...)` with chai 4's matching rules (error instance,
// constructor, message substring or RegExp) and its messages.

function constructorName(errorLike) {
  if (typeof errorLike === 'function') return errorLike.name || '';
  return errorLike && errorLike.constructor ? errorLike.constructor.name : '';
}

function compatibleInstance(thrown, errorLike) {
  return errorLike instanceof Error && thrown === errorLike;
}

function compatibleConstructor(thrown, errorLike) {
  if (errorLike instanceof Error) {
    return thrown && (thrown.constructor === errorLike.constructor || thrown instanceof errorLike.constructor);
  }
  if (typeof errorLike === 'function' && (errorLike.prototype instanceof Error || errorLike === Error)) {
    return thrown && (thrown.constructor === errorLike || thrown instanceof errorLike);
  }
  return false;
}

function thrownMessage(thrown) {
  if (thrown && thrown.message !== undefined) return thrown.message;
  return typeof thrown === 'string' ? thrown : '';
}

function compatibleMessage(thrown, matcher) {
  var message = thrownMessage(thrown);
  if (matcher instanceof RegExp) return matcher.test(message);
  if (typeof matcher === 'string') return message.indexOf(matcher) !== -1;
  return false;
}

function describeThrown(thrown) {
  if (thrown instanceof Error) return thrown.toString();
  if (typeof thrown === 'string') return thrown;
  return thrown && constructorName(thrown);
}

function assertThrows(errorLike, errMsgMatcher, message) {
  if (message) setFlag(this, 'message', message);
  var obj = flag(this, 'object'), negate = flag(this, 'negate') || false;
  subAssertion(this, obj).is.a('function');
  if (errorLike instanceof RegExp || typeof errorLike === 'string') {
    errMsgMatcher = errorLike;
    errorLike = null;
  }
  var caught;
  try {
    obj();
  } catch (err) {
    caught = err;
  }
  var everyArgUndefined = errorLike === undefined && errMsgMatcher === undefined;
  var everyArgDefined = Boolean(errorLike && errMsgMatcher);
  var errorLikeFail = false, matcherFail = false;
  var expectedName = errorLike instanceof Error ? errorLike.toString() : errorLike && constructorName(errorLike);

  if (everyArgUndefined || (!everyArgUndefined && !negate)) {
    var wanted = 'an error';
    if (errorLike instanceof Error) wanted = '#{exp}';
    else if (errorLike) wanted = constructorName(errorLike);
    this.assert(caught !== undefined, 'expected #{this} to throw ' + wanted,
      'expected #{this} to not throw an error but #{act} was thrown',
      errorLike && errorLike.toString(), describeThrown(caught));
  }
  if (errorLike && caught !== undefined) {
    if (errorLike instanceof Error && compatibleInstance(caught, errorLike) === negate) {
      if (everyArgDefined && negate) errorLikeFail = true;
      else this.assert(negate, 'expected #{this} to throw #{exp} but #{act} was thrown',
        'expected #{this} to not throw #{exp}' + (caught && !negate ? ' but #{act} was thrown' : ''),
        errorLike.toString(), describeThrown(caught));
    }
    if (Boolean(compatibleConstructor(caught, errorLike)) === negate) {
      if (everyArgDefined && negate) errorLikeFail = true;
      else this.assert(negate, 'expected #{this} to throw #{exp} but #{act} was thrown',
        'expected #{this} to not throw #{exp}' + (caught ? ' but #{act} was thrown' : ''),
        expectedName, describeThrown(caught));
    }
  }
  if (caught !== undefined && errMsgMatcher !== undefined && errMsgMatcher !== null) {
    var placeholder = errMsgMatcher instanceof RegExp ? 'matching' : 'including';
    if (compatibleMessage(caught, errMsgMatcher) === negate) {
      if (everyArgDefined && negate) matcherFail = true;
      else this.assert(negate, 'expected #{this} to throw error ' + placeholder + ' #{exp} but got #{act}',
        'expected #{this} to throw error not ' + placeholder + ' #{exp}', errMsgMatcher, thrownMessage(caught));
    }
  }
  if (errorLikeFail && matcherFail) {
    this.assert(negate, 'expected #{this} to throw #{exp} but #{act} was thrown',
      'expected #{this} to not throw #{exp}' + (caught ? ' but #{act} was thrown' : ''),
      expectedName, describeThrown(caught));
  }
  setFlag(this, 'object', caught);
}
['throw', 'throws', 'Throw'].forEach(function (name) { addMethod(name, assertThrows); });
