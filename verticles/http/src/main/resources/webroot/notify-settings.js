// Notification settings panel and "Enable desktop notifications" for the chat page, kept apart from app.js.
// app.js calls ParleyNotify.mount(container, api, currentRoomId) once signed in, where api(method, path, body)
// is its authenticated REST helper and currentRoomId() the open room's id (or null).
'use strict';

window.ParleyNotify = (() => {
  const LEVELS = ['all', 'mentions', 'none'];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === 'text') node.textContent = value; else node.setAttribute(key, value);
    });
    children.forEach((child) => node.append(child));
    return node;
  }

  function select(id, values, current) {
    const box = el('select', { id });
    values.forEach((value) => box.append(el('option', { value, text: value })));
    box.value = current;
    return box;
  }

  function base64UrlToBytes(text) {
    const base64 = (text + '='.repeat((4 - (text.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  /** Registers the service worker, subscribes with the server's VAPID key and hands the subscription over. */
  async function enablePush(api) {
    if (!('serviceWorker' in navigator) || !('PushManager' in window)) {
      throw new Error('this browser has no Web Push');
    }
    if ((await Notification.requestPermission()) !== 'granted') {
      throw new Error('notifications were not allowed');
    }
    const registration = await navigator.serviceWorker.register('/push-sw.js');
    const { publicKey } = await api('GET', '/push/vapid');
    const subscription = (await registration.pushManager.getSubscription())
      || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) });
    const json = subscription.toJSON();
    return api('POST', '/push/subscriptions', { kind: 'webpush', endpoint: json.endpoint, keys: json.keys });
  }

  async function mount(container, api, currentRoomId) {
    if (!container) return;
    const prefs = await api('GET', '/notifications/preferences');
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    const level = select('notify-level', LEVELS, prefs.level);
    const push = el('input', { id: 'notify-push', type: 'checkbox' });
    push.checked = prefs.push;
    const content = select('notify-content', ['full', 'generic'], prefs.pushContent);
    const quiet = el('input', { id: 'notify-quiet', type: 'checkbox' });
    quiet.checked = prefs.quietHours !== null;
    const start = el('input', { id: 'notify-quiet-start', type: 'time', value: prefs.quietHours ? prefs.quietHours.start : '22:00' });
    const end = el('input', { id: 'notify-quiet-end', type: 'time', value: prefs.quietHours ? prefs.quietHours.end : '07:00' });
    const roomLevel = select('notify-room-level', ['default', ...LEVELS], 'default');
    const status = el('span', { id: 'notify-status', role: 'status' });
    const save = el('button', { id: 'notify-save', type: 'button', text: 'Save' });
    const enable = el('button', { id: 'notify-enable', type: 'button', text: 'Enable desktop notifications' });
    const roomSave = el('button', { id: 'notify-room-save', type: 'button', text: 'Set for this room' });

    save.addEventListener('click', async () => {
      try {
        await api('PUT', '/notifications/preferences', {
          level: level.value, push: push.checked, pushContent: content.value,
          quietHours: quiet.checked ? { start: start.value, end: end.value, timeZone: prefs.quietHours ? prefs.quietHours.timeZone : zone } : null,
        });
        status.textContent = 'Saved';
      } catch (failed) { status.textContent = failed.message; }
    });
    roomSave.addEventListener('click', async () => {
      const room = currentRoomId();
      if (!room) { status.textContent = 'Open a room first'; return; }
      try {
        await api('PUT', '/rooms/' + encodeURIComponent(room) + '/notifications', { level: roomLevel.value });
        status.textContent = 'Room set to ' + roomLevel.value;
      } catch (failed) { status.textContent = failed.message; }
    });
    enable.addEventListener('click', async () => {
      try {
        await enablePush(api);
        status.textContent = 'Desktop notifications on';
      } catch (failed) { status.textContent = failed.message; }
    });

    container.replaceChildren(el('fieldset', {},
      el('legend', { text: 'Notifications' }),
      el('label', { text: 'Notify me of ' }, level),
      el('label', { text: ' Push ' }, push),
      el('label', { text: ' Content ' }, content),
      el('label', { text: ' Quiet hours ' }, quiet, start, end),
      save, enable,
      el('label', { text: ' This room: ' }, roomLevel), roomSave, status));
  }

  return { mount, enablePush };
})();
