// A ward's office creates a school and its accountant; the accountant sets the
// school up and imports the class lists; parents then see the school's contacts.
const { test, expect } = require('@playwright/test');
const path = require('path');
const { decodePng, parseVietQr } = require('../lib/qr');
const { openTask, signOut } = require('../lib/staff');
const fs = require('fs');
const os = require('os');

const PASSWORD = 'hocphi-demo-2026';
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'students-new-school.xlsx');
const LOGO = path.join(__dirname, '..', '..', 'fixtures', 'logo.png');

const sizes = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
];

for (const size of sizes) {
  test.describe(`at ${size.name} size`, () => {
    test.use({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.isMobile });

    test(`an officer creates a school and an accountant who sets it up and imports students (${size.name})`, async ({ page, browser }) => {
      const schoolName = `Trường Tiểu học Cao Xanh ${size.name === 'phone' ? 'Một' : 'Hai'}`;
      const slug = `th-cao-xanh-${size.name}`;
      const shot = (n) => page.screenshot({ path: `test-results/screens/staff-${size.name}-${n}.png`, fullPage: true });

      // The officer signs in.
      await page.goto('/staff/');
      await page.getByLabel('Tên đăng nhập').fill('ubnd.honggai');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await expect(page.getByRole('heading', { name: 'Các trường', exact: true })).toBeVisible();
      // The ward sees its own schools only: not another ward's, not the Department's THPT.
      await expect(page.getByText('UBND phường Hồng Gai · Phạm Thu Trang · Cán bộ quản lý giáo dục')).toBeVisible();
      await expect(page.getByRole('row', { name: /Trường Tiểu học Hạ Long/ })).toBeVisible();
      await expect(page.getByRole('row', { name: /Trường Mầm non Hoa Hồng/ })).toBeVisible();
      await expect(page.getByRole('row', { name: /Trường THCS Bãi Cháy/ })).toHaveCount(0);
      await expect(page.getByRole('row', { name: /Trường THPT Hòn Gai/ })).toHaveCount(0);
      // A ward adds preschools, primary and lower-secondary schools, not THPTs.
      await expect(page.getByLabel('Cấp học').locator('option')).toHaveText(['Mầm non', 'Tiểu học', 'Trung học cơ sở']);
      await page.getByLabel('Cấp học').selectOption({ label: 'Tiểu học' });
      await shot('01-officer');

      // …creates a school…
      await page.getByLabel('Tên trường').fill(schoolName);
      await page.getByLabel('Địa chỉ trang cho phụ huynh').fill(slug);
      await page.getByLabel('Tên đơn vị đầy đủ').fill(`${schoolName}, phường Bãi Cháy`);
      await page.getByLabel('Mã số thuế').fill('5700999888');
      await page.getByLabel('Địa chỉ', { exact: true }).fill('Phường Cao Xanh, tỉnh Quảng Ninh');
      await page.getByRole('button', { name: 'Thêm trường', exact: true }).click();
      await expect(page.getByRole('status')).toContainText(`Đã tạo trường ${schoolName}`);
      // A new school is flagged: fewer than 3 cashless methods, no contact.
      await expect(page.getByRole('row', { name: new RegExp(schoolName) })).toContainText('chưa đủ 3');

      // …and invites its accountant with a one-time link.
      await page.getByRole('link', { name: schoolName }).click();
      await expect(page.getByTestId('school-name')).toHaveText(schoolName);
      await openTask(page, 'Nhân sự');
      await page.getByRole('button', { name: 'Tạo đường dẫn mời' }).click();
      const inviteUrl = (await page.getByText(/\/staff\/invite\//).innerText()).trim();
      expect(inviteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/staff\/invite\/[A-Za-z0-9_-]{43}$/);
      await signOut(page);
      await expect(page.getByRole('button', { name: 'Đăng nhập' })).toBeVisible();

      // The accountant accepts the invitation.
      await page.goto(inviteUrl);
      await expect(page.getByText(`Bạn được mời làm Kế toán · ${schoolName}`)).toBeVisible();
      await page.getByLabel('Họ và tên').fill('Hà Thị Lan');
      await page.getByLabel('Tên đăng nhập').fill(`ketoan.${size.name}`);
      await page.getByLabel('Mật khẩu').fill('mat khau cua lan 2026');
      await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
      // The accountant's home says what is missing, and leads to the settings.
      await expect(page.getByTestId('school-name')).toHaveText(schoolName);
      await expect(page.getByRole('heading', { name: 'Việc cần làm', level: 1 })).toBeVisible();
      await expect(page.getByText('dưới 3 trong 4 phương thức')).toBeVisible();
      await shot('02-accountant-home');
      await page.getByRole('link', { name: 'Hoàn tất thông tin trường' }).click();
      await expect(page.getByRole('heading', { name: 'Thông tin trường', level: 1 })).toBeVisible();
      await expect(page).toHaveURL(/\/staff\/school\/\d+\/thong-tin-truong$/);

      // Bank account, exactly as the bank holds the name (typed with diacritics, stored without).
      // The bank found by part of its Vietnamese name, spelled out once chosen.
      await page.getByLabel('Tìm ngân hàng').fill('ngoai thuong');
      await expect(page.getByLabel('Ngân hàng', { exact: true }).locator('option')).toHaveCount(2);
      await page.getByLabel('Ngân hàng', { exact: true }).selectOption('970436');
      await expect(page.getByTestId('bank-chosen')).toContainText('Vietcombank — Ngân hàng TMCP Ngoại Thương Việt Nam · BIN 970436');
      // A typo with letters is caught before saving.
      await page.getByLabel('Số tài khoản').fill('0451 00AB 12345');
      await expect(page.getByTestId('account-number-read')).toContainText('chỉ gồm chữ số');
      await page.getByLabel('Số tài khoản').fill('0451 0000 12345');
      await expect(page.getByTestId('account-number-read')).toHaveText('= 0451000012345');
      await page.getByLabel('Tên tài khoản (đúng như ngân hàng ghi)').fill(`Trường Tiểu học Cao Xanh`);
      await page.getByRole('button', { name: 'Lưu tài khoản' }).click();
      // The save says which account it saved.
      await expect(page.getByText('Đã lưu tài khoản Vietcombank · 0451000012345 (mặc định).')).toBeVisible();
      await expect(page.getByText('Vietcombank · 0451000012345').first()).toBeVisible();
      await expect(page.getByText('TRUONG TIEU HOC CAO XANH', { exact: true })).toBeVisible();
      // Not in any QR until the ward's office confirms it.
      await expect(page.getByTestId('account-status')).toContainText('Chờ cơ quan quản lý xác nhận');
      // A second account is not the default unless chosen, and the default moves only on purpose.
      await page.getByLabel('Tìm ngân hàng').fill('bidv');
      await page.getByLabel('Ngân hàng', { exact: true }).selectOption('970418');
      await page.getByLabel('Số tài khoản').fill('2151 0000 123456');
      await page.getByLabel('Tên tài khoản (đúng như ngân hàng ghi)').fill('Trường Tiểu học Cao Xanh');
      await page.getByRole('button', { name: 'Lưu tài khoản' }).click();
      const accounts = page.locator('section[aria-labelledby="accounts-title"]');
      const firstAccount = accounts.getByTestId('account-row').filter({ hasText: '0451000012345' });
      const secondAccount = accounts.getByTestId('account-row').filter({ hasText: '21510000123456' });
      await expect(secondAccount).toBeVisible();
      await expect(secondAccount.getByTestId('default-badge')).toHaveCount(0);
      await expect(firstAccount.getByTestId('default-badge')).toBeVisible();
      // Where every parent's money goes moves only after a second, explicit yes.
      await page.getByLabel('Mã số thuế').fill('5700999999');
      await secondAccount.getByRole('button', { name: 'Dùng làm tài khoản mặc định' }).click();
      await expect(secondAccount.getByTestId('confirm-default')).toContainText('Mã QR trên mọi hoá đơn từ nay sẽ chuyển tiền vào BIDV · 21510000123456');
      await secondAccount.getByRole('button', { name: 'Không', exact: true }).click();
      await expect(secondAccount.getByTestId('default-badge')).toHaveCount(0);
      await secondAccount.getByRole('button', { name: 'Dùng làm tài khoản mặc định' }).click();
      await secondAccount.getByRole('button', { name: 'Đổi tài khoản mặc định' }).click();
      await expect(page.getByText(/Tài khoản mặc định bây giờ là BIDV · 21510000123456/)).toBeVisible();
      // What was typed, unsaved, in another form is still there.
      await expect(page.getByLabel('Mã số thuế')).toHaveValue('5700999999');
      await expect(secondAccount.getByTestId('default-badge')).toBeVisible();
      await expect(firstAccount.getByTestId('default-badge')).toHaveCount(0);
      await firstAccount.getByRole('button', { name: 'Dùng làm tài khoản mặc định' }).click();
      await firstAccount.getByRole('button', { name: 'Đổi tài khoản mặc định' }).click();
      await expect(firstAccount.getByTestId('default-badge')).toBeVisible();
      // The receipt form and series the school registered: both, or the save says why not.
      const details = page.locator('section[aria-labelledby="details-title"]');
      await details.getByLabel('Mẫu số biên lai đã đăng ký (nếu có)').fill('01blp0-001');
      await details.getByRole('button', { name: 'Lưu', exact: true }).click();
      await expect(details.getByRole('alert')).toContainText('điền cả hai');
      await details.getByLabel('Ký hiệu biên lai đã đăng ký (nếu có)').fill('aa/26e');
      await details.getByRole('button', { name: 'Lưu', exact: true }).click();
      await expect(page.getByText(/Đã lưu thông tin đơn vị: .* biên lai mẫu số 01BLP0-001 · ký hiệu AA\/26E/)).toBeVisible();
      // The first attempt's error is not left under the saved message.
      await expect(details.getByText('điền cả hai')).toHaveCount(0);
      // Entered by mistake: withdrawn with a reason, it stays in the account's history.
      await secondAccount.getByLabel(/^Lý do/).fill('Nhập thử, không dùng');
      await secondAccount.getByRole('button', { name: 'Từ chối' }).click();
      await expect(secondAccount.getByTestId('account-status')).toContainText('Nhập thử, không dùng');

      // Methods: QR, website, card → 3 cashless accepted; the website is ready once the
      // gateway's merchant account is set, and then the warning goes.
      for (const m of ['Chuyển khoản bằng mã QR (VietQR)', 'Thanh toán qua website (cổng thanh toán)', 'Thẻ qua máy POS']) {
        await page.getByLabel(m).check();
      }
      await page.getByRole('button', { name: 'Lưu phương thức' }).click();
      await expect(page.getByText('Đã lưu 3 phương thức: VietQR, Website, Thẻ POS.')).toBeVisible();
      await expect(page.getByTestId('readiness-website')).toContainText('cần mã đơn vị tại cổng thanh toán');
      await expect(page.getByText('dưới 3 trong 4 phương thức')).toHaveCount(1);
      // Another school's merchant code (the demo school's) is refused: it would take over that school's payments.
      await page.getByLabel('Mã đơn vị (8 ký tự)').fill('HOCPHI01');
      await page.getByLabel('Khoá bí mật').fill('a-secret-from-the-gateway-0123');
      await page.getByRole('button', { name: 'Lưu cổng thanh toán' }).click();
      await expect(page.getByText('Mã đơn vị này đã được một trường khác đăng ký')).toBeVisible();
      await expect(page.getByTestId('readiness-website')).toContainText('cần mã đơn vị tại cổng thanh toán');
      // Each run's school has its own code (merchant codes are one school's).
      const merchant = size.name === 'phone' ? 'CAOXANHP' : 'CAOXANHD';
      await page.getByLabel('Mã đơn vị (8 ký tự)').fill(merchant);
      await page.getByRole('button', { name: 'Lưu cổng thanh toán' }).click();
      await expect(page.getByTestId('readiness-website')).toContainText('sẵn sàng');
      await expect(page.getByTestId('gateway-current')).toContainText(merchant);
      await expect(page.getByTestId('gateway-current')).not.toContainText('a-secret-from-the-gateway');
      // The QR method waits for the office to confirm the bank account.
      await expect(page.getByTestId('readiness-qr_transfer')).toContainText('cần tài khoản ngân hàng được cơ quan quản lý xác nhận');
      await expect(page.getByText('dưới 3 trong 4 phương thức')).toHaveCount(1);

      // A contact person for parents. Saving it keeps what was typed, not yet
      // saved, in another form of the page (the page is not drawn again).
      await page.getByLabel('Số tài khoản').fill('1903 0000 777');
      await page.getByRole('button', { name: 'Thêm người liên hệ' }).click();
      await page.getByLabel('Họ tên', { exact: true }).fill('Hà Thị Lan');
      await page.getByLabel('Vai trò').fill('Kế toán');
      await page.getByLabel('Điện thoại').fill('0904 555 666');
      await page.getByRole('button', { name: 'Lưu người liên hệ' }).click();
      await expect(page.getByText('Đã lưu 1 người liên hệ')).toBeVisible();
      // The warning follows the save: contacts are no longer missing.
      await expect(page.getByText('Chưa có người liên hệ nào cho phụ huynh.')).toHaveCount(0);
      await expect(page.getByLabel('Số tài khoản')).toHaveValue('1903 0000 777');
      await page.getByLabel('Số tài khoản').fill('');
      // A second contact: each label names its own input.
      await page.getByRole('button', { name: 'Thêm người liên hệ' }).click();
      await expect(page.getByLabel('Họ tên', { exact: true })).toHaveCount(2);
      await page.getByLabel('Họ tên', { exact: true }).nth(1).fill('Vũ Văn Nam');
      await page.getByLabel('Vai trò').nth(1).fill('Phó hiệu trưởng');
      await page.getByLabel('Điện thoại').nth(1).fill('0912 000 111');
      await expect(page.getByLabel('Họ tên', { exact: true }).first()).toHaveValue('Hà Thị Lan');
      await page.getByRole('button', { name: 'Lưu người liên hệ' }).click();
      await expect(page.getByText('Đã lưu 2 người liên hệ')).toBeVisible();
      await expect(page.getByLabel('Họ tên', { exact: true }).nth(1)).toHaveValue('Vũ Văn Nam');
      // Whom to call, not a staff list: at most ten rows, as the server takes.
      const add = page.getByRole('button', { name: 'Thêm người liên hệ' });
      await expect(add).toHaveAccessibleDescription('Tối đa 10 người: phụ huynh cần biết gọi ai trước.');
      for (let n = 3; n <= 10; n++) await add.click();
      await expect(page.getByLabel('Họ tên', { exact: true })).toHaveCount(10);
      await expect(add).toBeDisabled();
      for (let n = 10; n > 2; n--) await page.getByRole('button', { name: 'Bỏ người này' }).last().click();
      await expect(page.getByLabel('Họ tên', { exact: true })).toHaveCount(2);
      await expect(add).toBeEnabled();
      // (The page reads the school again after a save: let it settle before the next form.)
      await page.waitForLoadState('networkidle');

      // The school's logo, for its parent pages.
      await page.getByLabel('Ảnh PNG, JPEG hoặc WebP, tối đa 200 KB').setInputFiles(LOGO);
      await page.getByRole('button', { name: 'Lưu biểu trưng' }).click();
      await expect(page.getByText('Đã lưu biểu trưng.')).toBeVisible();
      await expect(page.getByRole('img', { name: 'Biểu trưng của trường' })).toBeVisible();

      // Import the class list: preview first, then commit.
      await openTask(page, 'Lớp và học sinh');
      await page.getByLabel('Chọn tệp').setInputFiles(FIXTURE);
      await page.getByRole('button', { name: 'Kiểm tra tệp' }).click();
      const preview = page.getByTestId('import-preview');
      await expect(preview).toContainText('thêm mới 5');
      await expect(preview).toContainText('Hoàng Gia Bảo');
      await shot('03-import-preview');
      await page.getByRole('button', { name: /Ghi vào danh sách \(5 \+ 0\)/ }).click();
      await expect(page.getByText('Đã nhập xong. Thêm mới: 5')).toBeVisible();
      // The lists show the new students and classes at once, without a reload.
      await expect(page.locator('section[aria-labelledby="students-title"]').getByRole('cell', { name: 'Đặng Minh Khôi' })).toBeVisible();
      await expect(page.locator('#class-pick option')).toHaveText(['1A', '2A', '3A']);
      await shot('04-students');

      // A second list as a school exports it, title rows above the header: a
      // mistyped year of birth is refused with the row and the reason…
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lop-2b-'));
      const list = (born) => {
        const file = path.join(dir, `lop-2b-${born.slice(-4)}.csv`);
        fs.writeFileSync(file, ['DANH SÁCH HỌC SINH LỚP 2B', 'Năm học 2026 - 2027', '',
          'Mã học sinh,Họ và tên,Ngày sinh,Lớp', '2204000003,Đặng Minh Khôi,01/07/2018,2B',
          `2204000006,Lý Thu Trang,${born},2B`].join('\n'));
        return file;
      };
      await page.getByLabel('Chọn tệp').setInputFiles(list('12/05/2030'));
      await page.getByRole('button', { name: 'Kiểm tra tệp' }).click();
      await expect(preview).toContainText('Dòng 6: ngày sinh 12/05/2030 chưa tới');
      await expect(page.getByRole('button', { name: /Ghi vào danh sách/ })).toHaveCount(0);
      // …and a child already in 2A is shown moving to 2B, written only once confirmed.
      await page.getByLabel('Chọn tệp').setInputFiles(list('12/05/2018'));
      await page.getByRole('button', { name: 'Kiểm tra tệp' }).click();
      await expect(preview.getByTestId('import-move')).toContainText('lớp 2A → 2B');
      const write = page.getByRole('button', { name: /Ghi vào danh sách \(1 \+ 1\)/ });
      await expect(write).toBeDisabled();
      await page.getByLabel(/học sinh chuyển sang lớp khác như trên là đúng/).check();
      await write.click();
      await expect(page.getByText('Đã nhập xong. Thêm mới: 1 · cập nhật: 1')).toBeVisible();
      await expect(page.locator('section[aria-labelledby="students-title"]').getByRole('row', { name: /Đặng Minh Khôi/ })).toContainText('2B');
      // Each task has its own address: back goes to the settings page.
      await page.goBack();
      await expect(page.getByRole('heading', { name: 'Thông tin trường', level: 1 })).toBeVisible();

      // A parent of an imported child sees the school's contact.
      const parent = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const p = await parent.newPage();
      await p.goto(`/s/${slug}`);
      await expect(p.locator(`img[src="/logo/${slug}"]`)).toBeVisible();
      await p.getByLabel('Mã học sinh').fill('2204000003');
      await p.getByLabel('Ngày sinh của con').fill('01/07/2018');
      await p.getByRole('button', { name: 'Tra cứu', exact: true }).click();
      // (Should this fail, the page's own words are in the report.)
      await expect(p.locator('#app')).toContainText('Đặng Minh Khôi');
      await expect(p.getByRole('heading', { name: 'Đặng Minh Khôi' })).toBeVisible();
      const contacts = p.locator('section[aria-labelledby="contacts-title"]');
      await expect(contacts).toContainText('Hà Thị Lan');
      await expect(contacts.getByRole('link', { name: 'Gọi 0904555666' })).toHaveAttribute('href', 'tel:0904555666');
      await p.screenshot({ path: `test-results/screens/staff-${size.name}-05-parent.png`, fullPage: true });
      await parent.close();

      // The ward's office confirms the account; the public registry lists it.
      await signOut(page);
      await page.getByLabel('Tên đăng nhập').fill('ubnd.honggai');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      // The office's home counts the accounts awaiting it, and leads to them.
      await page.getByTestId('office-attention').getByRole('link', { name: /tài khoản nhận tiền chờ xác nhận/ }).click();
      await expect(page.getByRole('heading', { name: 'Tài khoản chờ xác nhận', level: 1 })).toBeVisible();
      const pending = page.getByTestId('pending-account').filter({ hasText: schoolName });
      await expect(pending).toContainText('Vietcombank · 0451000012345 · TRUONG TIEU HOC CAO XANH');
      await pending.getByRole('button', { name: 'Xác nhận' }).click();
      await expect(page.getByText(`Đã xác nhận ${schoolName}`)).toBeVisible();
      await expect(page.getByTestId('pending-account').filter({ hasText: schoolName })).toHaveCount(0);
      await shot('06-confirmed');
      // Now the school is ready for 3 of the 4 cashless methods.
      await openTask(page, 'Các trường');
      await page.getByRole('link', { name: schoolName }).click();
      await openTask(page, 'Thông tin trường');
      await expect(page.getByTestId('readiness-qr_transfer')).toContainText('sẵn sàng');
      // The school has its accountant now: the office reads, and offers no form that would be refused.
      await expect(page.getByTestId('office-reads')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Lưu tài khoản' })).toHaveCount(0);
      await expect(page.getByRole('navigation', { name: 'Công việc' }).getByRole('link', { name: 'Đối soát ngân hàng' })).toHaveCount(0);
      await expect(page.getByText('dưới 3 trong 4 phương thức')).toHaveCount(0);
      await page.goto(`/tai-khoan/${slug}`);
      await expect(page.getByTestId('registry-school')).toContainText(schoolName);
      await expect(page.getByTestId('registry-school')).toContainText('Vietcombank · 0451000012345');
      // The registry names the school's office and which office confirmed the account.
      await expect(page.getByTestId('registry-school')).toContainText('Cơ quan quản lý: UBND phường Hồng Gai');
      await expect(page.getByTestId('registry-school')).toContainText('UBND phường Hồng Gai xác nhận ngày');
    });
  });
}

test('a teacher sees the school read-only', async ({ page }) => {
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill('gv.3a');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByTestId('school-name')).toHaveText('Trường Tiểu học Hạ Long');
  await expect(page.getByRole('heading', { name: 'Lớp chủ nhiệm', level: 1 })).toBeVisible();
  // Two pages only, neither of them the accountant's.
  await expect(page.getByRole('navigation', { name: 'Công việc' }).getByRole('link')).toHaveText(['Lớp chủ nhiệm', 'Lớp và học sinh']);
  // The reconciliation page's address, typed in: refused in words.
  const home = await page.getByRole('link', { name: 'Lớp chủ nhiệm' }).getAttribute('href');
  await page.goto(`${home}/doi-soat`);
  await expect(page.getByText('Trang này dành cho kế toán của trường.')).toBeVisible();
  await openTask(page, 'Lớp và học sinh');
  await expect(page.getByRole('button', { name: 'Lưu tài khoản' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Kiểm tra tệp' })).toHaveCount(0);
  await expect(page.locator('section[aria-labelledby="students-title"]').getByRole('cell', { name: 'Nguyễn Minh An' })).toBeVisible();
  await openTask(page, 'Lớp chủ nhiệm');

  // Printed notices for families without a smartphone: two to an A4 sheet, each with a
  // QR for exactly the compulsory amount, voluntary fees apart with a tick box.
  const [notices] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('link', { name: 'In thông báo cả lớp (A4)' }).click(),
  ]);
  const cards = notices.getByTestId('notice');
  await expect(cards.first()).toBeVisible();
  const count = await cards.count();
  expect(count).toBe(14);
  const digits = async (loc) => Number((await loc.innerText()).replace(/[^0-9-]/g, ''));
  const first = cards.filter({ hasText: 'Nguyễn Minh An' });
  const amountDue = await digits(first.getByTestId('amount-due'));
  const qr = parseVietQr(decodePng(await first.locator('.qr').screenshot()));
  expect(Number(qr.amount)).toBe(amountDue);
  // The student code the parent's lookup asks for, the four template fields, where to check the account.
  await expect(first.getByTestId('student-code')).toHaveText(/^[A-Z0-9]+$/);
  const template = first.getByTestId('template');
  for (const label of ['Họ và tên người trả tiền:', 'Họ và tên người thụ hưởng:', 'Lý do thanh toán:', 'Mã/số hóa đơn thanh toán:']) {
    await expect(template.getByText(label)).toBeVisible();
  }
  await expect(first.getByTestId('registry-address')).toHaveText(/\/tai-khoan\/[a-z0-9-]+$/);
  // A child whose invoice holds a voluntary fee: ticked on paper, never in the amount.
  const withVoluntary = cards.filter({ has: notices.getByTestId('voluntary') }).filter({ hasNot: notices.locator('tbody tr', { hasText: 'Đã nộp' }) }).first();
  await expect(withVoluntary).toBeVisible();
  await expect(withVoluntary.getByTestId('voluntary')).toContainText('☐');
  const compulsory = withVoluntary.locator('tbody td.text-right');
  let sum = 0;
  for (let i = 0; i < await compulsory.count(); i++) sum += await digits(compulsory.nth(i));
  expect(await digits(withVoluntary.getByTestId('amount-due'))).toBe(sum);
  // Printed: two notices a sheet, and none of them cut off.
  // (At the paper's width: A4 is 794 CSS px wide.)
  await notices.setViewportSize({ width: 794, height: 1123 });
  await notices.emulateMedia({ media: 'print' });
  await notices.screenshot({ path: 'test-results/screens/staff-09-notices-print.png', clip: { x: 0, y: 0, width: 794, height: 1123 } });
  const clipped = await cards.evaluateAll((els) => els.filter((e) => e.scrollHeight > e.clientHeight + 1).length);
  expect(clipped).toBe(0);
  await notices.emulateMedia({ media: null });
  const pdf = await notices.pdf({ preferCSSPageSize: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  expect(pages).toBe(7);
  await notices.screenshot({ path: 'test-results/screens/staff-09-notices.png' });

  // The same class as one PDF file, downloaded from the class page: seven A4 sheets.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải PDF thông báo cả lớp' }).click(),
  ]);
  // Named for the class and the period on screen (the print link's).
  const shownPeriod = (await page.getByRole('link', { name: 'In thông báo cả lớp (A4)' }).getAttribute('href')).split('/').pop();
  expect(download.suggestedFilename()).toBe(`thong-bao-3A-${shownPeriod}.pdf`);
  const file = fs.readFileSync(await download.path());
  expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect((file.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length).toBe(7);
});

test('an accountant adds a student by hand, moves them to another class and marks them as left', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/staff/');
  await page.getByLabel('Tên đăng nhập').fill('ketoan.thhl');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await openTask(page, 'Lớp và học sinh');
  await page.getByRole('button', { name: 'Thêm học sinh' }).click();
  await page.getByLabel('Mã học sinh', { exact: true }).fill('2201009998');
  await page.getByLabel('Họ và tên').fill('Phan Thị Yến');
  await page.getByLabel('Ngày sinh').fill('17/04/2018');
  await page.getByLabel('Lớp', { exact: true }).fill('2A');
  // A double click adds once (one request goes), and says so.
  const saves = [];
  page.on('request', (r) => { if (r.url().endsWith('/rpc/students/save')) saves.push(r); });
  await page.getByRole('button', { name: 'Thêm', exact: true }).dblclick();
  await expect(page.getByText('Đã lưu học sinh Phan Thị Yến (2201009998), lớp 2A.')).toBeVisible();
  expect(saves).toHaveLength(1);
  // Another child under a code the school has already: said so, nothing saved.
  await page.getByRole('button', { name: 'Thêm học sinh' }).click();
  await page.getByLabel('Mã học sinh', { exact: true }).fill('2201009998');
  await page.getByLabel('Họ và tên').fill('Phan Văn Yên');
  await page.getByLabel('Ngày sinh').fill('02/03/2018');
  await page.getByLabel('Lớp', { exact: true }).fill('2A');
  await page.getByRole('button', { name: 'Thêm', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Trường đã có học sinh mang mã này.');
  await page.getByRole('button', { name: 'Huỷ', exact: true }).click();
  // The whole school by student code, then back to class by class.
  await page.getByLabel('Sắp xếp').selectOption({ label: 'Theo mã học sinh' });
  const codes = await page.locator('section[aria-labelledby="students-title"] tbody tr td:nth-child(2)').allInnerTexts();
  expect(codes.length).toBeGreaterThan(10);
  expect(codes).toEqual([...codes].sort());
  await page.getByLabel('Sắp xếp').selectOption({ label: 'Theo lớp, như sổ điểm danh' });
  await page.getByLabel('Lọc theo lớp, tên hoặc mã').fill('Yến');
  const row = page.getByRole('row', { name: /Phan Thị Yến/ });
  await expect(row).toContainText('2A');
  // The Yến of the school, not every Nguyễn ("yen" inside "nguyen").
  const listed = page.locator('section[aria-labelledby="students-title"] tbody tr');
  for (const name of await listed.allInnerTexts()) expect(name).toMatch(/Yến/);
  await row.getByRole('button', { name: 'Sửa' }).click();
  await page.getByLabel('Lớp', { exact: true }).fill('2B');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect(row).toContainText('2B');
  // Asked first, by name: a tap beside the name is easy to make by mistake.
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await row.getByRole('button', { name: 'Nghỉ học' }).click();
  await expect.poll(() => asked).toContain('Ghi nhận em Phan Thị Yến (2B)');
  await expect(row).not.toContainText('(đã nghỉ)');
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: 'Nghỉ học' }).click();
  await expect(row).toContainText('(đã nghỉ)');
  await expect(page.getByText('Đã ghi nhận em Phan Thị Yến (2B) nghỉ học. Hoá đơn còn nợ vẫn giữ nguyên.')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/staff-desktop-05-students.png', fullPage: true });

  // A class typed with a typo: renamed (the picker follows), and not removed while a child is in it.
  await page.getByRole('button', { name: 'Thêm học sinh' }).click();
  await page.getByLabel('Mã học sinh', { exact: true }).fill('2201009997');
  await page.getByLabel('Họ và tên').fill('Mai Văn Tùng');
  await page.getByLabel('Ngày sinh').fill('02/02/2016');
  await page.getByLabel('Lớp', { exact: true }).fill('5 C');
  await page.getByRole('button', { name: 'Thêm', exact: true }).click();
  await expect(page.getByText('Đã lưu học sinh Mai Văn Tùng (2201009997), lớp 5 C.')).toBeVisible();
  await page.getByLabel('Chọn lớp').selectOption({ label: '5 C' });
  // The class's link in the reminder for the chat group opens that class, the
  // space and all (a chat app ends a link at a space).
  await page.getByRole('button', { name: 'Soạn tin nhắc nộp cho nhóm lớp' }).click();
  const reminder = await page.getByText(/Kính gửi quý phụ huynh lớp 5 C/).innerText();
  const classLink = reminder.match(/https?:\/\/\S+/)[0];
  expect(classLink).toMatch(/\/s\/th-ha-long\/5%20C$/);
  const parent = await page.context().newPage();
  await parent.goto(classLink);
  await expect(parent.getByRole('heading', { name: 'Các khoản thu của lớp 5 C' })).toBeVisible();
  await parent.close();
  const manage = page.getByTestId('manage-class');
  await manage.locator('summary').click();
  await manage.getByLabel('Tên lớp').fill('5C');
  await manage.getByRole('button', { name: 'Lưu tên lớp' }).click();
  await expect(page.getByText('Đã đổi tên lớp 5 C thành 5C.')).toBeVisible();
  await expect(page.getByLabel('Chọn lớp').locator('option:checked')).toHaveText('5C');
  // The form stays open beside what it did.
  await manage.getByRole('button', { name: 'Xoá lớp (chỉ khi lớp trống)' }).click();
  await expect(page.getByText(/^Lớp còn học sinh nên chưa xoá được/)).toBeVisible();

  // A homeroom class for the teacher.
  await openTask(page, 'Nhân sự');
  await page.getByLabel('Giáo viên', { exact: true }).selectOption({ label: 'Đỗ Thị Mai' });
  await page.locator('#assign-class').fill('3B');
  await page.getByRole('button', { name: 'Giao lớp', exact: true }).click();
  await expect(page.getByText('Đã giao lớp 3B')).toBeVisible();
  await openTask(page, 'Lớp và học sinh');
  await page.getByLabel('Lọc theo lớp, tên hoặc mã').fill('Yến');

  // The family asks for their data, then for it to be erased (Law 91/2025/QH15).
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: 'Xuất dữ liệu' }).click(),
  ]);
  expect(file.suggestedFilename()).toBe('du-lieu-hoc-sinh-2201009998.json');
  const exported = JSON.parse(require('fs').readFileSync(await file.path(), 'utf8'));
  expect(exported.student.full_name).toBe('Phan Thị Yến');
  expect(exported.student.date_of_birth).toBe('2018-04-17');
  await row.getByRole('button', { name: 'Xoá dữ liệu' }).click();
  const form = page.getByTestId('erase-form');
  await expect(form).toContainText('Phan Thị Yến (2201009998)');
  await form.getByLabel(/Lý do/).fill('Đơn yêu cầu của phụ huynh ngày 26/11/2026');
  await form.getByRole('button', { name: 'Xoá vĩnh viễn' }).click();
  await expect(page.getByText('Đã xoá dữ liệu cá nhân của học sinh.')).toBeVisible();
  await page.getByLabel('Lọc theo lớp, tên hoặc mã').fill('Yến');
  await expect(page.getByRole('row', { name: /Phan Thị Yến/ })).toHaveCount(0);
  // The school's period after leaving, and the notice for parents.
  const privacy = page.getByRole('region', { name: 'Dữ liệu cá nhân của học sinh' });
  await privacy.getByLabel('Ẩn danh sau khi nghỉ học (ngày)').fill('730');
  await privacy.getByRole('button', { name: 'Lưu', exact: true }).click();
  await expect(page.getByText('Đã lưu: ẩn danh sau 730 ngày.')).toBeVisible();
});
