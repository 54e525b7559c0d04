// The sidebar: the user's rooms with unread counts, creating a room, public rooms to join, and people to
// message directly. On narrow screens it is a drawer.
import { $, state } from './state.js';
import { el, setError, errorText, person, displayName } from './dom.js';
import { api, roomPath, lastRoom } from './api.js';
import * as bridge from './bridge.js';
import { openRoom, closeRoom } from './room.js';
import { rememberUser } from './members.js';
import { closeDrawers } from './drawers.js';

let roomLoads = Promise.resolve();

/**
 * The room list from the server. Loads run one after the other, each read after the one before was applied: an
 * older answer arriving last cannot bring back a room that a later event removed, nor drop one it added.
 */
export function loadRooms() {
  roomLoads = roomLoads.then(readRooms);
  return roomLoads;
}

async function readRooms() {
  try {
    const { rooms } = await api('GET', '/rooms');
    const fresh = new Map(rooms.map((room) => [room.id, room]));
    for (const roomId of state.rooms.keys()) if (!fresh.has(roomId)) bridge.forgetRoom(roomId);
    state.rooms = fresh;
    if (state.current && !fresh.has(state.current.id)) closeRoom();
    if (state.current) fresh.get(state.current.id).unread = 0;
    renderRooms();
    bridge.registerRooms();
    setError('side-error', '');
  } catch (error) {
    setError('side-error', errorText(error));
  }
}

export function renderRooms() {
  const items = [...state.rooms.values()].map((room) => {
    const active = state.current && state.current.id === room.id;
    const badge = room.unread > 0 ? el('span', { class: 'unread', title: 'unread messages', 'aria-label': room.unread + ' unread' }, room.unread) : null;
    return el('li', { 'data-room-id': room.id, class: active ? 'active' : null },
      el('button', { type: 'button', class: 'room-button', 'aria-current': active ? 'true' : null, onclick: () => openRoom(room.id) },
        el('span', { class: 'kind', 'aria-hidden': 'true' }, room.kind === 'direct' ? '@' : room.visibility === 'public' ? '#' : '🔒'),
        el('span', { class: 'name' }, room.name),
        state.mutes.has(room.id) ? el('span', { class: 'muted', title: 'muted', 'aria-label': 'muted' }, '🔕') : null,
        badge));
  });
  $('room-list').replaceChildren(...items);
  $('rooms-empty').hidden = items.length > 0;
}

/** A room I am no longer in (left, removed, deleted). */
export function roomGone(roomId) {
  state.rooms.delete(roomId);
  bridge.forgetRoom(roomId);
  if (lastRoom.get() === roomId) lastRoom.clear();
  if (state.current && state.current.id === roomId) {
    closeDrawers();
    closeRoom();
  }
  renderRooms();
}

export async function createRoom(event) {
  event.preventDefault();
  const name = $('new-room-name').value.trim();
  if (!name) return;
  try {
    const room = await api('POST', '/rooms', { name, visibility: $('new-room-public').checked ? 'public' : 'private' });
    $('new-room-name').value = '';
    await loadRooms();
    await openRoom(room.id);
  } catch (error) {
    setError('side-error', errorText(error));
  }
}

export async function searchPublic(event) {
  if (event) event.preventDefault();
  try {
    const q = $('public-q').value.trim();
    const { rooms } = await api('GET', '/rooms/public?q=' + encodeURIComponent(q));
    const open = rooms.filter((room) => !state.rooms.has(room.id));
    $('public-list').replaceChildren(...(open.length === 0
      ? [el('li', { class: 'empty' }, q ? 'No public rooms start with “' + q + '”.' : 'No other public rooms yet.')]
      : open.map((room) => el('li', { 'data-room-id': room.id },
        el('span', { class: 'name' }, room.name),
        el('small', null, room.memberCount + (room.memberCount === 1 ? ' member' : ' members')),
        el('button', { type: 'button', class: 'join', 'aria-label': 'Join ' + room.name, onclick: () => joinRoom(room.id) }, 'Join')))));
    setError('side-error', '');
  } catch (error) {
    setError('side-error', errorText(error));
  }
}

async function joinRoom(roomId) {
  try {
    await api('POST', roomPath(roomId, '/join'));
    await loadRooms();
    await openRoom(roomId);
    searchPublic();
  } catch (error) {
    setError('side-error', errorText(error));
  }
}

export async function searchPeople(event) {
  event.preventDefault();
  const q = $('user-q').value.trim();
  if (!q) return;
  try {
    const { users } = await api('GET', '/users?limit=10&q=' + encodeURIComponent(q));
    const others = users.filter((user) => user.id !== state.session.user.id);
    others.forEach(rememberUser);
    $('user-list').replaceChildren(...(others.length === 0
      ? [el('li', { class: 'empty' }, 'Nobody’s username starts with “' + q + '”.')]
      : others.map((user) => el('li', { 'data-user-id': user.id },
        el('span', { class: 'name' }, person(user.id), ' ', el('small', { class: 'handle' }, '@' + user.username)),
        el('button', { type: 'button', class: 'message-user', 'aria-label': 'Message ' + displayName(user.id),
          onclick: () => directMessage(user.id) }, 'Message')))));
    setError('side-error', '');
  } catch (error) {
    setError('side-error', errorText(error));
  }
}

async function directMessage(userId) {
  try {
    const room = await api('POST', '/rooms/direct', { userId });
    await loadRooms();
    await openRoom(room.id);
  } catch (error) {
    setError('side-error', errorText(error));
  }
}

/** Picking a room on a phone closes the drawer over it. */
export function closeSidebar() {
  if ($('sidebar').classList.contains('open')) closeDrawers();
}
