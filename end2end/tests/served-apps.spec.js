// What the server sends is what the pages name: for every app, each file its
// page names (with the integrity hash the browser will check), and every module
// those scripts import or fetch relative to themselves, in each encoding the
// server offers. A mismatch leaves a page on "Đang tải…" for everyone, and a
// year-long cache keeps it so; scripts/check-dist.mjs checks the same on disk.
const { test, expect } = require('@playwright/test');
const { createHash } = require('crypto');

const APPS = [
  ['parent', '/'],
  ['receipt', '/r/HP-NOTHING'],
  ['trust', '/kiem-tra-qr'],
  ['staff', '/staff/'],
];
const ENCODINGS = ['br', 'gzip', 'identity'];

async function fetchAll(request, url) {
  const bodies = [];
  for (const encoding of ENCODINGS) {
    const res = await request.get(url, { headers: { 'accept-encoding': encoding } });
    expect(res.status(), `${url} (${encoding})`).toBe(200);
    bodies.push(await res.body());
  }
  for (const body of bodies.slice(1)) expect(body.equals(bodies[0]), `${url}: every encoding decodes to the same bytes`).toBe(true);
  return bodies[0];
}

for (const [app, page] of APPS) {
  test(`the ${app} app's files are served as its page names them`, async ({ request }) => {
    const html = (await fetchAll(request, page)).toString('utf8');
    // Pinned in attributes, or in the start script that loads the app after
    // the first paint (an address, then its hash: scripts/split-wasm.mjs).
    const pins = [
      ...(html.match(/<[^>]+integrity="[^"]+"[^>]*>/g) || [])
        .map((tag) => [tag.match(/(?:href|src)="([^"]+)"/)[1], tag.match(/integrity="([^"]+)"/)[1]]),
      ...[...html.matchAll(/'(\/[^']+)', '(sha(?:256|384|512)-[^']+)'/g)].map(([, href, integrity]) => [href, integrity]),
    ];
    expect(pins.map(([href]) => href.replace(/.*\./, '')).sort(), 'the page pins its script and wasm by integrity').toEqual(['js', 'wasm']);
    const pending = [];
    for (const [href, integrity] of pins) {
      const [algo, digest] = integrity.split('-');
      const bytes = await fetchAll(request, href);
      expect(createHash(algo).update(bytes).digest('base64'), `integrity of ${href}`).toBe(digest);
      if (href.endsWith('.js')) pending.push([href, bytes]);
    }
    // Modules the scripts load: the chunk loader, the pages' chunks.
    const seen = new Set();
    while (pending.length) {
      const [from, bytes] = pending.pop();
      expect(bytes.includes('__wasm_split_placeholder__'), `${from} is split, not left naming a placeholder`).toBe(false);
      const refs = [...bytes.toString('utf8').matchAll(/(?:from\s*|import\s*\(\s*|new URL\(\s*)["'](\.\.?\/[^"']+)["']/g)];
      for (const [, ref] of refs) {
        const url = new URL(ref, `http://x${from}`).pathname;
        if (seen.has(url)) continue;
        seen.add(url);
        const body = await fetchAll(request, url);
        const named = url.match(/-([0-9a-f]{16})(?:_bg)?\.wasm$/);
        if (named) {
          expect(createHash('sha256').update(body).digest('hex').slice(0, 16), `${url} is named by its bytes`).toBe(named[1]);
        }
        if (url.endsWith('.js')) pending.push([url, body]);
      }
    }
  });
}

// The browser checks those hashes: an app whose glue or wasm is not the bytes
// its page names does not start (the shell stays, its form works as before).
// Each change keeps the file valid (a comment, an empty custom section), so
// only the integrity check can stop it.
const CHANGED = [
  ['wasm', /\/hocphi-parent-[0-9a-f]+_bg\.wasm$/, (body) => Buffer.concat([body, Buffer.from([0, 2, 1, 0x61])])],
  ['glue', /\/hocphi-parent-[0-9a-f]+\.js$/, (body) => Buffer.concat([body, Buffer.from('\n// changed\n')])],
];
for (const [what, pattern, change] of CHANGED) {
  test(`a parent's app whose ${what} was changed on the way does not start`, async ({ page }) => {
    await page.route(pattern, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        status: 200,
        headers: { 'content-type': response.headers()['content-type'] },
        body: change(await response.body()),
      });
    });
    const errors = [];
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto('/');
    await expect.poll(() => errors.join('\n'), { timeout: 10000 }).toMatch(/integrity/i);
    await page.waitForTimeout(500);
    // The shell's language button stays disabled: the app never took over.
    await expect(page.getByRole('button', { name: 'English' })).toBeDisabled();
    await expect(page.getByLabel('Mã học sinh')).toBeEditable();
  });
}
