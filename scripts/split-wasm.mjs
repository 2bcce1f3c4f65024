// Trunk post_build hook: cuts an app's wasm into chunks, so that a first visit
// downloads the frame and its own page only, and each other page's code (the
// `split_page!` routes in app/src/bin/parent.rs and trust.rs) arrives when first
// opened.
//
// Trunk has built and bound the whole app; this starts again from cargo's raw
// wasm (linked with --emit-relocs, see scripts/build-web.sh):
//   1. `wasm-split-cli` (crates.io `wasm_split_cli_support`) cuts it at the
//      `#[lazy_route]` split points into a main module, one module per page and
//      chunks of code that several pages share, plus a loader (`__wasm_split.js`);
//   2. `wasm-bindgen --keep-lld-exports` binds the main module, replacing
//      Trunk's files;
//   3. `wasm-opt` shrinks every module (Trunk's own pass is off for this app);
//   4. chunks, loader, main module and glue get content-hashed names (the hash
//      of the bytes served), so they are cached for a year, a new build never
//      meets an old file, and the same commit builds the same names;
//   5. the page names the new files, with their integrity hashes.
// The apps that are not split (receipt, staff) get steps 4 and 5 only: Trunk
// names their files by a hash of cargo's raw wasm, which holds a marker derived
// from the path the crate was built at (`wasm_split_macros::version_stamp!`),
// so a clone at another path gave the same bytes other names.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) throw new Error('split-wasm: run as a Trunk hook (TRUNK_STAGING_DIR unset)');
// Trunk names the glue `<bin>-<hash>.js` with the hash in hex without leading
// zeros (so sometimes fewer than 16 digits: matching exactly 16 once left the
// trust app unsplit, its glue importing a placeholder, its pages on "Đang tải…").
const glue = /^(hocphi-[a-z]+)-[0-9a-f]{1,16}\.js$/;
const glueName = fs.readdirSync(stage).find((f) => glue.test(f));
if (!glueName) throw new Error(`split-wasm: no app glue (hocphi-*.js) in ${stage}`);
const bin = glueName.match(glue)[1];
const name = glueName.slice(0, -3);
const raw = path.join(process.env.CARGO_TARGET_DIR || 'target', 'wasm32-unknown-unknown', 'wasm-release', `${bin}.wasm`);
const wasmOpt = path.resolve(import.meta.dirname, '../node_modules/.bin/wasm-opt');
const optFlags = ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--strip-debug', '--strip-producers'];

// A module without the exports whose names match `pattern`, so that wasm-opt
// drops the code only they reach. Used for wasm-streams' JS stream adapters
// (`IntoUnderlyingSource` …), which Leptos links through server_fn's browser
// client: exported, they stay in the first download although nothing here
// makes a stream (the pages call the server through app/src/ui/rpc.rs).
// The glue keeps its classes, which nothing constructs. Saves ~1.2 KB brotli.
function dropExports(bytes, pattern) {
  const leb = (at) => { let value = 0, shift = 0, byte; do { byte = bytes[at++]; value |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80); return [value >>> 0, at]; };
  const uleb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
  const parts = [bytes.subarray(0, 8)];
  let dropped = 0;
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, body] = leb(at + 1);
    const end = body + size;
    if (id !== 7) { parts.push(bytes.subarray(at, end)); at = end; continue; }
    let [count, cursor] = leb(body);
    const kept = [];
    for (; count > 0; count--) {
      const from = cursor;
      const [length, nameAt] = leb(cursor);
      const exportName = bytes.subarray(nameAt, nameAt + length).toString('utf8');
      [, cursor] = leb(nameAt + length + 1); // kind byte, then the index
      if (pattern.test(exportName)) dropped += 1; else kept.push(bytes.subarray(from, cursor));
    }
    const section = Buffer.concat([uleb(kept.length), ...kept]);
    parts.push(Buffer.from([7]), uleb(section.length), section);
    at = end;
  }
  if (dropped === 0) throw new Error(`split-wasm: no export matches ${pattern} (update the pattern)`);
  return Buffer.concat(parts);
}

// wasm-bindgen's glue as written is 52 KB of readable JS for the phone to
// download, parse and compile before the app starts: minified (terser, from
// package.json), 24 KB, and 1.4 KB less brotli. Names the glue exports (the
// loader imports them) and the wasm's import names (strings) are kept.
const terser = path.resolve(import.meta.dirname, '../node_modules/.bin/terser');
function minify(js, { module = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hocphi-min-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.js'), js);
    execFileSync(terser, [path.join(dir, 'in.js'), ...(module ? ['--module'] : []), '--compress', '--mangle', '-o', path.join(dir, 'out.js')],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    return fs.readFileSync(path.join(dir, 'out.js'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
const hash = (bytes, algo = 'sha256') => createHash(algo).update(bytes);
const hex16 = (bytes) => hash(bytes).digest('hex').slice(0, 16);

// Trunk's page loads Trunk's files from its <head>: a module script that imports
// the glue and starts the wasm, and preloads of both with their integrity. It is
// rewritten to load the new files *after the shell's first paint*: the shell is
// the page until the app takes over (its form already takes typing), so nothing
// should compete with its painting. Lighthouse's simulated load counted the
// preloaded wasm as holding up the largest paint (LCP 1.5–2.2 s for a page that
// painted everything at 0.5 s). The integrity stays checked: the glue through a
// modulepreload with its hash, the wasm by a fetch that carries its hash
// (scripts/check-dist.mjs checks both against the bytes).
function renameInPage(jsName, wasmName) {
  const index = path.join(stage, 'index.html');
  let html = fs.readFileSync(index, 'utf8');
  const start = /<script type="module">\s*import init, \* as bindings from '([^']*\/)([^'\/]+)';\s*const wasm = await init\(\{ module_or_path: '[^']+' \}\);\s*window\.wasmBindings = bindings;\s*dispatchEvent\(new CustomEvent\("TrunkApplicationStarted", \{detail: \{wasm\}\}\)\);\s*<\/script>/;
  const found = html.match(start);
  if (!found || found[2] !== `${name}.js`) throw new Error(`split-wasm: Trunk's start script for ${name} not found in index.html`);
  const base = found[1];
  const preloads = [
    new RegExp(`<link rel="modulepreload" href="${base}${name}\\.js" crossorigin="anonymous" integrity="[^"]*">`),
    new RegExp(`<link rel="preload" href="${base}${name}_bg\\.wasm" crossorigin="anonymous" integrity="[^"]*" as="fetch" type="application/wasm">`),
  ];
  for (const preload of preloads) {
    if (!preload.test(html)) throw new Error(`split-wasm: Trunk's preload ${preload} not found in index.html`);
    html = html.replace(preload, '');
  }
  const sri = (file) => `sha384-${hash(fs.readFileSync(path.join(stage, file)), 'sha384').digest('base64')}`;
  const script = `<script type="module">
// The app, once the shell has painted (scripts/split-wasm.mjs); a page not
// shown never paints, so it waits a second at most (and not at all where the
// browser cannot tell).
await new Promise((go) => {
  setTimeout(go, 1000);
  try {
    const paints = new PerformanceObserver((list) => {
      if (list.getEntriesByName('first-contentful-paint').length) { paints.disconnect(); go(); }
    });
    paints.observe({ type: 'paint', buffered: true });
  } catch { go(); }
});
const app = ['${base}${jsName}', '${sri(jsName)}', '${base}${wasmName}', '${sri(wasmName)}'];
// Both asked for at once, each checked against its hash.
const wasmFile = fetch(app[2], { integrity: app[3] });
const glue = Object.assign(document.createElement('link'), { rel: 'modulepreload', href: app[0], integrity: app[1], crossOrigin: 'anonymous' });
document.head.append(glue);
const bindings = await import(app[0]);
const wasm = await bindings.default({ module_or_path: wasmFile });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
</script>`;
  html = html.replace(start, () => script);
  // The page's own classic scripts (app/pwa.js, app/shell.js, which Trunk
  // inlines as written, comments and all) are minified too: every first visit
  // downloads them (3.0 -> 1.9 KB brotli on the parent's page). Not as modules,
  // so their top-level names stay as they are. The start script above is kept
  // as written: check-dist, size.sh and the e2e tests read its addresses.
  html = html.replace(/<script>([\s\S]*?)<\/script>/g, (_, js) => `<script>${minify(js, { module: false }).trim()}</script>`);
  if (html.includes(name)) throw new Error(`split-wasm: index.html still names ${name}`);
  fs.writeFileSync(index, html);
}

// Writes the app's final glue and wasm under their names, and drops Trunk's.
function replaceTrunkFiles(jsName, glueText, wasmName, wasmBytes) {
  fs.writeFileSync(path.join(stage, wasmName), wasmBytes);
  fs.writeFileSync(path.join(stage, jsName), glueText);
  for (const old of [glueName, `${name}_bg.wasm`]) {
    if (old !== jsName && old !== wasmName) fs.rmSync(path.join(stage, old));
  }
  renameInPage(jsName, wasmName);
}

if (!['hocphi-parent', 'hocphi-trust'].includes(bin)) {
  // Unsplit: each by its own bytes. The page hands the wasm's address to the
  // glue, which names no hashed file itself.
  // The marker export wasm_split leaves in every app names a hash of the path
  // the crate was built at; in an unsplit app nothing reads it, so it is written
  // the same everywhere (same length: the module stays valid).
  const wasmBytes = Buffer.from(fs.readFileSync(path.join(stage, `${name}_bg.wasm`)).toString('latin1')
    .replace(/_WASM_SPLIT_MARKER_[0-9a-f]{16}/g, `_WASM_SPLIT_MARKER_${'0'.repeat(16)}`), 'latin1');
  const glueText = minify(fs.readFileSync(path.join(stage, glueName), 'utf8'));
  if (glueText.includes(name)) throw new Error(`split-wasm: ${glueName} names Trunk's ${name}`);
  replaceTrunkFiles(`${bin}-${hex16(glueText)}.js`, glueText, `${bin}-${hex16(wasmBytes)}_bg.wasm`, wasmBytes);
  process.exit(0);
}

// A page's code is its own chunk and the chunks it shares with other pages:
// the invoice page needs ten. The loader wasm-split-cli writes starts all of
// their downloads at once, in the task that asked for the page, and each
// fetch() costs the main thread about 1-2 ms on a phone (5-11 ms at 4x with
// DevTools watching): ten of them were most of a 100 ms task when a parent
// opened an invoice. Each download now starts in a task of its own (a message
// to itself, which no browser delays the way it does nested timers), one after
// the other but without waiting for the previous download.
function fetchesInTasks(loader, expected) {
  const start = /const src = fetch\((new URL\("\.\/[^"]+\.wasm", import\.meta\.url\))\);/g;
  const found = loader.match(start)?.length ?? 0;
  if (found !== expected) throw new Error(`split-wasm: the loader fetches ${found} files, not the ${expected} chunks`);
  const helper = `
// Each download starts in a task of its own (scripts/split-wasm.mjs says why).
let turn = Promise.resolve();
const nextTask = () => new Promise((go) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
        channel.port1.close();
        go();
    };
    channel.port2.postMessage(0);
});
function inTask(start) {
    const mine = turn.then(nextTask);
    turn = mine;
    return mine.then(start);
}
`;
  const imports = loader.match(/^import [^\n]*;\n/);
  if (!imports) throw new Error('split-wasm: the loader does not begin with its import');
  return `${imports[0]}${helper}${loader.slice(imports[0].length)}`
    .replace(start, (_, url) => `const src = inTask(() => fetch(${url}));`);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hocphi-split-'));
try {
  const split = path.join(work, 'split');
  // The tools name their outputs after the bin, not after Trunk's name: Trunk's
  // hash is of cargo's raw wasm, which holds a marker derived from the path the
  // crate was built at (`wasm_split_macros::version_stamp!`). wasm-bindgen writes
  // the name it is given into the wasm's import module, so Trunk's name made a
  // clone at another path, or another CARGO_HOME, build a different main module.
  // wasm-split-cli moves each chunk's constant data into the chunk, unless the
  // regrouped data would not fit the original segment (alignment padding): then
  // it warns and leaves the whole segment in the main module, some 9 KB brotli
  // more on every first visit (seen when a change removed Rust's float
  // formatting tables). Said loudly here; check-dist.mjs holds the budget.
  const cut = spawnSync('wasm-split-cli', [raw, split, '--out-name', bin], { encoding: 'utf8' });
  if (cut.status !== 0) throw new Error(`split-wasm: wasm-split-cli failed: ${cut.stderr}${cut.stdout}`);
  const said = `${cut.stdout}${cut.stderr}`;
  if (/Overlong segment/.test(said)) {
    console.warn(`split-wasm: ${bin}: wasm-split-cli left a data segment in the main module, which grows the first download: ${said.trim()}`);
  }
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
    '--out-name', bin, '--out-dir', work, path.join(split, `${bin}.wasm`)]);

  // wasm-split-cli lists the shared imports (`{ memory, __wasm_split_shared0, … }`)
  // in hash-map order, which changes from run to run: sorted, the same commit
  // builds the same loader (and so the same names).
  let loader = fs.readFileSync(path.join(split, '__wasm_split.js'), 'utf8')
    .replace(/\{ ((?:[\w$]+, )+) \}/g, (_, list) => `{ ${list.split(', ').filter(Boolean).sort().map((n) => `${n}, `).join('')} }`);
  const chunks = fs.readdirSync(split).filter((f) => f.endsWith('.wasm') && f !== `${bin}.wasm`);
  if (chunks.length === 0) throw new Error(`split-wasm: no split points found in ${bin}`);
  loader = fetchesInTasks(loader, chunks.length);
  let chunkBytes = 0;
  for (const chunk of chunks) {
    const opt = path.join(work, `opt-${chunk}`);
    run(wasmOpt, [...optFlags, path.join(split, chunk), '-o', opt]);
    const bytes = fs.readFileSync(opt);
    const hashed = `${chunk.slice(0, -5)}-${hex16(bytes)}.wasm`;
    const reference = `"./${chunk}"`;
    if (!loader.includes(reference)) throw new Error(`split-wasm: the loader does not name ${chunk}`);
    loader = loader.replaceAll(reference, `"./${hashed}"`);
    fs.writeFileSync(path.join(stage, hashed), bytes);
    chunkBytes += bytes.length;
  }
  // The loader imports the glue (`initSync`) and the glue imports the loader:
  // each names the other, so neither can be named by a hash of its own bytes
  // alone. Both are named by one hash of the pair with the names left as
  // placeholders; every other byte they name (main module, chunks) is already
  // content-hashed, so a change anywhere still gives both new names.
  const loaderRef = `from "./${bin}.js"`;
  if (!loader.includes(loaderRef)) throw new Error(`split-wasm: the loader does not import ${bin}.js`);
  loader = loader.replaceAll(loaderRef, 'from "./@GLUE@"');

  // Only the JS imports move to the hashed name: the wasm's import module keeps its own.
  let glue = fs.readFileSync(path.join(work, `${bin}.js`), 'utf8');
  if (!glue.includes('from "./__wasm_split.js"')) {
    throw new Error('split-wasm: the bound JS does not import the chunk loader as expected');
  }
  glue = glue.replaceAll('from "./__wasm_split.js"', 'from "./@LOADER@"');

  // Minified with the placeholder in (terser writes `from"./…"`: the space
  // back, as the replacements below and scripts/check-dist.mjs expect). The
  // loader stays as written (1.1 KB brotli; scripts/size.sh reads its chunks).
  glue = minify(glue).replaceAll('from"./@LOADER@"', 'from "./@LOADER@"');
  if (!glue.includes('from "./@LOADER@"')) throw new Error('split-wasm: minified, the glue no longer imports the loader as expected');
  // The main module and the glue are new bytes, so they get new names: the hash
  // of what is served, as every content-hashed name must be. Keeping Trunk's
  // names (hashes of the unsplit build) served different bytes under a name
  // phones cache for a year, and a rebuild over an old dist/ kept the old file.
  const mainWasm = path.join(work, 'main.wasm');
  const bound = path.join(work, `${bin}_bg.wasm`);
  fs.writeFileSync(bound, dropExports(fs.readFileSync(bound), /^(__wbg_)?intounderlying(bytesource|sink|source)_/));
  run(wasmOpt, [...optFlags, bound, '-o', mainWasm]);
  const wasmBytes = fs.readFileSync(mainWasm);
  const wasmName = `${bin}-${hex16(wasmBytes)}_bg.wasm`;
  glue = glue.replaceAll(`${bin}_bg.wasm`, wasmName);
  const pair = hex16(`${glue}\0${loader}`);
  const jsName = `${bin}-${pair}.js`;
  const loaderName = `__wasm_split-${pair}.js`;
  glue = glue.replaceAll('from "./@LOADER@"', `from "./${loaderName}"`);
  loader = loader.replaceAll('from "./@GLUE@"', `from "./${jsName}"`);
  fs.writeFileSync(path.join(stage, loaderName), loader);
  replaceTrunkFiles(jsName, glue, wasmName, wasmBytes);
  const main = wasmBytes.length;
  console.log(`split-wasm: ${bin}: main ${(main / 1024).toFixed(0)} KB, ${chunks.length} chunks ${(chunkBytes / 1024).toFixed(0)} KB (raw)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
