// The open room's header (name, kind, mute) and its panel: rename, visibility, leave, delete (by role).
import { $, state } from './state.js';
import { setError, errorText } from './dom.js';
import { api, roomPath } from './api.js';
import { myRole, canModerate, renderMembers } from './members.js';
import { renderRooms, roomGone } from './sidebar.js';
import { renderSlowMode, slowModeChange } from './moderation.js';

function openRoomObject() {
  return state.current && state.rooms.get(state.current.id);
}

export function renderRoomHeader() {
  const room = openRoomObject();
  if (!room) return;
  $('room-name').textContent = room.name;
  $('room-kind').textContent = room.kind === 'direct' ? 'direct' : room.visibility;
  const muted = state.mutes.has(room.id);
  $('mute-toggle').setAttribute('aria-pressed', String(muted));
  $('mute-toggle').textContent = muted ? 'Unmute' : 'Mute';
  $('mute-toggle').title = muted ? 'Muted: no notifications from this room' : 'Get no notifications from this room';
  renderRoomInfo();
}

export function renderRoomInfo() {
  const room = openRoomObject();
  if (!room) return;
  const group = room.kind !== 'direct';
  const manage = group && canModerate();
  $('settings-name').value = room.name;
  $('settings-visibility').value = room.visibility;
  $('room-settings').hidden = !manage;
  $('info-title').textContent = room.name;
  $('info-role').textContent = group ? 'Your role: ' + (myRole() || 'none') : 'Direct messages';
  $('leave-room').hidden = !group || myRole() === 'owner';
  $('delete-room').hidden = !group || myRole() !== 'owner';
  renderSlowMode(room);
  renderMembers();
}

export async function saveSettings(event) {
  event.preventDefault();
  const room = openRoomObject();
  if (!room) return;
  const body = {};
  const name = $('settings-name').value.trim();
  if (name && name !== room.name) body.name = name;
  if ($('settings-visibility').value !== room.visibility) body.visibility = $('settings-visibility').value;
  slowModeChange(room, body);
  if (Object.keys(body).length === 0) return;
  try {
    const updated = await api('PATCH', roomPath(room.id), body);
    onRoomUpdated(room.id, updated);
    setError('info-error', '');
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

/** room.updated carrying the room (renamed, visibility changed). */
export function onRoomUpdated(roomId, update) {
  const room = state.rooms.get(roomId);
  if (!room) return;
  for (const key of ['name', 'visibility', 'memberCount', 'slowModeSeconds']) if (update[key] !== undefined) room[key] = update[key];
  renderRooms();
  if (state.current && state.current.id === roomId) renderRoomHeader();
}

export async function toggleMute() {
  const room = openRoomObject();
  if (!room) return;
  const muted = state.mutes.has(room.id);
  try {
    await api('POST', roomPath(room.id, muted ? '/unmute' : '/mute'));
    if (muted) state.mutes.delete(room.id); else state.mutes.add(room.id);
    renderRoomHeader();
    renderRooms();
  } catch (error) {
    setError('room-error', errorText(error));
  }
}

export async function loadMutes() {
  try {
    const { roomIds } = await api('GET', '/notifications/mutes');
    state.mutes = new Set(roomIds);
  } catch (ignored) { /* shown as not muted; the button still works */ }
}

export async function leaveRoom() {
  const room = openRoomObject();
  if (!room || !window.confirm('Leave “' + room.name + '”?')) return;
  try {
    await api('POST', roomPath(room.id, '/leave'));
    roomGone(room.id);
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

export async function deleteRoom() {
  const room = openRoomObject();
  if (!room || !window.confirm('Delete “' + room.name + '” and all its messages for everyone?')) return;
  try {
    await api('DELETE', roomPath(room.id));
    roomGone(room.id);
  } catch (error) {
    setError('info-error', errorText(error));
  }
}
