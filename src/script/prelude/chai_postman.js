// chai_postman.js: the Postman assertions on `pm.response.to` / `pm.request.to`
// (status classes, named statuses, header, body, jsonBody, responseTime, jsonSchema),
// worded as chai-postman words them.

function isResponse(obj) { return obj instanceof PostmanResponse; }
function isRequest(obj) { return obj instanceof PostmanRequest; }

addProperty('postmanRequest', function () {
  this.assert(isRequest(this._obj), 'expecting a postman request object but got #{this}',
    'not expecting a postman request object');
});
addProperty('postmanResponse', function () {
  this.assert(isResponse(this._obj), 'expecting a postman response object but got #{this}',
    'not expecting a postman response object');
});
addProperty('postmanRequestOrResponse', function () {
  this.assert(isResponse(this._obj) || isRequest(this._obj),
    'expecting a postman request or response object but got #{this}',
    'not expecting a postman request or response object');
});

// chai-postman's `new Assertion(this._obj).to.be.postmanResponse`, without the chain.
function requireResponse(assertion) {
  var obj = flag(assertion, 'object');
  if (!isResponse(obj)) throw new AssertionError('expecting a postman response object but got ' + objDisplay(obj));
}

function assertStatusClass(classCode) {
  requireResponse(this);
  var statusClass = Math.floor(this._obj.code / 100);
  this.assert(statusClass === classCode, 'expected response code to be #{exp}XX but found #{act}',
    'expected response code to not be #{exp}XX', classCode, this._obj.code);
}
addMethod('statusCodeClass', assertStatusClass);
[['info', 1], ['success', 2], ['redirection', 3], ['clientError', 4], ['serverError', 5]].forEach(function (pair) {
  addProperty(pair[0], function () { assertStatusClass.call(this, pair[1]); });
});

addProperty('error', function () {
  requireResponse(this);
  var statusClass = Math.floor(this._obj.code / 100);
  this.assert(statusClass === 4 || statusClass === 5, 'expected response code to be 4XX or 5XX but found #{act}',
    'expected response code to not be 4XX or 5XX', null, this._obj.code);
});

// chai-postman checks the response has a `code` first; the empty response of a request
// that failed has none, and Newman reports it in chai's object display.
function requireCode(assertion) {
  if (assertion._obj.code === undefined) {
    throw new AssertionError("expected PostmanResponse{ \u2026(5) } to have property 'code'");
  }
}

function assertStatusCode(code) {
  requireResponse(this);
  requireCode(this);
  this.assert(this._obj.code === Number(code), 'expected response to have status code #{exp} but got #{act}',
    'expected response to not have status code #{act}', Number(code), this._obj.code);
}
addMethod('statusCode', assertStatusCode);

function assertStatusReason(reason) {
  this.assert(this._obj.reason() === reason, 'expected response to have status reason #{exp} but got #{act}',
    'expected response to not have status reason #{act}', reason, this._obj.reason());
}
addMethod('statusReason', function (reason) {
  requireResponse(this);
  assertStatusReason.call(this, String(reason));
});
addMethod('status', function (codeOrReason) {
  requireResponse(this);
  requireCode(this);
  if (typeof codeOrReason === 'number' || codeOrReason instanceof Number) assertStatusCode.call(this, codeOrReason);
  else assertStatusReason.call(this, codeOrReason);
});

function assertNamedStatus(code, name) {
  var wanted = name.toUpperCase();
  var actualReason = String(this._obj.reason()).toUpperCase();
  var actualCode = Number(this._obj.details().code);
  this.assert(actualReason === wanted, 'expected response to have status reason #{exp} but got #{act}',
    'expected response to not have status reason #{act}', wanted, actualReason);
  this.assert(actualCode === code, 'expected response to have status code #{exp} but got #{act}',
    'expected response to not have status code #{act}', code, actualCode);
}
[['accepted', 202, 'Accepted'], ['withoutContent', 204, 'No Content'], ['badRequest', 400, 'Bad Request'],
  ['unauthorised', 401, 'Unauthorised'], ['unauthorized', 401, 'Unauthorized'], ['forbidden', 403, 'Forbidden'],
  ['notFound', 404, 'Not Found'], ['notAcceptable', 406, 'Acceptable'], ['rateLimited', 429, 'Too Many Requests']
].forEach(function (row) {
  addProperty(row[0], function () {
    requireResponse(this);
    assertNamedStatus.call(this, row[1], row[2]);
  });
});

// `ok` on a response means "200 OK"; on anything else it is chai's truthiness (chai_assertions.js).
function assertResponseOk() {
  assertNamedStatus.call(this, 200, 'OK');
}

addMethod('header', function (key, value) {
  new Assertion(this._obj).to.be.postmanRequestOrResponse;
  var kind = isRequest(this._obj) ? 'request' : 'response';
  var headers = this._obj.headers;
  this.assert(headers.has(key), "expected " + kind + " to have header with key '" + String(key) + "'",
    "expected " + kind + " to not have header with key '" + String(key) + "'", true, headers.has(key));
  if (arguments.length < 2) return;
  var actual = headers.one(key).value;
  this.assert(actual === value, "expected '" + String(key) + "' " + kind + ' header to be #{exp} but got #{act}',
    "expected '" + String(key) + "' " + kind + ' header to not be #{act}', value, actual);
});

addProperty('withBody', function () {
  requireResponse(this);
  var text = this._obj.text();
  this.assert(typeof text === 'string' && text.length, 'expected response to have content in body',
    'expected response to not have content in body');
});

// Newman's JSON parser errors (JSONError) print as their first line alone (the
// message's source line and caret are left out); others as "Name: message".
function parseErrorText(e) {
  return e.name === 'JSONError' ? String(e.message).split('\n')[0] : e.name + ': ' + e.message;
}

function jsonParseError(response) {
  try {
    response.json();
    return undefined;
  } catch (e) {
    return parseErrorText(e);
  }
}

addProperty('json', function () {
  requireResponse(this);
  var parseError = jsonParseError(this._obj);
  this.assert(!parseError, 'expected response body to be a valid json but got error ' + parseError,
    'expected response body not to be a valid json');
});

addMethod('body', function (content) {
  requireResponse(this);
  var data;
  if (isPlainObject(content)) {
    try { data = this._obj.json(); } catch (e) { data = undefined; }
    this.assert(deepEqual(data, content), 'expected response body json to equal #{exp} but got #{act}',
      'expected response body json to not equal #{exp} but got #{act}', content, data);
    return;
  }
  data = this._obj.text();
  if (arguments.length === 0) {
    this.assert(typeof data === 'string' && data.length, 'expected response to have content in body',
      'expected response to not have content in body');
    return;
  }
  if (content instanceof RegExp) {
    this.assert(content.exec(data) !== null, 'expected response body text to match #{exp} but got #{act}',
      'expected response body text #{act} to not match #{exp}', content, data);
    return;
  }
  this.assert(deepEqual(data, content), 'expected response body to equal #{exp} but got #{act}',
    'expected response body to not equal #{exp}', content, data);
});

addMethod('jsonBody', function (path, value) {
  requireResponse(this);
  var body, parseError;
  try { body = this._obj.json(); } catch (e) { parseError = parseErrorText(e); }
  if (arguments.length === 0) {
    this.assert(!parseError, 'expected response body to be a valid json but got error ' + parseError,
      'expected response body not to be a valid json');
    return;
  }
  if (typeof path !== 'string') return;
  this.assert(lodashHas(body, path), 'expected #{act} in response to contain property #{exp}',
    'expected #{act} in response to not contain property #{exp}', path, body);
  if (arguments.length > 1) {
    var found = lodashGet(body, path);
    this.assert(deepEqual(found, value), 'expected response body json at "' + path + '" to contain #{exp} but got #{act}',
      'expected response body json at "' + path + '" to not contain #{exp} but got #{act}', value, found);
  }
});

addChainableMethod('responseTime', function (value) {
  var time = flag(this, 'number');
  this.assert(typeof time === 'number', 'expected response to have a valid response time but got #{act}',
    'expected response to not have a valid response time but got #{act}', null, time);
  if (arguments.length) {
    this.assert(deepEqual(time, value), 'expected response to have a valid response time but got #{act}',
      'expected response to not have a valid response time but got #{act}', null, time);
  }
}, function () {
  requireResponse(this);
  setFlag(this, 'number', this._obj.responseTime);
  this._obj = this._obj.responseTime;
});

addChainableMethod('responseSize', function (value) {
  var size = flag(this, 'number');
  this.assert(typeof size === 'number', 'expected response to have a valid response size but got #{act}',
    'expected response to not have a valid response size but got #{act}', null, size);
  if (arguments.length) {
    this.assert(deepEqual(size, value), 'expected response size to equal #{act} but got #{exp}',
      'expected response size to not equal #{act} but got #{exp}', value, size);
  }
}, function () {
  requireResponse(this);
  var size = this._obj.size();
  var total = (size.header || 0) + (size.body || 0);
  setFlag(this, 'number', total);
  this._obj = total;
});

addMethod('jsonSchema', function (schema) {
  new Assertion(schema).to.be.an('object');
  var data = isResponse(this._obj) || (isRequest(this._obj) && typeof this._obj.json === 'function')
    ? this._obj.json() : this._obj;
  var dataText = data === undefined ? '' : JSON.stringify(data);
  var errors = native.validateSchema(JSON.stringify(schema), dataText === undefined ? '' : dataText);
  this.assert(errors.length === 0,
    'expected data to satisfy schema but found following errors: \n' + errors.join(', '),
    'expected data to not satisfy schema', true, errors.length === 0);
});
