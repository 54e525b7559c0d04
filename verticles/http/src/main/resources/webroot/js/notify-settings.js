// Notification settings (GET/PUT /notifications/preferences): the level, push on/off, push content and quiet
// hours in an IANA time zone; the open room's own level (PUT /rooms/{id}/notifications, "none" is the mute);
// and "Enable desktop notifications": the service worker /push-sw.js and a Web Push subscription made with
// the server's VAPID key (GET /push/vapid), handed to POST /push/subscriptions.
import { $, state } from './state.js';
import { el, setError, errorText } from './dom.js';
import { api, roomPath } from './api.js';
import { renderRooms } from './sidebar.js';
import { renderRoomHeader } from './roominfo.js';
import { jumpTo } from './room.js';

const WORKER = '/push-sw.js';
const push = { registration: null, subscriptionId: null };

function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// --- preferences ------------------------------------------------------------------------------------------

export async function loadNotifySettings() {
  try {
    show(await api('GET', '/notifications/preferences'));
    setError('notify-error', '');
  } catch (error) {
    setError('notify-error', errorText(error));
  }
  if (!$('notify-zones').firstChild && typeof Intl.supportedValuesOf === 'function') {
    $('notify-zones').replaceChildren(...Intl.supportedValuesOf('timeZone').map((zone) => el('option', { value: zone })));
  }
  await showPushState();
}

function show(preferences) {
  $('notify-level').value = preferences.level;
  $('notify-push').checked = preferences.push;
  $('notify-content').value = preferences.pushContent;
  const quiet = preferences.quietHours;
  $('notify-quiet').checked = quiet !== null;
  if (quiet) {
    $('notify-quiet-start').value = quiet.start;
    $('notify-quiet-end').value = quiet.end;
  }
  $('notify-zone').value = quiet ? quiet.timeZone : browserZone();
  showQuietFields();
}

export function showQuietFields() {
  const on = $('notify-quiet').checked;
  for (const id of ['notify-quiet-start', 'notify-quiet-end', 'notify-zone']) $(id).disabled = !on;
}

export async function saveNotifySettings(event) {
  event.preventDefault();
  const quiet = $('notify-quiet').checked
    ? { start: $('notify-quiet-start').value, end: $('notify-quiet-end').value, timeZone: $('notify-zone').value.trim() }
    : null;
  try {
    show(await api('PUT', '/notifications/preferences', {
      level: $('notify-level').value, push: $('notify-push').checked, pushContent: $('notify-content').value,
      quietHours: quiet,
    }));
    $('notify-status').textContent = 'Saved.';
    setError('notify-error', '');
  } catch (error) {
    $('notify-status').textContent = '';
    setError('notify-error', errorText(error));
  }
}

// --- the open room's level ----------------------------------------------------------------------------------

/** Shows the open room's own level in its panel (called as the panel opens). */
export async function showRoomLevel() {
  const room = state.current && state.rooms.get(state.current.id);
  if (!room) return;
  $('room-notify-level').options[0].textContent = room.kind === 'direct' ? 'default (every message)' : 'my default';
  try {
    const { levels } = await api('GET', '/notifications/rooms');
    $('room-notify-level').value = levels[room.id] || 'default';
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

export async function setRoomLevel() {
  const room = state.current && state.rooms.get(state.current.id);
  if (!room) return;
  try {
    const { level } = await api('PUT', roomPath(room.id, '/notifications'), { level: $('room-notify-level').value });
    if (level === 'none') state.mutes.add(room.id); else state.mutes.delete(room.id);
    renderRoomHeader();
    renderRooms();
    setError('info-error', '');
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

// --- desktop notifications (Web Push) ----------------------------------------------------------------------

function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function base64UrlBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The server's id of this browser's subscription, if the server has it. */
async function serverSubscription(subscription) {
  if (!subscription) return null;
  const { subscriptions } = await api('GET', '/push/subscriptions');
  const mine = subscriptions.find((s) => s.kind === 'webpush' && s.endpoint === subscription.endpoint);
  return mine ? mine.id : null;
}

async function showPushState() {
  const button = $('push-enable');
  if (!pushSupported()) {
    button.disabled = true;
    $('push-status').textContent = 'This browser cannot show desktop notifications.';
    return;
  }
  try {
    push.registration = (await navigator.serviceWorker.getRegistration('/')) || null;
    const subscription = push.registration && await push.registration.pushManager.getSubscription();
    push.subscriptionId = await serverSubscription(subscription);
  } catch (error) {
    push.subscriptionId = null;
  }
  const on = push.subscriptionId !== null;
  button.textContent = on ? 'Disable desktop notifications' : 'Enable desktop notifications';
  button.setAttribute('aria-pressed', String(on));
  $('push-status').textContent = on ? 'Desktop notifications are on in this browser.'
    : (Notification.permission === 'denied' ? 'Notifications are blocked for this site in the browser settings.' : '');
}

export async function togglePush() {
  setError('notify-error', '');
  try {
    if (push.subscriptionId !== null) await disablePush();
    else await enablePush();
  } catch (error) {
    setError('notify-error', errorText(error));
  }
  await showPushState();
}

async function enablePush() {
  if ((await Notification.requestPermission()) !== 'granted') {
    throw new Error('Notifications were not allowed for this site.');
  }
  const { publicKey } = await api('GET', '/push/vapid');
  await navigator.serviceWorker.register(WORKER, { scope: '/' });
  const registration = await navigator.serviceWorker.ready;
  let subscription = await registration.pushManager.getSubscription();
  const key = new Uint8Array(subscription && subscription.options.applicationServerKey || []);
  if (subscription && key.join() !== base64UrlBytes(publicKey).join()) {
    await subscription.unsubscribe(); // made with another server key: push services would refuse our pushes
    subscription = null;
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: base64UrlBytes(publicKey),
    });
  }
  const { endpoint, keys } = subscription.toJSON();
  await api('POST', '/push/subscriptions', { kind: 'webpush', endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } });
}

async function disablePush() {
  const subscription = push.registration && await push.registration.pushManager.getSubscription();
  await api('DELETE', '/push/subscriptions/' + encodeURIComponent(push.subscriptionId));
  push.subscriptionId = null;
  if (subscription) await subscription.unsubscribe();
}

/** Before signing out: the server forgets this browser, so the next user of it gets no pushes of ours. */
export async function forgetPushSubscription() {
  if (push.subscriptionId === null) return;
  try {
    await disablePush();
  } catch (ignored) { /* signed out anyway; a dead subscription is deleted at its first 404/410 */ }
}

// --- clicks on a notification ----------------------------------------------------------------------------

/** A click on a desktop notification opens its room: a message from the service worker, or #room=&seq=. */
export function followNotificationClicks() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type === 'parley.open' && state.rooms.has(data.room)) jumpTo(data.room, data.seq);
  });
}

/** After signing in: the room named by a notification that opened this window. */
export function openNotifiedRoom() {
  const wanted = new URLSearchParams(location.hash.slice(1));
  const room = wanted.get('room');
  if (!room) return;
  history.replaceState(null, '', location.pathname + location.search);
  if (state.rooms.has(room)) jumpTo(room, Number(wanted.get('seq')) || undefined);
}
