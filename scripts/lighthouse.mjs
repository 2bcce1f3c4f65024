// Lighthouse (npm `lighthouse`, mobile preset: a mid-range phone on slow 4G,
// simulated) on the parent's lookup page and invoice page, in Debian's Chromium.
// Prints the scores and the figures the budget is about, for each of three runs
// and their median. A benchmark, not a test.
// Usage: node lighthouse.mjs http://127.0.0.1:3930 [runs]  (scripts/lighthouse.sh starts hocphi)
import puppeteer from 'puppeteer-core';
import { startFlow } from 'lighthouse';

const base = process.argv[2] || 'http://127.0.0.1:3930';
const runs = Number(process.argv[3] || 3);
const child = { school: 'th-ha-long', code: '2201000001', birth: '05/09/2017' };

async function once() {
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
const flags = { onlyCategories: ['performance', 'accessibility', 'best-practices'] };
const flow = await startFlow(page, { flags });

// 1. A first visit from a class link: nothing cached.
await flow.navigate(`${base}/s/${child.school}`, { name: 'lookup' });

// Look the child up (outside the measurement), then find this month's invoice.
await page.waitForSelector('#student-code');
await page.type('#student-code', child.code);
await page.type('#birth-date', child.birth);
await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }).catch(() => null), page.click('button[type=submit]')]);
await page.waitForFunction(() => document.querySelector('a[href^="/con/"][href*="/"]'), { timeout: 20000 });
const invoice = await page.evaluate(() => [...document.querySelectorAll('a[href^="/con/"]')]
  .map((a) => a.getAttribute('href')).find((h) => h.split('/').length === 4));

const firstVisit = await flow.createFlowResult();
// The device keeps the child (localStorage), and nothing else comes along:
// the first browser's service worker had precached the whole app by now,
// which would measure a warm page.
const kept = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
await browser.close();

// 2. The invoice page from a parent's saved child, nothing cached: a browser
// with no cache and no service worker, the child put back in its storage.
const fresh = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const second = await fresh.newPage();
await second.evaluateOnNewDocument((entries) => {
  for (const [key, value] of JSON.parse(entries)) localStorage.setItem(key, value);
}, kept);
const flow2 = await startFlow(second, { flags });
await flow2.navigate(`${base}${invoice}`, {
  name: 'invoice',
  disableStorageReset: true,
});
const invoicePage = await flow2.createFlowResult();
await fresh.close();
return { steps: [...firstVisit.steps, ...invoicePage.steps] };
}

// Lighthouse sometimes fails a step outright (NO_NAVSTART, an interstitial):
// such a run is reported and made again, not counted.
const results = [];
for (let attempt = 1; results.length < runs && attempt <= runs + 3; attempt++) {
  const run = await once();
  const failed = run.steps.filter((s) => s.lhr.runtimeError);
  if (failed.length === 0) results.push(run);
  else console.log(`run ${attempt}: ${failed.map((s) => `${s.name}: ${s.lhr.runtimeError.code}`).join(', ')}; made again`);
}
if (results.length === 0) throw new Error('lighthouse: every run failed');
const result = results[results.length - 1];

const ms = (a) => `${Math.round(a.numericValue)} ms`;
console.log(`The last of ${runs} runs in detail:`);
console.log('page       perf  a11y  best   LCP       TBT      CLS    transfer');
for (const step of result.steps) {
  const { categories: c, audits: a } = step.lhr;
  const score = (k) => String(Math.round((c[k]?.score ?? 0) * 100)).padStart(4);
  console.log(`${step.name.padEnd(10)} ${score('performance')}  ${score('accessibility')}  ${score('best-practices')}  `
    + `${ms(a['largest-contentful-paint']).padStart(8)} ${ms(a['total-blocking-time']).padStart(8)}  `
    + `${a['cumulative-layout-shift'].numericValue.toFixed(3)}  ${(a['total-byte-weight'].numericValue / 1024).toFixed(0)} KB`);
  const lcp = a['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
  if (lcp) console.log(`  LCP element: ${lcp.snippet.slice(0, 120)}`);
  const bytes = a['network-requests']?.details?.items ?? [];
  for (const r of bytes.filter((x) => x.transferSize > 2048)) {
    console.log(`  ${(r.transferSize / 1024).toFixed(0).padStart(5)} KB  ${r.url.replace(base, '')}`);
  }
  for (const k of ['performance', 'accessibility', 'best-practices']) {
    const failing = Object.values(a).filter((x) => x.score !== null && x.score < 0.9
      && c[k].auditRefs.some((r) => r.id === x.id && r.weight > 0));
    for (const f of failing) console.log(`  ${k}: ${f.id} (${f.displayValue || f.score})`);
  }
}

// Each run's figures, then the median of each (the figure in the middle).
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of result.steps.map((s) => s.name)) {
  const rows = results.map((r) => r.steps.find((s) => s.name === name).lhr);
  const perf = rows.map((l) => Math.round(l.categories.performance.score * 100));
  const lcp = rows.map((l) => l.audits['largest-contentful-paint'].numericValue);
  const tbt = rows.map((l) => l.audits['total-blocking-time'].numericValue);
  const kb = rows.map((l) => l.audits['total-byte-weight'].numericValue / 1024);
  console.log(`${name}: performance ${perf.join(', ')} (median ${median(perf)}); `
    + `LCP ${lcp.map((x) => Math.round(x)).join(', ')} ms (median ${Math.round(median(lcp))}); `
    + `TBT ${tbt.map((x) => Math.round(x)).join(', ')} ms (median ${Math.round(median(tbt))}); `
    + `${Math.round(median(kb))} KB`);
}
