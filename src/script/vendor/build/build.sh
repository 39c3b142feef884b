#!/bin/bash
# Rebuilds the vendored sandbox libraries of src/script/vendor/ listed under "Built by
# build.sh" in ../LICENSES.md, from the npm versions Newman 6.2.2's sandbox bundles. Needs
# node and npm; works in a scratch copy, never in the repository:
#   bash src/script/vendor/build/build.sh          # writes src/script/vendor/*.min.js
# Each library is one CommonJS chunk. The Node built-ins (and lodash, jquery) stay outside
# every chunk that uses them: postie's `require` hands over the one shared copy, as
# Postman's sandbox does. `process` is the browser shim, injected where a library uses it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vendor=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/shim-process.js" "$here/shim-crypto.js" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts >/dev/null
BUILTINS="events path util stream string_decoder url punycode querystring timers assert buffer lodash jquery"
mk() { # out-file entry-module [keep:NAME] [inject:FILE]...
  local file=$1 mod=$2; shift 2
  local inject=""
  for a in "$@"; do case $a in inject:*) inject="$inject --inject:./${a#inject:}";; esac; done
  echo "module.exports = require('$mod');" > entry.js
  local ext=""
  for b in $BUILTINS; do
    case " $* " in *" keep:$b "*) continue;; esac
    ext="$ext --external:$b"
  done
  ./node_modules/.bin/esbuild entry.js --bundle --format=cjs --platform=browser --minify --legal-comments=inline \
     --inject:./shim-process.js $inject --define:global=globalThis $ext --outfile="$vendor/$file" --log-level=warning
  wc -c "$vendor/$file"
}
mk crypto-js.min.js crypto-js
mk csv-parse-sync.min.js csv-parse/lib/sync
mk cheerio.min.js cheerio
mk postman-collection.min.js postman-collection inject:shim-crypto.js
mk node-events.min.js events/ keep:events
mk node-path.min.js path-browserify
mk node-util.min.js util/ keep:util
mk node-stream.min.js stream-browserify
mk node-string_decoder.min.js string_decoder/ keep:string_decoder
mk node-url.min.js url/ keep:url
mk node-punycode.min.js punycode/ keep:punycode
mk node-querystring.min.js querystring-es3
mk node-timers.min.js timers-browserify
mk node-assert.min.js assert/build/assert.js keep:util keep:assert
mk backbone.min.js backbone
mk node-os.min.js os-browserify/browser.js
mk liquid-json.min.js liquid-json
# Sugar is no module: it adds its methods to the built-in prototypes when it runs, in
# every engine before any script, as in Postman's sandbox. Minified only.
./node_modules/.bin/esbuild node_modules/sugar/release/sugar-full.development.js --minify \
   --banner:js="/* Sugar Library v1.4.1, (c) 2013 Andrew Plummer, MIT license (see THIRD-PARTY.md) */" \
   --outfile="$vendor/sugar.min.js" --log-level=warning
wc -c "$vendor/sugar.min.js"
