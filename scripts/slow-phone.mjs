// A parent's first visit on slow data, measured in Debian's Chromium through
// Playwright: slow 3G (400 kbps down and up, 400 ms round trip) and a CPU
// slowed 4×, nothing cached. For the lookup page (a school's link) it prints
// when the page first paints, when its form takes typing, when the app has
// taken over, and the bytes that crossed the network; three runs and their
// median. A benchmark for the notes, not a test.
// Usage: node scripts/slow-phone.mjs http://127.0.0.1:3930 [runs]
// (scripts/lighthouse.sh starts hocphi and runs it.)
import { chromium } from 'playwright';

const base = process.argv[2] || 'http://127.0.0.1:3930';
const runs = Number(process.argv[3] || 3);
const path = '/s/th-ha-long';

async function once() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: (400 * 1000) / 8,
    uploadThroughput: (400 * 1000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  // Timed in the page, from navigation start: the first paint, the moment the
  // code field is there and enabled, and the app's takeover (its page has
  // replaced the shell's form; its header, with a language button that works,
  // follows a task later).
  await page.addInitScript(() => {
    window.__marks = {};
    const look = () => {
      const now = performance.now();
      const field = document.getElementById('student-code');
      if (field && !field.disabled && window.__marks.usable === undefined) window.__marks.usable = now;
      const app = field && !document.getElementById('lookup-shell');
      if (app && window.__marks.app === undefined) window.__marks.app = now;
      if (window.__marks.app === undefined) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(`${base}${path}`, { waitUntil: 'load', timeout: 120000 });
  await page.waitForFunction(() => window.__marks.app !== undefined, null, { timeout: 120000 });
  const marks = await page.evaluate(() => ({
    ...window.__marks,
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
  }));
  await browser.close();
  return { ...marks, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < runs; i++) results.push(await once());
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`slow 3G (400 kbps, 400 ms RTT), CPU 4× slower, cold: ${path}, ${runs} runs`);
for (const r of results) {
  console.log(`  first paint ${s(r.paint)}  form takes typing ${s(r.usable)}  app took over ${s(r.app)}  ${(r.bytes / 1024).toFixed(0)} KB`);
}
console.log(`median: first paint ${s(median(results.map((r) => r.paint)))}, form takes typing ${s(median(results.map((r) => r.usable)))}, `
  + `app took over ${s(median(results.map((r) => r.app)))}, ${(median(results.map((r) => r.bytes)) / 1024).toFixed(0)} KB`);
