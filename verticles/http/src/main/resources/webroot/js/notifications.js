// Notifications: mentions and direct messages, live on chat.user.<me> and listed by GET /notifications, with
// the unread count on the bell and mark-as-read (one by opening it, or all).
import { $, state, me } from './state.js';
import { el, setError, errorText, person, timeElement, messageText } from './dom.js';
import { api } from './api.js';
import { jumpTo } from './room.js';
import { closeDrawers } from './drawers.js';

const notes = { list: [], unread: 0 };

export async function loadNotifications() {
  try {
    const page = await api('GET', '/notifications?limit=50');
    notes.list = page.notifications;
    notes.unread = page.unread;
    render();
    setError('notif-error', '');
  } catch (error) {
    setError('notif-error', errorText(error));
  }
}

export function onNotification(event) {
  if (notes.list.some((n) => n.id === event.id)) return;
  notes.list.unshift(event);
  if (!event.read) notes.unread += 1;
  render();
}

function render() {
  const count = $('notif-count');
  count.textContent = String(notes.unread);
  count.hidden = notes.unread === 0;
  $('notifications-button').setAttribute('aria-label',
    'Notifications' + (notes.unread ? ', ' + notes.unread + ' unread' : ''));
  $('notif-read-all').disabled = notes.unread === 0;
  $('notif-empty').hidden = notes.list.length > 0;
  $('notif-list').replaceChildren(...notes.list.map(item));
}

function item(n) {
  if (!state.profiles.has(n.from)) state.profiles.set(n.from, { username: n.fromUsername });
  const room = state.rooms.get(n.room);
  const what = n.kind === 'mention' ? ' mentioned you' : ' wrote to you';
  return el('li', { 'data-id': n.id, class: n.read ? 'read' : 'unread' },
    el('button', { type: 'button', class: 'notification', onclick: () => openNotification(n) },
      el('span', { class: 'meta' }, person(n.from), what, room ? ' in ' + room.name : '', ' · ', timeElement(n.ts)),
      el('span', { class: 'text' }, messageText(n.text || '', me().username))));
}

async function markRead(body) {
  const result = await api('POST', '/notifications/read', body);
  notes.unread = result.unread;
}

async function openNotification(n) {
  try {
    if (!n.read) {
      await markRead({ ids: [n.id] });
      n.read = true;
      render();
    }
  } catch (error) {
    setError('notif-error', errorText(error));
  }
  if (state.rooms.has(n.room)) {
    closeDrawers(false);
    jumpTo(n.room, n.seq);
  }
}

export async function markAllRead() {
  if (notes.list.length === 0) return;
  try {
    await markRead({ upTo: notes.list[0].id });
    for (const n of notes.list) n.read = true;
    render();
  } catch (error) {
    setError('notif-error', errorText(error));
  }
}
