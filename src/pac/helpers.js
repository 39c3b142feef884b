// The standard PAC helper functions (Netscape's originals, Microsoft's IPv6 "Ex"
// extensions), defined before the PAC file runs. Name resolution, the local address and
// `alert` come from postie as __pac.* natives; everything else is plain JavaScript so it
// behaves the same on every machine.
(function (global, native) {
  'use strict';

  function define(name, fn) {
    Object.defineProperty(global, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }

  function ipv4Number(text) {
    var parts = String(text).split('.');
    if (parts.length !== 4) return null;
    var n = 0;
    for (var i = 0; i < 4; i++) {
      if (!/^\d{1,3}$/.test(parts[i])) return null;
      var b = Number(parts[i]);
      if (b > 255) return null;
      n = n * 256 + b;
    }
    return n;
  }

  // IPv6 text to 8 numbers, or null.
  function ipv6Groups(text) {
    text = String(text).replace(/^\[|\]$/g, '');
    var zone = text.indexOf('%');
    if (zone >= 0) text = text.slice(0, zone);
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
    var v4 = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
    if (v4) {
      var n = ipv4Number(v4[2]);
      if (n === null) return null;
      text = v4[1] + Math.floor(n / 65536).toString(16) + ':' + (n % 65536).toString(16);
    }
    var halves = text.split('::');
    if (halves.length > 2) return null;
    function groups(s) {
      if (s === '') return [];
      var out = s.split(':');
      for (var i = 0; i < out.length; i++) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(out[i])) return null;
        out[i] = parseInt(out[i], 16);
      }
      return out;
    }
    var head = groups(halves[0]);
    var rest = halves.length === 2 ? groups(halves[1]) : [];
    if (head === null || rest === null) return null;
    if (halves.length === 1) return head.length === 8 ? head : null;
    var missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    var all = head.slice();
    for (var k = 0; k < missing; k++) all.push(0);
    return all.concat(rest);
  }

  define('isPlainHostName', function (host) {
    return String(host).indexOf('.') < 0 && String(host).indexOf(':') < 0;
  });

  define('dnsDomainIs', function (host, domain) {
    host = String(host).toLowerCase();
    domain = String(domain).toLowerCase();
    return host.length >= domain.length && host.slice(host.length - domain.length) === domain;
  });

  define('localHostOrDomainIs', function (host, hostdom) {
    host = String(host).toLowerCase();
    hostdom = String(hostdom).toLowerCase();
    if (host === hostdom) return true;
    return host.indexOf('.') < 0 && hostdom.split('.')[0] === host;
  });

  define('dnsDomainLevels', function (host) {
    return String(host).split('.').length - 1;
  });

  // Shell expression: * any run, ? one character; everything else literal.
  define('shExpMatch', function (str, shexp) {
    var pattern = String(shexp).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp('^' + pattern + '$').test(String(str));
  });

  define('dnsResolve', function (host) {
    var ip = native.resolve(String(host), false);
    return ip === '' ? null : ip;
  });

  define('dnsResolveEx', function (host) {
    return native.resolve(String(host), true);
  });

  define('isResolvable', function (host) {
    return native.resolve(String(host), false) !== '';
  });

  define('isResolvableEx', function (host) {
    return native.resolve(String(host), true) !== '';
  });

  define('myIpAddress', function () {
    return native.myIp(false);
  });

  define('myIpAddressEx', function () {
    return native.myIp(true);
  });

  define('convert_addr', function (ipaddr) {
    var n = ipv4Number(ipaddr);
    return n === null ? 0 : n;
  });

  define('isInNet', function (host, pattern, mask) {
    var ip = ipv4Number(host);
    if (ip === null) {
      var resolved = native.resolve(String(host), false);
      if (resolved === '') return false;
      ip = ipv4Number(resolved);
    }
    var p = ipv4Number(pattern);
    var m = ipv4Number(mask);
    if (ip === null || p === null || m === null) return false;
    // Bitwise operators are 32-bit signed: compare with >>> 0.
    return ((ip & m) >>> 0) === ((p & m) >>> 0);
  });

  // isInNetEx(ip, "prefix/len"): IPv4 or IPv6.
  define('isInNetEx', function (ipAddress, ipPrefix) {
    var slash = String(ipPrefix).split('/');
    if (slash.length !== 2 || !/^\d+$/.test(slash[1])) return false;
    var bits = Number(slash[1]);
    var a4 = ipv4Number(ipAddress);
    var p4 = ipv4Number(slash[0]);
    if (a4 !== null && p4 !== null) {
      if (bits > 32) return false;
      var mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      return ((a4 & mask) >>> 0) === ((p4 & mask) >>> 0);
    }
    var a6 = ipv6Groups(ipAddress);
    var p6 = ipv6Groups(slash[0]);
    if (a6 === null || p6 === null || bits > 128) return false;
    for (var i = 0; i < 8 && bits > 0; i++, bits -= 16) {
      var take = Math.min(16, bits);
      var m = (0xffff << (16 - take)) & 0xffff;
      if ((a6[i] & m) !== (p6[i] & m)) return false;
    }
    return true;
  });

  // "ip;ip;..." sorted IPv6 first, then IPv4, each numerically; "" for bad input.
  define('sortIpAddressList', function (list) {
    var items = String(list).split(';');
    var keyed = [];
    for (var i = 0; i < items.length; i++) {
      var text = items[i].trim();
      var v4 = ipv4Number(text);
      var v6 = v4 === null ? ipv6Groups(text) : null;
      if (v4 === null && v6 === null) return '';
      keyed.push({ text: text, family: v6 ? 0 : 1, key: v6 ? v6 : [Math.floor(v4 / 65536), v4 % 65536] });
    }
    keyed.sort(function (x, y) {
      if (x.family !== y.family) return x.family - y.family;
      for (var k = 0; k < x.key.length; k++) if (x.key[k] !== y.key[k]) return x.key[k] - y.key[k];
      return 0;
    });
    return keyed.map(function (k) { return k.text; }).join(';');
  });

  define('getClientVersion', function () {
    return '1.0';
  });

  define('alert', function (message) {
    native.alert(String(message));
  });

  var DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  var MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

  // Splits a trailing "GMT" off the arguments of the *Range helpers.
  function split(args) {
    var list = Array.prototype.slice.call(args);
    var gmt = list.length > 0 && String(list[list.length - 1]).toUpperCase() === 'GMT';
    if (gmt) list.pop();
    return { list: list, now: native.now(), gmt: gmt };
  }

  function inRange(value, lo, hi) {
    return lo <= hi ? value >= lo && value <= hi : value >= lo || value <= hi;
  }

  define('weekdayRange', function () {
    var a = split(arguments);
    var day = a.gmt ? new Date(a.now).getUTCDay() : new Date(a.now).getDay();
    var lo = DAYS.indexOf(String(a.list[0]).toUpperCase());
    var hi = a.list.length > 1 ? DAYS.indexOf(String(a.list[1]).toUpperCase()) : lo;
    if (lo < 0 || hi < 0) return false;
    return inRange(day, lo, hi);
  });

  define('timeRange', function () {
    var a = split(arguments);
    var d = new Date(a.now);
    var h = a.gmt ? d.getUTCHours() : d.getHours();
    var m = a.gmt ? d.getUTCMinutes() : d.getMinutes();
    var s = a.gmt ? d.getUTCSeconds() : d.getSeconds();
    var n = a.list.map(Number);
    switch (n.length) {
      case 1: return h === n[0];
      case 2: return n[0] <= n[1] ? h >= n[0] && h < n[1] : h >= n[0] || h < n[1];
      case 4: return inRange(h * 60 + m, n[0] * 60 + n[1], n[2] * 60 + n[3] - 1);
      case 6: return inRange(h * 3600 + m * 60 + s, n[0] * 3600 + n[1] * 60 + n[2], n[3] * 3600 + n[4] * 60 + n[5]);
      default: return false;
    }
  });

  // dateRange(day | month | year | day month | month year | day month year ..., [GMT])
  define('dateRange', function () {
    var a = split(arguments);
    var d = new Date(a.now);
    var now = {
      day: a.gmt ? d.getUTCDate() : d.getDate(),
      month: a.gmt ? d.getUTCMonth() : d.getMonth(),
      year: a.gmt ? d.getUTCFullYear() : d.getFullYear()
    };
    var parts = a.list.map(function (v) {
      var text = String(v).toUpperCase();
      var month = MONTHS.indexOf(text);
      if (month >= 0) return { kind: 'month', value: month };
      var n = Number(v);
      if (!isFinite(n)) return { kind: 'bad' };
      return n > 31 ? { kind: 'year', value: n } : { kind: 'day', value: n };
    });
    if (parts.some(function (p) { return p.kind === 'bad'; }) || parts.length === 0) return false;
    var half = parts.length === 1 ? 1 : parts.length / 2;
    if (parts.length !== 1 && parts.length % 2 !== 0) return false;
    var from = parts.slice(0, half);
    var to = parts.length === 1 ? from : parts.slice(half);
    // Compare on the fields the arguments name, most significant first.
    function key(list, fill) {
      var k = { year: fill.year, month: fill.month, day: fill.day };
      list.forEach(function (p) { k[p.kind] = p.value; });
      return k.year * 10000 + k.month * 100 + k.day;
    }
    var kinds = from.map(function (p) { return p.kind; });
    var pick = {
      year: kinds.indexOf('year') >= 0 ? now.year : 0,
      month: kinds.indexOf('month') >= 0 ? now.month : 0,
      day: kinds.indexOf('day') >= 0 ? now.day : 0
    };
    var zero = { year: 0, month: 0, day: 0 };
    var lo = key(from, zero);
    var hi = key(to, zero);
    var value = pick.year * 10000 + pick.month * 100 + pick.day;
    return inRange(value, lo, hi);
  });
})(globalThis, globalThis.__pac);
delete globalThis.__pac;
