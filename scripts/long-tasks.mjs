// The main thread's tasks while a parent's invoice page loads and draws its
// QR, on a CPU slowed 4× (Debian's Chromium through Playwright), nothing
// cached and no service worker: the child is looked up in a first browser,
// then the invoice is opened in a second one with only the child put back in
// its storage (what a parent's phone keeps). Prints every task of 50 ms or
// more with what ran in it (a Chromium trace), and the longest task, for three
// runs and their median (tasks that are mostly Playwright's own injected
// scripts are left out), and apart, the longest of the tasks that mostly ran
// the page's own code (its JS and wasm, not the browser's parsing, style and
// layout). A benchmark for the notes, not a test.
// Usage: node scripts/long-tasks.mjs http://127.0.0.1:3930 [runs]
// (scripts/lighthouse.sh starts hocphi and runs it.)
import { chromium } from 'playwright';

const base = process.argv[2] || 'http://127.0.0.1:3930';
const runs = Number(process.argv[3] || 3);
const child = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017' };
const LONG = 50; // ms: a task that long delays a tap visibly (RAIL, Lighthouse's TBT)

const launch = () => chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, serviceWorkers: 'block' };

/** The invoice page's address and the storage that leads to it. */
async function lookUp() {
  const browser = await launch();
  const page = await (await browser.newContext(phone)).newPage();
  await page.goto(`${base}/s/${child.school}`);
  await page.fill('#student-code', child.code);
  await page.fill('#birth-date', child.birth);
  await page.click('button[type=submit]');
  await page.waitForFunction(() => [...document.querySelectorAll('a[href^="/con/"]')]
    .some((a) => a.getAttribute('href').split('/').length === 4), null, { timeout: 20000 });
  const invoice = await page.evaluate(() => [...document.querySelectorAll('a[href^="/con/"]')]
    .map((a) => a.getAttribute('href')).find((h) => h.split('/').length === 4));
  const kept = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  await browser.close();
  return { invoice, kept };
}

/** Sums the time of a task's descendants by name (plus the script or function they ran). */
function whatRan(task, events) {
  const end = task.ts + task.dur;
  const inside = events.filter((e) => e !== task && e.tid === task.tid && e.ts >= task.ts && e.ts < end && e.dur);
  const byName = new Map();
  for (const e of inside) {
    const d = e.args?.data ?? {};
    const what = d.url ? `${e.name} ${d.url.replace(base, '').slice(0, 50)}` : d.functionName ? `${e.name} ${d.functionName}` : e.name;
    byName.set(what, Math.max(byName.get(what) ?? 0, e.dur));
  }
  // The scheduler's own wrappers say nothing about what ran.
  const wrappers = /^(RunTask|ThreadControllerImpl::RunTask|Receive mojo message|ThreadPool_RunTask|SimpleWatcher::OnHandleReady|BlinkScheduler_PerformMicrotaskCheckpoint)$/;
  return [...byName.entries()].filter(([name]) => !wrappers.test(name))
    .sort((a, b) => b[1] - a[1]).slice(0, 8)
    .map(([name, dur]) => `${name} ${(dur / 1000).toFixed(0)} ms`).join(', ');
}

async function once({ invoice, kept }) {
  const browser = await launch();
  const context = await browser.newContext(phone);
  // Before the page's own scripts, on every document: the child the phone kept.
  await context.addInitScript((entries) => {
    for (const [key, value] of JSON.parse(entries)) localStorage.setItem(key, value);
  }, kept);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  // Each run is a new browser with an empty profile, so nothing is cached. The
  // Network domain stays off: with it on, DevTools records every request's
  // initiator stack, which made each fetch() of a wasm chunk cost 5-11 ms of the
  // main thread at 4x (about 2 ms without), a cost no phone pays.
  if (process.env.DEVTOOLS_NETWORK) {
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,v8,v8.wasm,blink,loading,toplevel',
    transferMode: 'ReportEvents',
  });
  const started = Date.now();
  await page.goto(`${base}${invoice}`, { waitUntil: 'load' });
  // The QR drawn (an image to hold, or the canvas/SVG) and a moment of quiet after.
  await page.waitForSelector('.qr svg', { timeout: 60000 });
  const drawn = Date.now() - started;
  await page.waitForTimeout(1500);
  await cdp.send('Tracing.end');
  await done;
  await browser.close();

  // The page's main thread: of the renderers' main threads (the blank page
  // before the navigation had its own), the one that worked the most.
  const busy = (thread) => events.filter((x) => x.pid === thread.pid && x.tid === thread.tid && x.name === 'RunTask')
    .reduce((sum, x) => sum + (x.dur ?? 0), 0);
  const main = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .sort((a, b) => busy(b) - busy(a))[0];
  const navigation = events.filter((e) => e.name === 'navigationStart' && e.pid === main?.pid).pop()?.ts
    ?? Math.min(...events.filter((e) => e.ts > 0).map((e) => e.ts));
  // Playwright's own scripts (its selector engine, injected for
  // waitForSelector) run on the page's thread as scripts with no address:
  // a task that is mostly one of them is the harness, not the page.
  const harness = (task) => events.some((e) => e.name === 'EvaluateScript' && !e.args?.data?.url
    && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts < task.ts + task.dur
    && e.dur >= task.dur / 2);
  const all = events.filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.name === 'RunTask' && e.dur);
  const tasks = all.filter((t) => !harness(t));
  const long = tasks.filter((t) => t.dur >= LONG * 1000).sort((a, b) => a.ts - b.ts);
  // The three longest whatever their length: what to shorten next.
  const top = [...tasks].sort((a, b) => b.dur - a.dur).slice(0, 3).sort((a, b) => a.ts - b.ts);
  // The page's own code: a task that spent most of its time running script (a
  // call into the page's JS or wasm, a timer, a frame callback, promise jobs),
  // not the browser's parsing, style, layout or paint.
  const script = /^(FunctionCall|TimerFire|FireAnimationFrame|RunMicrotasks|v8\.callFunction)$/;
  const scriptShare = (task) => Math.max(0, ...events.filter((e) => e.pid === task.pid && e.tid === task.tid
    && e.ts >= task.ts && e.ts < task.ts + task.dur && e.dur && script.test(e.name)).map((e) => e.dur)) / task.dur;
  const ours = tasks.filter((t) => scriptShare(t) >= 0.5);
  return {
    drawn,
    longest: Math.max(0, ...tasks.map((t) => t.dur / 1000)),
    longestOurs: Math.max(0, ...ours.map((t) => t.dur / 1000)),
    blocking: long.reduce((sum, t) => sum + t.dur / 1000 - LONG, 0),
    top: top.map((t) => ({
      at: (t.ts - navigation) / 1000,
      ms: t.dur / 1000,
      what: whatRan(t, events.filter((e) => e.pid === main.pid)),
    })),
    long: long.map((t) => ({
      at: (t.ts - navigation) / 1000,
      ms: t.dur / 1000,
      what: whatRan(t, events.filter((e) => e.pid === main.pid)),
    })),
  };
}

const leads = await lookUp();
console.log(`${leads.invoice}, CPU 4× slower, cold, ${runs} runs; tasks of ${LONG} ms or more:`);
const results = [];
for (let i = 0; i < runs; i++) {
  const r = await once(leads);
  results.push(r);
  console.log(`run ${i + 1}: QR drawn after ${r.drawn} ms; longest task ${r.longest.toFixed(0)} ms `
    + `(running the page's code: ${r.longestOurs.toFixed(0)} ms); `
    + `blocking ${r.blocking.toFixed(0)} ms; ${r.long.length} long task(s)`);
  const line = (t) => `  at ${t.at.toFixed(0).padStart(5)} ms  ${t.ms.toFixed(0).padStart(4)} ms  ${t.what}`;
  for (const t of r.long) console.log(line(t));
  console.log('  the three longest tasks:');
  for (const t of r.top) console.log(line(t));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median: longest task ${median(results.map((r) => r.longest)).toFixed(0)} ms `
  + `(running the page's code: ${median(results.map((r) => r.longestOurs)).toFixed(0)} ms), `
  + `blocking ${median(results.map((r) => r.blocking)).toFixed(0)} ms, `
  + `long tasks ${median(results.map((r) => r.long.length))}`);
