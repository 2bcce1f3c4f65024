// "Paid but still shown as unpaid" is what parents hate most: an invoice page left
// open notices the bank's notification within seconds, without a reload.
const { test, expect } = require('@playwright/test');
const crypto = require('crypto');
const { schoolSecret } = require('../lib/cli');

test('an open invoice turns paid when the bank notifies', async ({ page }) => {
  await page.goto('/s/mn-hoa-hong');
  await page.getByLabel('Mã học sinh').fill('2203000001');
  await page.getByLabel('Ngày sinh của con').fill('12/03/2021');
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.getByTestId('amount-due')).toContainText('Còn phải nộp');
  const code = (await page.locator('section[aria-labelledby="template-title"] dd.font-mono').innerText()).trim();
  const total = Number((await page.locator('tfoot td').first().innerText()).replace(/[^0-9]/g, ''));
  // Before any payment the template's payer says whose name the bank will give.
  await expect(page.getByTestId('template-payer')).toHaveText('Tên chủ tài khoản bạn dùng để chuyển (ngân hàng báo cho nhà trường)');

  // The school's bank notification service reports the transfer, signed.
  const secret = schoolSecret('mn-hoa-hong');
  const ts = Math.floor(Date.parse('2026-11-26T09:00:00+07:00') / 1000);
  const notify = async (transfer) => {
    const body = JSON.stringify({ account_number: '8000201234567', amount: total, received_at: ts, ...transfer });
    const signature = crypto.createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    const res = await page.request.post('/api/v1/bank-notifications', {
      headers: { 'content-type': 'application/json', 'x-hocphi-school': 'mn-hoa-hong', 'x-hocphi-timestamp': String(ts), 'x-hocphi-signature': signature },
      data: body,
    });
    expect(res.status()).toBe(201);
    return (await res.json()).outcome;
  };
  expect(await notify({ transaction_id: `E2E-${code}`, memo: `VBA.IBFT.HP${code} nop tien cho con`, payer_name: 'NGUYEN VAN HUNG' }))
    .toBe('matched');

  // No reload: the page notices by itself.
  await expect(page.getByText('Khoản này đã được nộp đủ. Cảm ơn bạn!')).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('.qr')).toHaveCount(0);
  // The payer the bank reported: in the template and the payment history.
  await expect(page.getByTestId('template-payer')).toHaveText('NGUYEN VAN HUNG');
  await expect(page.getByTestId('payments')).toContainText('NGUYEN VAN HUNG');
  await page.screenshot({ path: 'test-results/screens/09-paid-without-reload.png', fullPage: true });

  // The grandmother pays it again from her phone: the school holds the second
  // transfer, and the invoice page tells the family it will be sent back.
  expect(await notify({ transaction_id: `E2E-${code}-2`, memo: `HP ${code}`, payer_name: 'TRAN THI BA' })).toBe('duplicate');
  await page.reload();
  const extra = page.getByTestId('extra-transfers');
  await expect(extra.getByRole('heading', { name: 'Chuyển khoản thừa' })).toBeVisible();
  await expect(extra).toContainText(`Nhà trường nhận thêm ${String(total).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đ ngày 26/11/2026`);
  await expect(extra).toContainText('kế toán sẽ hoàn lại');
  await page.screenshot({ path: 'test-results/screens/09b-paid-twice.png', fullPage: true });
});

// The canonical bytes, rebuilt here without hocphi's code: keys sorted, no spaces.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

test('the parent opens the signed receipt, scans its QR, and a tampered link fails', async ({ page, browser }) => {
  const { decodePng } = require('../lib/qr');
  await page.goto('/s/mn-hoa-hong');
  await page.getByLabel('Mã học sinh').fill('2203000001');
  await page.getByLabel('Ngày sinh của con').fill('12/03/2021');
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ }).click();
  await expect(page.getByText('Khoản này đã được nộp đủ. Cảm ơn bạn!')).toBeVisible();
  await page.getByTestId('receipt-link').first().click();

  // Checked on the phone (wasm) and by the server: both valid.
  const verdict = page.getByTestId('browser-verdict');
  await expect(verdict).toHaveAttribute('data-valid', 'true');
  await expect(verdict).toContainText('HỢP LỆ');
  await expect(page.getByTestId('server-verdict')).toHaveAttribute('data-valid', 'true');
  await expect(page.getByText('Biên lai thu tiền')).toBeVisible();
  await expect(page.getByText(/Bằng chữ: .+ đồng/)).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/11-receipt.png', fullPage: true });
  // On a 360 px phone the QR's note reads under the QR, not in a column a word wide.
  await page.setViewportSize({ width: 360, height: 740 });
  const qrBox = await page.getByTestId('receipt-qr').boundingBox();
  const noteBox = await page.getByTestId('receipt-qr-note').boundingBox();
  expect(noteBox.y).toBeGreaterThanOrEqual(qrBox.y + qrBox.height);
  expect(noteBox.width).toBeGreaterThan(250);
  await page.screenshot({ path: 'test-results/screens/11-receipt-360.png', fullPage: true });
  // A complaint about it names the receipt by its printed number, not the
  // link's long code, and fits the phone.
  const numbering = await page.getByTestId('receipt-numbering').innerText();
  const receiptUrl = page.url();
  await page.getByRole('link', { name: 'Báo sai sót, khiếu nại về biên lai này' }).click();
  const subject = page.locator('section[aria-labelledby="complaint-title"] p.font-semibold');
  await expect(subject).toHaveText(/^Biên lai [^ ]+$/);
  const shown = (await subject.innerText()).replace('Biên lai ', '');
  expect(shown.length).toBeLessThan(20);
  expect(numbering.replace(/\s+/g, '')).toContain(shown.split('-').pop());
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: 'test-results/screens/11-receipt-complaint-360.png', fullPage: true });
  await page.goto(receiptUrl);
  await page.setViewportSize({ width: 390, height: 844 });
  // The other parent, sent the receipt's link, has looked up no child on their
  // phone: told so before typing anything (it said the session had expired
  // after the whole form was filled).
  const otherPhone = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const otherPage = await otherPhone.newPage();
  await otherPage.goto(receiptUrl);
  await otherPage.getByRole('link', { name: 'Báo sai sót, khiếu nại về biên lai này' }).click();
  await expect(otherPage.getByTestId('complaint-needs-child')).toContainText('trước hết hãy tra cứu con trên điện thoại này');
  await expect(otherPage.getByRole('button', { name: 'Gửi khiếu nại' })).toBeHidden();
  await otherPage.getByTestId('complaint-needs-child').getByRole('link', { name: 'Tra cứu con' }).click();
  await expect(otherPage.getByLabel('Mã học sinh')).toBeVisible();
  await otherPhone.close();

  // The PDF download, rendered to an image where poppler is installed (CI installs it).
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Tải PDF' }).click(),
  ]);
  const pdfPath = await pdf.path();
  expect(require('fs').readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
  const { spawnSync } = require('child_process');
  const text = spawnSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' });
  if (text.status === 0) {
    expect(text.stdout).toContain('BIÊN LAI THU TIỀN');
    expect(text.stdout).toContain('Nguyễn Minh Châu');
    spawnSync('pdftoppm', ['-png', '-r', '100', '-singlefile', pdfPath, 'test-results/screens/13-receipt-pdf']);
  }

  // Scan the receipt's QR from the page's pixels and follow it.
  const link = decodePng(await page.getByTestId('receipt-qr').screenshot());
  expect(link).toBe(await page.getByTestId('receipt-qr').getAttribute('data-link'));
  expect(link).toMatch(/\/r\/[A-Za-z0-9_-]{43}#[0-9a-f]{16}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{86}$/);
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByTestId('browser-verdict')).toHaveAttribute('data-valid', 'true');
  await expect(page.getByTestId('server-verdict')).toHaveAttribute('data-valid', 'true');

  // An independent check with Node's own Ed25519 (OpenSSL), from the published key
  // and the documented canonical bytes.
  const crypto = require('crypto');
  const code = new URL(link).pathname.split('/').pop();
  const [keyId, digestB64, signatureB64] = new URL(link).hash.slice(1).split('.');
  const view = await (await page.request.post('/rpc/receipt', { form: { code } })).json();
  const published = await (await page.request.get('/api/v1/schools/mn-hoa-hong/receipt-keys')).json();
  const key = published.keys.find((k) => k.key_id === keyId);
  const digest = crypto.createHash('sha256').update(Buffer.from(canonical(view.content), 'utf8')).digest();
  expect(digest.toString('base64url')).toBe(digestB64);
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.public_key }, format: 'jwk' });
  const message = Buffer.concat([Buffer.from('hocphi-receipt-v1:'), digest]);
  expect(crypto.verify(null, message, publicKey, Buffer.from(signatureB64, 'base64url'))).toBe(true);
  const other = Buffer.from(message); other[other.length - 1] ^= 1;
  expect(crypto.verify(null, other, publicKey, Buffer.from(signatureB64, 'base64url'))).toBe(false);

  // A tampered link (one character of the signature changed): not valid, on both sides.
  const last = link.at(-3) === 'A' ? 'B' : 'A';
  const tampered = `${link.slice(0, -3)}${last}${link.slice(-2)}`;
  await page.goto('about:blank');
  await page.goto(tampered);
  await expect(page.getByTestId('browser-verdict')).toHaveAttribute('data-valid', 'false');
  await expect(page.getByTestId('browser-verdict')).toContainText('KHÔNG HỢP LỆ');
  await expect(page.getByTestId('server-verdict')).toHaveAttribute('data-valid', 'false');
  await page.screenshot({ path: 'test-results/screens/12-receipt-tampered.png', fullPage: true });
  // A way back to the children's fees, for an installed app without a back button.
  await page.getByTestId('to-fees').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Các con của bạn' })).toBeVisible();
});

test("a partly paid invoice's card shows what is still to pay in big figures, the total and what was paid under it", async ({ page }) => {
  // The demo's Hoàng Hữu Huy paid half of November's 980.000 đ.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/s/th-ha-long');
  await page.getByLabel('Mã học sinh').fill('2201000103');
  await page.getByLabel('Ngày sinh của con').fill('01/10/2019');
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Hoàng Hữu Huy' })).toBeVisible();
  const card = page.getByRole('link', { name: /Các khoản thu tháng 11\/2026/ });
  const amount = card.getByTestId('card-amount');
  await expect(amount.locator('.text-2xl')).toHaveText('490.000 đ');
  await expect(amount).toContainText('Còn phải nộp');
  await expect(card.getByTestId('card-paid')).toHaveText('Tổng cộng 980.000 đ · Đã nộp 490.000 đ');
  // A month not paid at all shows its total, as before.
  await expect(page.getByRole('link', { name: /Các khoản thu tháng 10\/2026/ }).getByTestId('card-amount')).toHaveText('1.010.000 đ');
  await page.screenshot({ path: 'test-results/screens/part-paid-card-360.png', fullPage: true });
});
