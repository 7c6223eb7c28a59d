// Loads the fast-path bundle (dist/fast/berth.cjs) through node:vm with the V8 code cache beside it
// (berth.cjs.cache), then runs the CLI. `--write-cache FILE ARGS...` (used by build.mjs) runs ARGS and
// writes the cache for FILE afterwards, so it holds every function the run compiled.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { Script, constants } = require('node:vm');
const Module = require('node:module');

function load(file, { writeCache = false } = {}) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  if (!writeCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  return { exports: module.exports, saveCache: () => writeFileSync(cacheFile, script.createCachedData()) };
}

module.exports = { load };

if (require.main === module && process.argv[2] === '--write-cache') {
  const { exports, saveCache } = load(process.argv[3], { writeCache: true });
  exports.start(process.argv.slice(4)).then(() => saveCache());
}
