// The lookup shell's glue, inlined into the parent's HTML shell (Trunk) so it
// runs before the wasm arrives. On the lookup page (`/`, a school's link) a
// press of "Tra cứu" before the app has taken over is held (never sent as a
// plain form, which would put a child's code and birth date in an address),
// and the app sends it when it takes over (app/src/ui/shell.rs reads
// `data-pending`). Every other page of the app paints "opening" instead of the
// form (style/input.css), marked here before the body is parsed.
(() => {
  const path = location.pathname;
  const lookup = path === '/' || path.startsWith('/s/');
  // A family that has looked a child up before finds its children above the
  // form once the app is up: a form painted alone would move down under a
  // finger as the list appears. Their first page paints "opening" instead (a
  // class link keeps its fees, drawn by the server).
  let returning = false;
  try {
    const saved = localStorage.getItem('hocphi.children.v2');
    returning = /^\/(s\/[^/]+\/?)?$/.test(path) && !!saved && saved !== '00';
  } catch {}
  if (!lookup || returning) {
    document.documentElement.dataset.shellPage = 'other';
    // Not the lookup's title (the server may have given the link its own).
    if (!lookup && document.title.endsWith('Tra cứu khoản thu')) document.title = 'hocphi';
    // Still the shell half a minute later: the app's files are not coming.
    // Say so, with the one thing to do as a button (a chat app's browser often
    // hides its own reload).
    setTimeout(() => {
      const status = document.querySelector('#shell-opening [role=status]');
      if (!status) return;
      status.textContent = 'Trang chưa tải xong. Hãy kiểm tra kết nối mạng rồi tải lại trang.';
      const again = document.createElement('button');
      again.type = 'button';
      again.className = 'mt-3 min-h-12 rounded-lg bg-teal-700 px-4 text-lg font-semibold text-white';
      again.textContent = 'Tải lại trang';
      again.addEventListener('click', () => location.reload());
      status.after(again);
    }, 30000);
  }
  // A finger still on the shell's "Tra cứu" as the app takes over would be no
  // press at all: the browser makes no click of a press that began on a button
  // that has gone. Lifted on the app's button, drawn in the same place, it is
  // the press; lifted elsewhere, none, as on any button.
  // A link pressed on the shell (the fraud warning's "Kiểm tra một mã QR", a
  // contact's call) is followed the same way: a click whose press began on an
  // element that has gone reaches no link.
  let held = null;
  document.addEventListener('pointerdown', (event) => {
    held = event.button === 0
      ? (lookup && event.target.closest?.('#lookup-shell button[type=submit]')) || event.target.closest?.('#app a[href]') || null
      : null;
  }, true);
  document.addEventListener('pointercancel', () => (held = null), true);
  document.addEventListener('pointerup', (event) => {
    const pressed = held;
    held = null;
    if (!pressed || pressed.isConnected) return;
    // By where the finger is, not the event's target: a touch whose element
    // has gone is sent to the document.
    const under = document.elementFromPoint(event.clientX, event.clientY);
    let target;
    if (pressed.matches('a[href]')) {
      const link = under?.closest('#app a[href]');
      if (link && link.href === pressed.href) target = link;
    } else {
      target = under?.closest('#app form button[type=submit]');
    }
    if (!target) return;
    // A mouse's press begun on an element that has gone gets no click: this is it.
    if (event.pointerType !== 'touch') {
      target.click();
      return;
    }
    // A touch may also be clicked by the browser where the finger was lifted,
    // just after this: then that click is the press, and ours would be a
    // second one (a second tab for a Zalo link, a second lookup). Input is
    // handled before timers, so the browser's click, if any, comes first.
    let clicked = false;
    const seen = (e) => { if (target.contains(e.target)) clicked = true; };
    document.addEventListener('click', seen, true);
    setTimeout(() => {
      document.removeEventListener('click', seen, true);
      if (!clicked && target.isConnected) target.click();
    }, 300);
  }, true);
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!form || form.id !== 'lookup-shell') return;
    event.preventDefault();
    if (!lookup || form.dataset.pending) return;
    form.dataset.pending = '1';
    // Pressed again after the note below: the note has been read.
    document.getElementById('shell-slow')?.remove();
    const button = form.querySelector('button[type=submit]');
    if (!button) return;
    button.textContent = 'Đang tra cứu…';
    button.setAttribute('aria-disabled', 'true');
    // Still the shell half a minute later: the app's files are not coming
    // (no signal, or a very old browser). Say so rather than spin for ever.
    setTimeout(() => {
      if (!form.isConnected) return;
      delete form.dataset.pending;
      button.textContent = 'Tra cứu';
      button.removeAttribute('aria-disabled');
      const note = document.createElement('p');
      note.id = 'shell-slow';
      note.setAttribute('role', 'alert');
      note.className = 'rounded-lg border border-amber-400 bg-amber-50 p-3 text-base text-amber-950';
      note.textContent = 'Trang chưa tải xong. Hãy kiểm tra kết nối mạng rồi bấm Tra cứu lại.';
      button.before(note);
    }, 30000);
  });
})();
