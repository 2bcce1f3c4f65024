// The accountant connects the school's management software: a key, shown once,
// reads the students through /api/v1; revoked, it is refused at once.
const { test, expect } = require('@playwright/test');
const { openTask } = require('../lib/staff');

test('an API key made in the page reads students, and stops working when revoked', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill('ketoan.thhl');
  await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await openTask(page, 'Kết nối');
  const section = page.locator('section[aria-labelledby="api-keys-title"]');
  await section.getByLabel('Tên khoá (phần mềm nào dùng)').fill('Phần mềm SMAS');
  await section.getByRole('button', { name: 'Tạo khoá' }).click();
  const secret = (await page.getByTestId('api-key-secret').locator('.select-all').innerText()).trim();
  expect(secret).toMatch(/^hp_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('api-key-row').first()).toContainText('Phần mềm SMAS');
  await expect(page.getByTestId('api-key-row').first()).toContainText('chỉ đọc');

  const ok = await request.get('/api/v1/students?limit=5', { headers: { authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  const page1 = await ok.json();
  expect(page1.items).toHaveLength(5);
  expect(page1.next).toBeTruthy();
  // Read-only: writing is refused with a problem document.
  const write = await request.post('/api/v1/students', {
    headers: { authorization: `Bearer ${secret}`, 'idempotency-key': 'e2e-1' },
    data: { students: [{ code: 'X1', full_name: 'A B', date_of_birth: '2019-01-01', class: '1A' }] },
  });
  expect(write.status()).toBe(403);
  expect(write.headers()['content-type']).toBe('application/problem+json');

  await page.getByTestId('api-key-row').first().getByRole('button', { name: 'Thu hồi' }).click();
  await expect(page.getByText('Đã thu hồi khoá.')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/52-api-keys.png', fullPage: false });
  const refused = await request.get('/api/v1/students', { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
});

// The accountant registers where the school's software listens; a month's
// invoices issued through the API reach it as signed events (checked here with
// Node's own HMAC); one delivery that failed shows in the log and is sent again.
test('events reach the school software, signed, and the log shows every delivery', async ({ page, request }) => {
  const http = require('http');
  const crypto = require('crypto');
  let secret = '';
  const received = new Map();
  let requests = 0;
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests += 1;
      // The very first delivery fails, as if the software were restarting.
      if (requests === 1) { res.writeHead(503); res.end(); return; }
      const [t, v1] = (req.headers['hocphi-signature'] || '').replace('t=', '').split(',v1=');
      const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      if (!v1 || !crypto.timingSafeEqual(Buffer.from(v1), Buffer.from(expected))) {
        badSignatures += 1; res.writeHead(401); res.end(); return;
      }
      const event = JSON.parse(body);
      received.set(event.id, event);
      res.writeHead(204); res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/staff/');
    await page.getByLabel('Tên đăng nhập').fill('ketoan.thhl');
    await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await openTask(page, 'Kết nối');

    // A read-write key for the software.
    const keys = page.locator('section[aria-labelledby="api-keys-title"]');
    await keys.getByLabel('Tên khoá (phần mềm nào dùng)').fill('Phần mềm SMAS ghi');
    await keys.getByLabel('Cho phép ghi (học sinh, khoản thu, lập hoá đơn)').check();
    await keys.getByRole('button', { name: 'Tạo khoá' }).click();
    const key = (await page.getByTestId('api-key-secret').locator('.select-all').innerText()).trim();

    // Its address, refused when unsafe, then registered; the secret is shown once.
    const hooks = page.locator('section[aria-labelledby="webhooks-title"]');
    await hooks.getByLabel('Địa chỉ nhận (https://…)').fill('http://sms.example.com/hook');
    await hooks.getByRole('button', { name: 'Đăng ký địa chỉ' }).click();
    await expect(hooks.getByRole('alert')).toContainText('https://');
    await hooks.getByLabel('Địa chỉ nhận (https://…)').fill(`http://127.0.0.1:${port}/hocphi`);
    await hooks.getByRole('button', { name: 'Đăng ký địa chỉ' }).click();
    await expect(hooks.getByText('Đã đăng ký địa chỉ nhận sự kiện.')).toBeVisible();
    secret = (await page.getByTestId('webhook-secret').locator('.select-all').innerText()).trim();
    expect(secret).toMatch(/^whsec_/);

    // The software issues March's invoices for class 3A through the API.
    const run = await request.post('/api/v1/invoice-runs', {
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'e2e-run-2027-03-3A' },
      data: { period: '2027-03', due_on: '2027-03-10', class: '3A' },
    });
    expect(run.status()).toBe(201);
    const issued = (await run.json()).new_invoices;
    expect(issued).toBeGreaterThan(5);

    // All but the failed one arrive within seconds, correctly signed.
    await expect.poll(() => received.size, { timeout: 20_000 }).toBe(issued - 1);
    expect(badSignatures).toBe(0);
    const sample = [...received.values()][0];
    expect(sample.type).toBe('invoice.issued');
    expect(sample.data.invoice.period).toBe('2027-03');
    expect(sample.school).toBe('th-ha-long');

    // The log shows the failure; sending it again delivers it.
    await hooks.getByRole('button', { name: 'Làm mới' }).click();
    const failed = page.getByTestId('delivery-row').filter({ hasText: 'HTTP 503' });
    await expect(failed).toHaveCount(1);
    await expect(failed).toContainText('thử lại lúc');
    await expect(page.getByTestId('delivery-row').filter({ hasText: 'Đã nhận' })).toHaveCount(issued - 1);
    await page.screenshot({ path: 'test-results/screens/53-webhook-log.png', fullPage: false });
    await failed.getByRole('button', { name: 'Gửi lại' }).click();
    await expect(hooks.getByText('Sẽ gửi lại trong vài giây')).toBeVisible();
    await expect.poll(() => received.size, { timeout: 20_000 }).toBe(issued);
    await hooks.getByRole('button', { name: 'Làm mới' }).click();
    await expect(page.getByTestId('delivery-row').filter({ hasText: 'Đã nhận' })).toHaveCount(issued);
    await expect(page.getByTestId('webhook-row')).toContainText(`đã nhận ${issued}`);

    // Stopped: nothing more is sent.
    await page.getByTestId('webhook-row').getByRole('button', { name: 'Ngừng gửi' }).click();
    await expect(hooks.getByText('Đã ngừng gửi đến địa chỉ này.')).toBeVisible();

    // The reference page renders from the same document.
    await page.goto('/api/v1/docs');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('hocphi API');
    await expect(page.locator('#schema-ApiReceipt')).toContainText('verification_url');
  } finally {
    server.close();
  }
});
