// The installable app's glue, inlined into the parent's and the receipt app's
// HTML shells (Trunk), outside the wasm so it runs before the wasm arrives:
// registers the service worker (dist/sw.js, made by scripts/make-sw.mjs), tells
// the parent when a new version is ready, offers to install the app after a
// child was found (never on arrival), and says when the phone is offline.
(() => {
  const vi = localStorage.getItem('hocphi.lang') !== 'en';
  const t = (v, e) => (vi ? v : e);
  const ua = navigator.userAgent;
  // Zalo's, Messenger's and Facebook's built-in browsers cannot install apps.
  const inApp = /Zalo|FBAN|FBAV|FB_IAB|Messenger|Instagram|Line\//i.test(ua);
  const ios = /iPhone|iPad|iPod/.test(ua);
  const installed = matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;

  // The page's foot is kept clear of the bottom notices: the page can scroll
  // past them (an install offer covered the invoice's complaint link).
  const clearFoot = () => {
    const tallest = [...document.querySelectorAll('[data-bottom-notice]')]
      .reduce((most, box) => Math.max(most, box.offsetHeight), 0);
    document.body.style.paddingBottom = tallest ? `${tallest}px` : '';
  };
  const removeNotice = (id) => {
    document.getElementById(id)?.remove();
    clearFoot();
  };

  // One notice per purpose, fixed at the bottom, above everything, readable.
  const notice = (id, text, action, onAction, tone) => {
    let box = document.getElementById(id);
    if (!box) {
      box = document.createElement('div');
      box.id = id;
      box.setAttribute('role', 'status');
      if (tone === 'warn') {
        // A state, not a question: above the page, pushing it down, hiding nothing.
        box.className = 'mx-auto flex max-w-xl items-center gap-3 bg-amber-100 px-4 py-2 text-base text-amber-950 ring-1 ring-amber-300';
        document.body.prepend(box);
      } else {
        box.className = 'fixed inset-x-0 bottom-0 z-50 mx-auto flex max-w-xl items-center gap-3 rounded-t-xl bg-teal-900 px-4 py-3 text-base text-white shadow-lg';
        box.dataset.bottomNotice = '';
        document.body.appendChild(box);
      }
    }
    box.replaceChildren();
    const p = document.createElement('p');
    p.className = 'flex-1';
    p.textContent = text;
    box.appendChild(p);
    if (action) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'min-h-11 rounded-lg bg-white px-4 font-semibold text-teal-900 focus-visible:outline focus-visible:outline-2 focus-visible:outline-amber-400';
      b.textContent = action;
      b.addEventListener('click', onAction);
      box.appendChild(b);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'min-h-11 min-w-11 rounded-lg text-xl';
    close.setAttribute('aria-label', t('Đóng', 'Close'));
    close.textContent = '×';
    close.addEventListener('click', () => removeNotice(id));
    box.appendChild(close);
    clearFoot();
    return box;
  };

  // Offline: say so, and that what is shown was kept on this phone.
  const offline = () => {
    if (navigator.onLine) {
      removeNotice('hocphi-offline');
    } else {
      notice('hocphi-offline', t('Không có mạng. Đang hiện những gì đã lưu trên máy này.',
        'No network. Showing what this phone kept.'), null, null, 'warn');
    }
  };
  addEventListener('online', offline);
  addEventListener('offline', offline);
  addEventListener('DOMContentLoaded', offline);

  // Installing: Chrome offers its prompt; keep it for the right moment.
  let prompt = null;
  addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    prompt = e;
  });
  const offerInstall = () => {
    if (installed || localStorage.getItem('hocphi.install.dismissed')) return;
    const later = () => localStorage.setItem('hocphi.install.dismissed', '1');
    let box = null;
    if (prompt) {
      box = notice('hocphi-install', t('Cài hocphi vào máy này để mở nhanh và xem biên lai cả khi không có mạng.',
        'Install hocphi on this device: it opens fast and shows receipts even offline.'), t('Cài đặt', 'Install'), async () => {
        const p = prompt;
        prompt = null;
        removeNotice('hocphi-install');
        p.prompt();
        await p.userChoice.catch(() => null);
        later();
      });
    } else if (inApp) {
      box = notice('hocphi-install', t('Muốn cài hocphi vào điện thoại? Bấm ⋯ rồi chọn "Mở bằng trình duyệt".',
        'To install hocphi, tap ⋯ and choose "Open in browser".'));
    } else if (ios) {
      box = notice('hocphi-install', t('Muốn cài hocphi? Bấm nút Chia sẻ rồi chọn "Thêm vào MH chính".',
        'To install hocphi, tap Share, then "Add to Home Screen".'));
    }
    box?.lastChild.addEventListener('click', later);
  };
  // The wasm app says when a child was found (ui/storage.rs).
  addEventListener('hocphi-child-saved', () => setTimeout(offerInstall, 1500));

  if (!('serviceWorker' in navigator)) return;
  // A new version waits until the parent agrees, then the page reloads once.
  let updating = false;
  const offerUpdate = (worker) => {
    notice('hocphi-update', t('Đã có phiên bản mới của hocphi.', 'A new version of hocphi is ready.'), t('Cập nhật', 'Update'), () => {
      updating = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    });
  };
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload();
  });
  const register = async () => {
    const reg = await navigator.serviceWorker.register('/sw.js').catch(() => null);
    if (!reg) return;
    if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
    // An installed app may stay open for days: look for a new version now and then.
    setInterval(() => reg.update().catch(() => null), 60 * 60 * 1000);
  };
  // The worker keeps the whole parent's app, every page's wasm chunk included.
  // A first visit (a class link, a receipt link, the QR checker) should not pay
  // for that: the worker starts once a child is found, when the parent goes on
  // to the child's pages, which need those chunks, or at once on a phone that
  // already has it or a saved child. From then on it also keeps every receipt
  // and trust page opened, for offline use.
  const known = navigator.serviceWorker.controller
    || localStorage.getItem('hocphi.children.v2') || localStorage.getItem('hocphi.children.v1');
  if (known) addEventListener('load', register);
  else addEventListener('hocphi-child-saved', register, { once: true });
})();
