// A flood of junk against a running hocphi, and what it costs everyone else:
// made-up link-preview paths (class links of classes that do not exist, other
// hosts), lookups with wrong birth dates, and bank notifications with bad
// signatures, each at a fixed rate (open loop: requests are sent on schedule
// whether or not earlier ones were answered). Meanwhile `/healthz` and real,
// correctly signed bank notifications are timed; their p50/p99 are printed.
// Usage: node scripts/bench-flood.mjs BASE SECRET NOW_UNIX [RATE_PER_KIND] [SECONDS]
import { createHmac } from 'node:crypto';

const [base, secret, nowArg, rateArg = '150', secondsArg = '20'] = process.argv.slice(2);
if (!base || !secret) throw new Error('usage: bench-flood.mjs BASE SECRET NOW_UNIX [RATE] [SECONDS]');
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const now = Number(nowArg || Math.floor(Date.now() / 1000));
const sign = (ts, body) => createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');

const counts = {};
const note = (kind, status) => {
  counts[kind] ??= {};
  counts[kind][status] = (counts[kind][status] || 0) + 1;
};
const timed = async (kind, url, init) => {
  const start = performance.now();
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    note(kind, res.status);
  } catch (e) {
    note(kind, 'error');
  }
  return performance.now() - start;
};

let n = 0;
const junk = {
  preview: () => timed('preview', `${base}/s/th-ha-long/Q${n++}`, { headers: { host: `h${n}.example` } }),
  lookup: () => timed('lookup', `${base}/rpc/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.${(n >> 8) & 255}.${n++ & 255}` },
    body: `school=th-ha-long&student_code=22010${String(n % 100000).padStart(5, '0')}&birth_date=01%2F01%2F2017`,
  }),
  badsig: () => {
    const body = JSON.stringify({ transaction_id: `JUNK${n++}`, account_number: '1023456789', amount: 1000, received_at: now, memo: 'x' });
    return timed('badsig', `${base}/api/v1/bank-notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hocphi-school': 'th-ha-long', 'x-hocphi-timestamp': String(now), 'x-hocphi-signature': '0'.repeat(64) },
      body,
    });
  },
};

const latencies = { healthz: [], notification: [] };
let seq = 0;
const probes = {
  healthz: () => timed('healthz', `${base}/healthz`),
  notification: () => {
    const body = JSON.stringify({ transaction_id: `FLOOD-OK-${Date.now()}-${seq++}`, account_number: '1023456789', amount: 50000, received_at: now, memo: 'chuyen tien' });
    return timed('notification', `${base}/api/v1/bank-notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hocphi-school': 'th-ha-long', 'x-hocphi-timestamp': String(now), 'x-hocphi-signature': sign(now, body) },
      body,
    });
  },
};

const pending = [];
const every = (ms, fn, sink) => setInterval(() => {
  const p = fn();
  pending.push(p);
  if (sink) p.then((t) => sink.push(t));
}, ms);

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const show = (name, xs) => console.log(`${name.padEnd(22)} n=${String(xs.length).padStart(5)}  p50 ${quantile(xs, 0.5).toFixed(1)} ms  p99 ${quantile(xs, 0.99).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);

// Quiet first: the same probes with no flood, for comparison.
const quiet = { healthz: [], notification: [] };
let timers = [every(20, probes.healthz, quiet.healthz), every(100, probes.notification, quiet.notification)];
await new Promise((r) => setTimeout(r, 5000));
timers.forEach(clearInterval);
await Promise.all(pending.splice(0));

const interval = 1000 / rate;
timers = [
  ...Object.values(junk).map((fn) => every(interval, fn)),
  every(20, probes.healthz, latencies.healthz),
  every(100, probes.notification, latencies.notification),
];
const started = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
timers.forEach(clearInterval);
await Promise.all(pending.splice(0));
const elapsed = (performance.now() - started) / 1000;

console.log(`flood: ${Object.keys(junk).length} kinds × ${rate}/s for ${seconds} s (${(n / elapsed).toFixed(0)} junk requests/s sent)`);
console.log('answers:', JSON.stringify(counts));
show('healthz, quiet', quiet.healthz);
show('notification, quiet', quiet.notification);
show('healthz, flooded', latencies.healthz);
show('notification, flooded', latencies.notification);
