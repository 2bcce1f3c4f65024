// An accountant defines a fee and an exemption, issues a month for a class, and
// the parent pays that invoice by a QR that decodes independently.
const { test, expect } = require('@playwright/test');
const { decodePng, parseVietQr } = require('../lib/qr');
const { openTask, signOut } = require('../lib/staff');

test('fees, an exemption and a month issued for a class reach the parent', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill('ketoan.thhl');
  await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await openTask(page, 'Khoản thu, lập hoá đơn');

  // A class fund for grade 3. The amount is read back as typed before anything is
  // saved: an unclear one is refused with the reason and saves nothing.
  const fees = page.locator('section[aria-labelledby="fees-title"]');
  await page.getByLabel('Tên khoản thu').fill('Quỹ lớp');
  await page.getByLabel('Số tiền (đồng)').fill('15.5');
  await expect(fees.getByTestId('amount-read')).toContainText('Số tiền không rõ');
  await page.getByRole('button', { name: 'Thêm khoản thu' }).click();
  await expect(fees.getByRole('listitem').filter({ hasText: 'Quỹ lớp' })).toHaveCount(0);
  await page.getByLabel('Số tiền (đồng)').fill('50k');
  await expect(fees.getByTestId('amount-read')).toHaveText('= 50.000 đ');
  await page.getByLabel('Khối hoặc lớp áp dụng').fill('3');
  // A double click adds it once, and the message says what was saved, with its figures.
  await page.getByRole('button', { name: 'Thêm khoản thu' }).dblclick();
  await expect(page.getByText('Đã thêm khoản thu Quỹ lớp: 50.000 đ mỗi tháng, áp dụng: 3.')).toBeVisible();
  await expect(fees.getByRole('listitem').filter({ hasText: 'Quỹ lớp' })).toHaveCount(1);
  await expect(fees.getByRole('listitem').filter({ hasText: 'Quỹ lớp' })).toContainText('50.000 đ mỗi tháng');
  await expect(page.getByLabel('Số tiền (đồng)')).toHaveValue('');
  // A typo is corrected in place (for invoices issued from now on), and a fee
  // can stop being billed: stopped while its correction is open, saving the
  // correction keeps it stopped…
  const fund = fees.getByTestId('fee-row').filter({ hasText: 'Quỹ lớp' });
  await fund.getByRole('button', { name: 'Sửa' }).click();
  await expect(page.getByLabel('Số tiền (đồng)')).toHaveValue('50.000');
  await fund.getByRole('button', { name: 'Ngừng thu' }).click();
  await expect(page.getByText('Đã ngừng thu khoản Quỹ lớp: 50.000 đ mỗi tháng, áp dụng: 3. Các hoá đơn đã lập vẫn giữ khoản này.')).toBeVisible();
  await expect(fund).toContainText('(đã ngừng thu)');
  await page.getByLabel('Số tiền (đồng)').fill('60.000');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(page.getByText('Đã sửa khoản thu Quỹ lớp: 60.000 đ mỗi tháng, áp dụng: 3.')).toBeVisible();
  await expect(fund).toContainText('60.000 đ mỗi tháng');
  await expect(fund).toContainText('(đã ngừng thu)');
  await expect(fees.getByTestId('fee-row').filter({ hasText: 'Quỹ lớp' })).toHaveCount(1);
  // …and it comes back.
  await fund.getByRole('button', { name: 'Thu lại' }).click();
  await expect(fund).not.toContainText('(đã ngừng thu)');
  // The same fee again for the same grade would bill it twice: refused, however it is spelt.
  await page.getByLabel('Tên khoản thu').fill('quỹ  lớp');
  await page.getByLabel('Số tiền (đồng)').fill('20000');
  await page.getByLabel('Khối hoặc lớp áp dụng').fill('3');
  await page.getByRole('button', { name: 'Thêm khoản thu' }).click();
  await expect(page.getByText('Đã có khoản thu cùng tên đang thu của một số học sinh trong phạm vi này')).toBeVisible();
  await expect(fees.getByTestId('fee-row').filter({ hasText: /quỹ lớp/i })).toHaveCount(1);
  await page.getByLabel('Tên khoản thu').fill('');
  await page.getByLabel('Số tiền (đồng)').fill('');
  await page.getByLabel('Khối hoặc lớp áp dụng').fill('');

  // Half the meals for poor households, granted to one child with its grounds.
  await page.getByLabel('Tên diện miễn giảm').fill('Hộ nghèo');
  await page.getByLabel('Khoản được giảm').selectOption({ label: 'Tiền ăn bán trú' });
  await page.getByLabel('Tỷ lệ giảm (%)').fill('50');
  await page.getByRole('button', { name: 'Lưu diện miễn giảm' }).click();
  await expect(page.getByText('Đã lưu diện miễn giảm Hộ nghèo: giảm 50% Tiền ăn bán trú.')).toBeVisible();
  await page.getByLabel('Diện miễn giảm', { exact: true }).selectOption({ label: 'Hộ nghèo' });
  await page.getByLabel('Mã học sinh được miễn giảm').fill('2201000001');
  await page.getByLabel('Căn cứ').fill('Sổ hộ nghèo số 123/2026');
  // A double click grants once (the log below has one line for it).
  await page.getByRole('button', { name: 'Ghi miễn giảm' }).dblclick();
  await expect(page.getByText('Đã áp dụng diện miễn giảm Hộ nghèo cho em Nguyễn Minh An, mã 2201000001 (căn cứ: Sổ hộ nghèo số 123/2026). Miễn giảm được áp dụng cho các hoá đơn lập từ nay; các hoá đơn đã lập giữ nguyên số tiền.')).toBeVisible();
  await expect(page.getByText('Nguyễn Minh An (3A): Sổ hộ nghèo số 123/2026')).toBeVisible();

  // December for class 3A: preview, then issue.
  // A due date already past is said before anything is issued.
  await page.locator('#run-period').fill('2026-12');
  await page.getByLabel('Hạn nộp', { exact: true }).fill('25/11/2026');
  await page.getByLabel('Lớp hoặc khối').fill('3A');
  await page.locator('section[aria-labelledby="run-title"]').getByRole('button', { name: 'Xem trước' }).click();
  await expect(page.getByTestId('due-passed')).toContainText('Hạn nộp 25/11/2026 đã qua');
  // A class the school does not have is named as the problem, not previewed as
  // "0 students"; the preview of the class before it goes.
  await page.getByLabel('Lớp hoặc khối').fill('3X');
  await page.locator('section[aria-labelledby="run-title"]').getByRole('button', { name: 'Xem trước' }).click();
  await expect(page.getByText('Trường không có khối hoặc lớp này.')).toBeVisible();
  await expect(page.getByTestId('run-preview')).toHaveCount(0);
  await page.getByLabel('Lớp hoặc khối').fill('3A');
  await page.getByLabel('Hạn nộp', { exact: true }).fill('20/12/2026');
  await page.locator('section[aria-labelledby="run-title"]').getByRole('button', { name: 'Xem trước' }).click();
  await expect(page.getByTestId('run-preview')).toContainText('hoá đơn mới 14');
  await expect(page.getByTestId('due-passed')).toHaveCount(0);
  // Every invoice the run makes is listed, in the register's order.
  const planned = page.getByTestId('run-preview-rows').locator('tr');
  await expect(planned).toHaveCount(14);
  const names = await planned.locator('td:nth-child(2)').allInnerTexts();
  const given = (n) => n.split(' ').pop();
  for (let i = 1; i < names.length; i++) {
    expect(given(names[i - 1]).localeCompare(given(names[i]), 'vi'), `${names[i - 1]} before ${names[i]}`).toBeLessThanOrEqual(0);
  }
  await page.screenshot({ path: 'test-results/screens/staff-desktop-06-run.png', fullPage: true });
  await expect(page.getByTestId('run-preview')).toContainText('lớp 3A · kỳ 12/2026 · hạn nộp 20/12/2026');
  // A field changed after the preview: the preview (and its button) goes, so
  // what is issued is always what was previewed.
  await page.getByLabel('Lớp hoặc khối').fill('4A');
  await expect(page.getByTestId('run-preview')).toHaveCount(0);
  await page.getByLabel('Lớp hoặc khối').fill('3A');
  await page.locator('section[aria-labelledby="run-title"]').getByRole('button', { name: 'Xem trước' }).click();
  // A fee changed after the preview (another tab, a colleague): nothing is
  // issued from the preview on screen, and the accountant is asked to look again.
  const listed = await page.request.post('/rpc/fees/list', { data: { school_id: 1 } });
  const fundRow = (await listed.json()).find((f) => f.name === 'Quỹ lớp');
  const save = (amount) => page.request.post('/rpc/fees/save', {
    data: { school_id: 1, fee: { id: fundRow.id, name: 'Quỹ lớp', amount, unit: 'month', mandatory: true, grades: '3', active: true } },
  });
  expect((await save(fundRow.amount + 5000)).ok()).toBe(true);
  await page.getByRole('button', { name: 'Phát hành 14 hoá đơn' }).click();
  await expect(page.getByText('đã thay đổi từ lúc xem trước, nên chưa phát hành hoá đơn nào')).toBeVisible();
  await expect(page.getByTestId('run-preview')).toHaveCount(0);
  expect((await save(fundRow.amount)).ok()).toBe(true);
  await page.locator('section[aria-labelledby="run-title"]').getByRole('button', { name: 'Xem trước' }).click();
  await page.getByRole('button', { name: 'Phát hành 14 hoá đơn' }).click();
  await expect(page.getByText(/^Đã phát hành 14 hoá đơn · lớp 3A · kỳ 12\/2026 · tổng [0-9.]+ đ$/)).toBeVisible();
  // The same month again: nothing new, said in words (it showed "tổng 0 đ" over an empty table).
  await page.locator('section[aria-labelledby="run-title"]').getByRole('button', { name: 'Xem trước' }).click();
  await expect(page.getByTestId('run-nothing-new')).toHaveText('Không có hoá đơn mới để phát hành: 14 học sinh trong phạm vi này đã có hoá đơn kỳ này (xem ở mục Hoá đơn, thông báo).');
  await expect(page.getByTestId('run-preview-rows')).toHaveCount(0);

  // Mistakes are corrected, not permanent: a policy's rate is filled back in to change it,
  // an exemption granted by mistake is ended with a reason (December keeps its reduction),
  // and a credit typed wrong is cancelled before any invoice uses it.
  const policy = page.getByTestId('policy-row').filter({ hasText: 'Hộ nghèo' });
  await policy.getByRole('button', { name: 'Sửa tỷ lệ' }).click();
  await expect(page.getByLabel('Tên diện miễn giảm')).toHaveValue('Hộ nghèo');
  await expect(page.getByLabel('Tỷ lệ giảm (%)')).toHaveValue('50');
  await expect(page.getByLabel('Khoản được giảm').locator('option:checked')).toHaveText('Tiền ăn bán trú');
  // The reason is asked right there (no browser prompt), and an empty one is refused in words.
  const exempted = policy.getByTestId('exempted-student').filter({ hasText: 'Nguyễn Minh An' });
  await exempted.getByRole('button', { name: 'Bỏ miễn giảm' }).click();
  const why = exempted.getByLabel('Lý do bỏ miễn giảm của Nguyễn Minh An');
  await expect(why).toBeFocused();
  await exempted.getByTestId('reason-form').getByRole('button', { name: 'Bỏ miễn giảm' }).click();
  await expect(exempted.getByRole('alert')).toHaveText('Hãy ghi lý do (lý do được lưu vào nhật ký thay đổi).');
  await why.fill('Đã hết diện hộ nghèo');
  await why.press('Enter');
  await expect(page.getByText('Đã bỏ miễn giảm của Nguyễn Minh An.')).toBeVisible();
  await expect(policy.getByTestId('exempted-student')).toHaveCount(0);
  await page.getByLabel('Mã học sinh được trừ').fill('2201000168');
  await page.getByLabel('Số tiền trừ (đồng)').fill('45k');
  await page.getByLabel('Lý do trừ').fill('Nghỉ ăn 3 ngày');
  await page.getByRole('button', { name: 'Ghi khoản trừ' }).click();
  const credit = page.getByTestId('credit-row').filter({ hasText: 'Nghỉ ăn 3 ngày' });
  await expect(credit).toContainText('còn 45.000 đ');
  await credit.getByRole('button', { name: 'Huỷ khoản trừ' }).click();
  await credit.getByLabel(/^Lý do huỷ khoản trừ 45\.000 đ của /).fill('Nhập nhầm học sinh');
  await credit.getByTestId('reason-form').getByRole('button', { name: 'Huỷ khoản trừ' }).click();
  await expect(page.getByText(/^Đã huỷ khoản trừ 45\.000 đ của /)).toBeVisible();
  await expect(credit).toHaveCount(0);

  // The invoice list finds them, totals them and exports them to Excel.
  await openTask(page, 'Hoá đơn, thông báo');
  // The page opens on the list, newest first.
  await expect(page.getByTestId('invoice-totals')).toContainText('hoá đơn');
  // A period is typed as the lists show it (12/2026), or refused in words.
  await page.locator('#inv-period').fill('13/2026');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByText('Kỳ thu ghi theo tháng/năm, ví dụ 11/2026.')).toBeVisible();
  await page.locator('#inv-period').fill('12/2026');
  await page.getByLabel('Lớp (để trống: tất cả)').fill('3A');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByTestId('invoice-totals')).toContainText('14 hoá đơn');
  // An invoice opens in place: its lines (the reduction among them) add up to its total.
  const an = page.getByTestId('invoice-row').filter({ hasText: 'Nguyễn Minh An' });
  await an.getByRole('button', { name: 'Chi tiết' }).filter({ visible: true }).click();
  const detail = page.getByTestId('invoice-detail');
  await expect(detail).toContainText('Nguyễn Minh An · lớp 3A · hạn nộp 20/12/2026');
  await expect(detail.getByTestId('invoice-line').filter({ hasText: 'Hộ nghèo' })).toHaveCount(1);
  const digitsOf = async (loc) => Number((await loc.innerText()).replace(/[^0-9-]/g, ''));
  let lineSum = 0;
  for (const line of await detail.getByTestId('invoice-line').all()) {
    if (await line.evaluate((e) => e.classList.contains('line-through'))) continue;
    lineSum += await digitsOf(line.locator('td').last());
  }
  expect(lineSum).toBe(await digitsOf(detail.locator('tfoot td').last()));
  await an.getByRole('button', { name: 'Ẩn chi tiết' }).filter({ visible: true }).click();
  await expect(detail).toHaveCount(0);
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Xuất Excel (.xlsx)' }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toBe('hoa-don.xlsx');
  const bytes = require('fs').readFileSync(await xlsx.path());
  expect(bytes.subarray(0, 2).toString()).toBe('PK');

  // An invoice issued by mistake is voided with its reason: the count goes
  // with the sum due, and the voided one is counted apart.
  await page.locator('#inv-period').fill('11/2026');
  await page.getByLabel('Lớp (để trống: tất cả)').fill('5A');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  const totals = page.getByTestId('invoice-totals');
  // 3A's list had 14 too: wait for 5A's.
  await expect(page.getByTestId('invoice-row').filter({ hasNotText: '11/2026' })).toHaveCount(0);
  await expect(page.getByTestId('invoice-row').first()).toContainText('5A');
  await expect(totals).toContainText('14 hoá đơn');
  await expect(totals).not.toContainText('đã huỷ');
  const dueOf = async () => Number((await totals.innerText()).match(/phải nộp ([\d.]+) đ/)[1].replace(/\./g, ''));
  const dueBefore = await dueOf();
  // One nobody has paid anything on (November's are overdue by now).
  const unpaid = page.getByTestId('invoice-row').filter({ hasText: 'quá hạn' })
    .filter({ has: page.locator('td', { hasText: /^0 đ$/ }) }).first();
  const voidedCode = (await unpaid.locator('td').first().innerText()).trim();
  const voidedTotal = Number(await unpaid.getAttribute('data-owed'));
  await unpaid.getByRole('button', { name: 'Huỷ hoá đơn' }).filter({ visible: true }).click();
  await page.getByLabel(`Lý do huỷ hoá đơn ${voidedCode}`).fill('Phát hành nhầm');
  await page.getByTestId('reason-form').getByRole('button', { name: 'Huỷ hoá đơn' }).click();
  await expect(page.getByText(`Đã huỷ hoá đơn ${voidedCode}.`)).toBeVisible();
  await expect(totals).toContainText('13 hoá đơn');
  await expect(totals).toContainText('· 1 hoá đơn đã huỷ (không tính)');
  expect(await dueOf()).toBe(dueBefore - voidedTotal);

  // The whole school's invoices come a page at a time, and in the order asked for.
  await page.locator('#inv-period').fill('');
  await page.getByLabel('Lớp (để trống: tất cả)').fill('');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  const pages = page.getByTestId('pages');
  await expect(pages).toContainText(/Trang 1 \/ \d+ · 1–100 trong tổng số \d+/);
  await expect(pages.getByRole('button', { name: '‹ Trang trước' })).toBeDisabled();
  const invoiceRows = page.getByTestId('invoice-row');
  await expect(invoiceRows).toHaveCount(100);
  await pages.getByRole('button', { name: 'Trang sau ›' }).click();
  await expect(pages).toContainText('Trang 2 / ');
  // The pager stays put: the keyboard's focus is still on it.
  await expect(pages.getByRole('button', { name: 'Trang sau ›' })).toBeFocused();
  await expect(pages).toContainText('· 101–');
  await page.getByLabel('Sắp xếp').selectOption({ label: 'Còn nợ nhiều nhất lên đầu' });
  await expect(pages).toContainText('Trang 1 / ');
  const owed = (await invoiceRows.evaluateAll((rows) => rows.map((r) => Number(r.dataset.owed))));
  expect(owed.length).toBe(100);
  expect(owed[0]).toBeGreaterThan(0);
  expect(owed).toEqual([...owed].sort((x, y) => y - x));

  // The change log reads as sentences, newest first, and finds a change by its words
  // (marks optional) and by day.
  await openTask(page, 'Nhật ký thay đổi');
  const log = page.getByTestId('audit-list');
  await expect(log.getByRole('listitem').first()).toContainText(`Huỷ hoá đơn ${voidedCode} — lý do: Phát hành nhầm`);
  await expect(log.getByRole('listitem').nth(1)).toContainText('Huỷ khoản trừ 45.000 đ');
  await expect(log.getByRole('listitem').filter({ hasText: 'Lập hoá đơn tháng 12/2026 (lớp 3A): 14 hoá đơn' })).toHaveCount(1);
  await expect(log).not.toContainText('{');
  await page.getByLabel('Tìm theo người, việc hoặc hồ sơ').fill('mien giam');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(log.getByRole('listitem').filter({ hasText: /Cho miễn giảm học sinh.*Sổ hộ nghèo số 123\/2026/ })).toHaveCount(1);
  await page.getByLabel('Tìm theo người, việc hoặc hồ sơ').fill('quy lop');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  // Newest first: changed back, changed after the preview, restored, corrected
  // while retired, retired, added, each with its figures.
  await expect(log.getByRole('listitem').locator('div:first-child')).toHaveText([
    'Sửa khoản thu «Quỹ lớp»: 65.000 đ/tháng → 60.000 đ/tháng',
    'Sửa khoản thu «Quỹ lớp»: 60.000 đ/tháng → 65.000 đ/tháng',
    'Thu lại khoản «Quỹ lớp»: 60.000 đ/tháng',
    'Sửa khoản thu (đã ngừng thu) «Quỹ lớp»: 50.000 đ/tháng → 60.000 đ/tháng',
    'Ngừng thu khoản «Quỹ lớp»: 50.000 đ/tháng',
    'Thêm khoản thu «Quỹ lớp»: 50.000 đ/tháng',
  ]);
  await expect(log.getByRole('listitem').first()).toContainText('Lê Thị Hồng');
  await page.getByLabel('Tìm theo người, việc hoặc hồ sơ').fill('nhap nham');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(log.getByRole('listitem').locator('div:first-child')).toHaveText([/^Huỷ khoản trừ 45\.000 đ của học sinh .+ — lý do: Nhập nhầm học sinh$/]);
  await page.getByLabel('Tìm theo người, việc hoặc hồ sơ').fill('ho ngheo');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(log.getByRole('listitem').first()).toContainText('Bỏ miễn giảm «Hộ nghèo» của học sinh Nguyễn Minh An — lý do: Đã hết diện hộ nghèo');
  await page.getByLabel('Ngày').fill('2020-01-01');
  await page.getByRole('button', { name: 'Tìm', exact: true }).click();
  await expect(page.getByText('Không có thay đổi nào khớp.')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/staff-desktop-08-log.png', fullPage: true });

  // The homeroom teacher opens the class view and copies a private link for one family.
  await signOut(page);
  await page.getByLabel('Tên đăng nhập').fill('gv.3a');
  await page.getByLabel('Mật khẩu').fill('hocphi-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByTestId('class-summary')).toContainText('Kỳ 12/2026');
  // December issued early does not hide November, still owed: said, and one press away.
  const owedBefore = page.getByTestId('other-periods-owed');
  await expect(owedBefore).toContainText(/Kỳ 11\/2026: \d+ em chưa nộp đủ · còn nợ [\d.]+\sđ/);
  await owedBefore.getByRole('button', { name: /Kỳ 11\/2026/ }).click();
  await expect(page.getByTestId('class-summary')).toContainText('Kỳ 11/2026');
  // Every child of the class (14, all billed) is counted: paid, partly, not yet.
  const [, paidFull, partly, none] = (await page.getByTestId('class-summary').innerText())
    .match(/đã nộp đủ (\d+) · một phần (\d+) · chưa nộp (\d+)/).map(Number);
  expect(paidFull + partly + none).toBe(14);
  await expect(page.locator('#class-period')).toHaveValue('2026-11');
  await page.locator('#class-period').selectOption('2026-12');
  await expect(page.getByTestId('class-summary')).toContainText('Kỳ 12/2026');
  const row = page.locator('section[aria-labelledby="class-title"]').getByRole('row', { name: /Nguyễn Minh An/ });
  await expect(row).toContainText('chưa nộp');
  // A double click makes one link, the one shown.
  await row.getByRole('button', { name: 'Đường dẫn riêng' }).dblclick();
  const link = (await page.getByText(/\/l\//).innerText()).trim();
  expect(link).toMatch(/\/l\/[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'Soạn tin nhắc nộp cho nhóm lớp' }).click();
  const reminder = await page.getByText(/Kính gửi quý phụ huynh lớp 3A/).innerText();
  expect(reminder).toContain('/s/th-ha-long/3A');
  // The teacher's link for the class group is the class's own, as the reminder's.
  await expect(page.getByTestId('class-link')).toContainText('/s/th-ha-long/3A');
  expect(reminder).not.toContain('Nguyễn');
  expect(reminder).toMatch(/có hạn nộp \d\d\/12\/2026/);
  // November's due date (20/11) has passed by the server's clock (26/11): said so.
  await page.locator('#class-period').selectOption('2026-11');
  await expect(page.getByTestId('class-summary')).toContainText('Kỳ 11/2026');
  await page.getByRole('button', { name: 'Soạn tin nhắc nộp cho nhóm lớp' }).click();
  await expect(page.getByText(/Kính gửi quý phụ huynh lớp 3A: các khoản thu tháng 11\/2026/)).toContainText('đã quá hạn nộp (hạn nộp ngày 20/11/2026)');
  await page.locator('#class-period').selectOption('2026-12');
  await expect(page.getByTestId('class-summary')).toContainText('Kỳ 12/2026');
  // November's reminder went with November.
  await expect(page.getByText(/Kính gửi quý phụ huynh lớp 3A/)).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/staff-desktop-07-class.png', fullPage: true });

  // The parent opens the link on a phone: December shows the reduction and adds up…
  const parent = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await parent.newPage();
  await p.goto(link);
  await expect(p.getByRole('heading', { name: 'Nguyễn Minh An' })).toBeVisible();
  await p.getByRole('link', { name: /Các khoản thu tháng 12\/2026/ }).click();
  await expect(p.getByText('Miễn giảm 50% Tiền ăn bán trú (Hộ nghèo)')).toBeVisible();
  await expect(p.getByText('Quỹ lớp tháng 12/2026')).toBeVisible();
  const december = Number((await p.locator('tfoot td').first().innerText()).replace(/[^0-9]/g, ''));
  const lines = (await p.locator('tbody td:last-child').allInnerTexts())
    .map((t) => (t.trim().startsWith('-') ? -1 : 1) * Number(t.replace(/[^0-9]/g, '')));
  expect(lines.reduce((a, b) => a + b, 0)).toBe(december);
  await p.screenshot({ path: 'test-results/screens/07-december-with-reduction.png', fullPage: true });

  // The class link names what each amount is for: a meal fee per day, not once.
  await p.goto('/s/th-ha-long/3A');
  await expect(p.getByTestId('class-fee').filter({ hasText: 'Tiền ăn bán trú' })).toContainText('30.000 đ mỗi ngày ăn');
  await expect(p.getByTestId('class-fee').filter({ hasText: 'Chăm sóc bán trú' })).toContainText('mỗi tháng');

  // …and November and December are paid with one QR.
  await p.goto('/');
  await p.getByRole('link', { name: 'Nộp nhiều khoản một lần' }).click();
  const choices = p.locator('input[type=checkbox]');
  await expect(choices).toHaveCount(2);
  const amounts = (await p.locator('li label span.whitespace-nowrap').allInnerTexts()).map((t) => Number(t.replace(/[^0-9]/g, '')));
  const dong = (n) => `${n.toLocaleString('de-DE')} đ`;
  // The ticked fees' total is shown before any QR is made…
  await expect(p.getByTestId('chosen-total')).toContainText(dong(amounts[0] + amounts[1]));
  await p.getByRole('button', { name: 'Tạo mã QR nộp chung' }).click();
  const group = p.getByTestId('group-qr');
  await expect(group).toHaveCount(1);
  // …and a QR made for one choice goes when the choice changes: unticked, a
  // month would otherwise still be paid for by the QR on screen.
  await choices.nth(1).uncheck();
  await expect(group).toHaveCount(0);
  await expect(p.getByTestId('chosen-total')).toContainText(dong(amounts[0]));
  await choices.nth(0).uncheck();
  await p.getByRole('button', { name: 'Tạo mã QR nộp chung' }).click();
  await expect(p.getByTestId('nothing-chosen')).toHaveText('Hãy đánh dấu ít nhất một khoản cần nộp.');
  await expect(group).toHaveCount(0);
  await choices.nth(0).check();
  await choices.nth(1).check();
  await expect(p.getByTestId('nothing-chosen')).toHaveCount(0);
  await p.getByRole('button', { name: 'Tạo mã QR nộp chung' }).click();
  await expect(group).toHaveCount(1);
  await expect(group.locator('.qr svg')).toBeVisible();
  const qr = parseVietQr(decodePng(await group.locator('.qr').screenshot()));
  expect(Number(qr.amount)).toBe(amounts.reduce((a, b) => a + b, 0));
  expect(qr.consumer.bankBin).toBe('970436');
  expect(qr.additionalData.purpose).toContain(`HP ${qr.additionalData.billNumber}`);
  await p.screenshot({ path: 'test-results/screens/08-pay-together.png', fullPage: true });

  // The teacher revokes another child's link (An's would end the phones' access
  // the later tests use): one link for a double click, taken off the screen
  // once revoked (a dead link is not there to be sent), and opening nothing.
  // Revoking ends every phone's access to that child up to the server's pinned
  // time: no later test may look up this child (3A's first other unpaid child).
  const otherRow = page.locator('section[aria-labelledby="class-title"]').getByRole('row')
    .filter({ hasText: 'chưa nộp' }).filter({ hasNotText: 'Nguyễn Minh An' }).first();
  const otherName = (await otherRow.locator('td span').first().innerText()).trim();
  await otherRow.getByRole('button', { name: 'Đường dẫn riêng' }).dblclick();
  await expect(page.getByTestId('private-link')).toContainText(otherName);
  const otherLink = (await page.getByTestId('private-link').getByText(/\/l\//).innerText()).trim();
  // "Thu hồi" beside "Đường dẫn riêng" is named in full for a screen reader.
  // Asked first, with what it does.
  let asked = null;
  page.once('dialog', (d) => {
    asked = d.message();
    d.accept();
  });
  await otherRow.getByRole('button', { name: `Thu hồi mọi đường dẫn đã gửi cho phụ huynh em ${otherName}`, exact: true }).click();
  await expect.poll(() => asked).toBe(`Thu hồi mọi đường dẫn đã gửi cho phụ huynh em ${otherName}? Điện thoại nào đang xem khoản thu của em sẽ phải tra cứu lại bằng mã học sinh và ngày sinh.`);
  await expect(page.getByText(`Đã thu hồi 1 đường dẫn riêng của em ${otherName}. Điện thoại nào đang xem khoản thu của em sẽ phải tra cứu lại bằng mã học sinh và ngày sinh.`)).toBeVisible();
  await expect(page.getByTestId('private-link')).toHaveCount(0);
  const elsewhere = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const q = await elsewhere.newPage();
  await q.goto(otherLink);
  await expect(q.getByRole('alert')).toBeVisible();
  await expect(q.getByRole('link', { name: 'Tra cứu khoản thu' })).toBeVisible();
  await expect(q.getByRole('heading', { name: otherName })).toHaveCount(0);
  await elsewhere.close();
  page.once('dialog', (d) => d.accept());
  await otherRow.getByRole('button', { name: 'Thu hồi' }).click();
  await expect(page.getByText(`Không có đường dẫn riêng nào đang mở của em ${otherName}`)).toBeVisible();
  await parent.close();
});
