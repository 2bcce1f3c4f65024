#!/usr/bin/env node
// Cross-checks hocphi's VNPay module (app/src/domain/vnpay.rs) against the npm
// package `vnpay` (github.com/lehuygiang28/vnpay), an implementation nobody on the
// team wrote. Driven by app/tests/vnpay_crosscheck.rs, which passes the cases as
// JSON on stdin (or a file named as the first argument):
//
//   { "secret", "host", "cases": [ { "name", "input": {...}, "ours_url",
//     "tampered_url", "tampered_param", "our_callback", "callback_params": {...} } ],
//     "probes": { ... } }
//
// For every case it
//   1. verifies OUR payment URL with vnpay.verifyReturnUrl and vnpay.verifyIpnCall,
//   2. checks the tampered copy of our URL is rejected by both,
//   3. verifies OUR signed callback (a simulated IPN) with both,
//   4. builds ITS OWN payment URL from the same inputs with vnpay.buildPaymentUrl,
//   5. signs the same callback parameters with vnpay's own encoder and HMAC,
// and prints JSON (its URLs and verdicts) on stdout for the Rust test to check
// the other way round. Any failed check is listed on stderr and exits 1.
'use strict';

const fs = require('fs');

let vnpayLib;
try {
  vnpayLib = require('vnpay');
} catch (err) {
  console.error(
    'vnpay-crosscheck: the npm package `vnpay` is not installed. Run `npm ci` in the ' +
      'repository root (it is a devDependency in package.json).\n' +
      String(err && err.message),
  );
  process.exit(2);
}
const { VNPay, buildPaymentUrlSearchParams, calculateSecureHash } = vnpayLib;
const constants = require('vnpay/constants');

function readInput() {
  const file = process.argv[2];
  const text = file ? fs.readFileSync(file, 'utf8') : fs.readFileSync(0, 'utf8');
  return JSON.parse(text);
}

/** A query string or URL to the object Express would hand to vnpay (last value wins). */
function queryObject(urlOrQuery) {
  const q = urlOrQuery.includes('?') ? urlOrQuery.slice(urlOrQuery.indexOf('?') + 1) : urlOrQuery;
  return Object.fromEntries(new URLSearchParams(q));
}

function verdict(result) {
  return {
    isVerified: result.isVerified,
    isSuccess: result.isSuccess,
    vnp_Amount: result.vnp_Amount,
    vnp_TxnRef: result.vnp_TxnRef,
  };
}

function verifyBoth(vnpay, urlOrQuery) {
  const out = {};
  for (const method of ['verifyReturnUrl', 'verifyIpnCall']) {
    try {
      out[method] = verdict(vnpay[method](queryObject(urlOrQuery)));
    } catch (err) {
      out[method] = { error: String(err && err.message) };
    }
  }
  return out;
}

/** Signs parameters the way vnpay signs its payment URLs, with its own helpers. */
function vnpaySignedQuery(params, secret) {
  const search = buildPaymentUrlSearchParams(params);
  const hash = calculateSecureHash({
    secureSecret: secret,
    data: search.toString(),
    hashAlgorithm: 'SHA512',
    bufferEncode: 'utf-8',
  });
  search.append('vnp_SecureHash', hash);
  return search.toString();
}

function main() {
  const input = readInput();
  const failures = [];
  const expect = (ok, what) => {
    if (!ok) failures.push(what);
  };
  const results = [];

  for (const c of input.cases) {
    const inp = c.input;
    const vnpay = new VNPay({
      tmnCode: inp.tmn_code,
      secureSecret: input.secret,
      vnpayHost: input.host,
      hashAlgorithm: 'SHA512',
      enableLog: false,
    });

    // 1. Our payment URL, verified by vnpay.
    const ours = verifyBoth(vnpay, c.ours_url);
    for (const [method, r] of Object.entries(ours)) {
      expect(r.isVerified === true, `${c.name}: vnpay.${method} rejects our payment URL (${JSON.stringify(r)})`);
      expect(r.vnp_Amount === inp.amount, `${c.name}: vnpay.${method} reads ${r.vnp_Amount} đ, we sent ${inp.amount} đ`);
      expect(r.vnp_TxnRef === inp.txn_ref, `${c.name}: vnpay.${method} reads TxnRef ${r.vnp_TxnRef}`);
    }

    // 2. Our payment URL with one parameter changed: vnpay must reject it.
    const tampered = verifyBoth(vnpay, c.tampered_url);
    for (const [method, r] of Object.entries(tampered)) {
      expect(
        r.isVerified === false,
        `${c.name}: vnpay.${method} accepts our URL with ${c.tampered_param} changed`,
      );
    }

    // 3. Our signed callback (what VNPay would send), verified by vnpay.
    const callback = verifyBoth(vnpay, c.our_callback);
    const cbSuccess = c.callback_params.vnp_ResponseCode === '00';
    for (const [method, r] of Object.entries(callback)) {
      expect(r.isVerified === true, `${c.name}: vnpay.${method} rejects our callback (${JSON.stringify(r)})`);
      expect(r.isSuccess === cbSuccess, `${c.name}: vnpay.${method} isSuccess=${r.isSuccess}`);
      expect(
        r.vnp_Amount === Number(c.callback_params.vnp_Amount) / 100,
        `${c.name}: vnpay.${method} reads callback amount ${r.vnp_Amount}`,
      );
    }

    // 4. vnpay's own payment URL from the same inputs (it multiplies the amount by 100).
    const build = {
      vnp_Amount: inp.amount,
      vnp_IpAddr: inp.ip_addr,
      vnp_TxnRef: inp.txn_ref,
      vnp_OrderInfo: inp.order_info,
      vnp_OrderType: inp.order_type,
      vnp_ReturnUrl: inp.return_url,
      vnp_Locale: inp.locale,
      vnp_CreateDate: Number(inp.create_date),
    };
    if (inp.expire_date) build.vnp_ExpireDate = Number(inp.expire_date);
    if (inp.bank_code) build.vnp_BankCode = inp.bank_code;
    let theirsUrl = null;
    try {
      theirsUrl = vnpay.buildPaymentUrl(build);
    } catch (err) {
      expect(false, `${c.name}: vnpay.buildPaymentUrl throws ${err && err.message}`);
    }
    if (theirsUrl) {
      const self = verifyBoth(vnpay, theirsUrl);
      expect(self.verifyReturnUrl.isVerified === true, `${c.name}: vnpay rejects its own URL`);
    }

    // 5. The same callback parameters signed by vnpay's encoder and HMAC.
    const theirCallback = vnpaySignedQuery(c.callback_params, input.secret);

    results.push({
      name: c.name,
      ours,
      tampered,
      callback,
      theirs_url: theirsUrl,
      their_callback: theirCallback,
    });
  }

  // Probes where the two implementations are known to decide differently; reported,
  // not judged here (the Rust test prints them).
  const probes = {};
  if (input.probes) {
    const vnpay = new VNPay({
      tmnCode: input.probes.tmn_code,
      secureSecret: input.secret,
      vnpayHost: input.host,
      hashAlgorithm: 'SHA512',
    });
    for (const [name, query] of Object.entries(input.probes.queries)) {
      probes[name] = verifyBoth(vnpay, query);
    }
  }

  const ipn = {};
  for (const key of [
    'IpnSuccess',
    'IpnOrderNotFound',
    'InpOrderAlreadyConfirmed',
    'IpnInvalidAmount',
    'IpnFailChecksum',
    'IpnUnknownError',
  ]) {
    ipn[key] = constants[key];
  }

  process.stdout.write(`${JSON.stringify({ results, probes, ipn }, null, 2)}\n`);
  if (failures.length > 0) {
    console.error(`vnpay-crosscheck: ${failures.length} check(s) failed:`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exit(1);
  }
  console.error(`vnpay-crosscheck: ${input.cases.length} cases, every check passed`);
}

main();
