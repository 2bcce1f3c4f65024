// "Paid but still shown as unpaid" is what parents hate most: an invoice page left
// open notices the bank's notification within seconds, without a reload.
const { test, expect } = require('@playwright/test');
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const path = require('path');

function schoolSecret(slug) {
  const db = path.join(process.env.HOCPHI_E2E_DIR, 'hocphi-demo.db');
  return execFileSync(process.env.HOCPHI_BIN, ['bank-secret', '--school', slug], {
    env: { ...process.env, DATABASE_URL: `sqlite://${db}` },
  }).toString().trim();
}

test('an open invoice turns paid when the bank notifies', async ({ page }) => {
  await page.goto('/s/mn-hoa-hong');
  await page.getByLabel('Mã học sinh').fill('2203000001');
  await page.getByLabel('Ngày sinh của con').fill('12/03/2021');
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.getByText('Chưa nộp').first()).toBeVisible();
  const code = (await page.locator('section[aria-labelledby="template-title"] dd.font-mono').innerText()).trim();
  const total = Number((await page.locator('tfoot td').first().innerText()).replace(/[^0-9]/g, ''));

  // The school's bank notification service reports the transfer, signed.
  const secret = schoolSecret('mn-hoa-hong');
  const ts = Math.floor(Date.parse('2026-11-26T09:00:00+07:00') / 1000);
  const body = JSON.stringify({
    transaction_id: `E2E-${code}`, account_number: '8000201234567', amount: total, received_at: ts,
    memo: `VBA.IBFT.HP${code} nop tien cho con`, payer_name: 'NGUYEN VAN HUNG',
  });
  const signature = crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  const res = await page.request.post('/api/v1/bank-notifications', {
    headers: { 'content-type': 'application/json', 'x-hocphi-school': 'mn-hoa-hong', 'x-hocphi-timestamp': String(ts), 'x-hocphi-signature': signature },
    data: body,
  });
  expect(res.status()).toBe(201);
  expect((await res.json()).outcome).toBe('matched');

  // No reload: the page notices by itself.
  await expect(page.getByText('Khoản này đã được nộp đủ. Cảm ơn bạn!')).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('.qr')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/09-paid-without-reload.png', fullPage: true });
});
