// The open room's members: presence dots in the header, the member list of the room panel with roles, and
// (owner/admin) adding, removing and changing roles. Display names are read once per user.
import { $, state, me } from './state.js';
import { el, setError, errorText, person, displayName } from './dom.js';
import { api, roomPath } from './api.js';
import * as bridge from './bridge.js';
import { renderMessages } from './room.js';
import { renderRoomHeader } from './roominfo.js';
import { memberModeration } from './moderation.js';

const ROLES = ['member', 'admin', 'owner'];

export function myRole() {
  const room = state.current && state.rooms.get(state.current.id);
  return room ? room.role : null;
}

/** Owner or admin of the open group room. */
export function canModerate() {
  const role = myRole();
  return role === 'owner' || role === 'admin';
}

function isDirect() {
  const room = state.current && state.rooms.get(state.current.id);
  return room && room.kind === 'direct';
}

export async function loadMembers(current) {
  const { members } = await api('GET', roomPath(current.id, '/members'));
  if (state.current !== current) return;
  for (const member of members) {
    const known = state.profiles.get(member.userId);
    state.profiles.set(member.userId, Object.assign({}, known, { username: member.username }));
  }
  current.members = members;
  // The list is fresher than GET /rooms for my own role (a role change may have come before this page
  // followed the room, so without its room.updated event).
  const mine = members.find((m) => m.userId === me().id);
  const room = state.rooms.get(current.id);
  if (mine && room && room.role !== mine.role) {
    room.role = mine.role;
    renderRoomHeader();
  } else {
    renderMembers();
  }
  resolveDisplayNames(current, members);
}

/** The member list has usernames only: the display names come from the user search, once per user. */
async function resolveDisplayNames(current, members) {
  const unknown = members.filter((m) => !('displayName' in state.profiles.get(m.userId))).slice(0, 100);
  if (unknown.length === 0) return;
  await Promise.all(unknown.map((member) => api('GET', '/users?limit=5&q=' + encodeURIComponent(member.username))
    .then(({ users }) => {
      const user = users.find((u) => u.id === member.userId);
      state.profiles.set(member.userId, { username: member.username, displayName: user ? user.displayName : null });
    }).catch(() => {})));
  if (state.current !== current) return;
  renderMembers();
  renderMessages();
}

/** Remembers people the page met elsewhere (user search results, notifications). */
export function rememberUser(user) {
  state.profiles.set(user.id, { username: user.username, displayName: user.displayName });
}

function dot(userId) {
  const online = state.presence.get(userId) === 'online';
  return el('span', { class: 'dot' + (online ? ' online' : ''), role: 'img', 'aria-label': online ? 'online' : 'offline' });
}

export function renderMembers() {
  const current = state.current;
  if (!current) return;
  $('members').replaceChildren(...current.members.map((member) => el('li', {
    'data-user-id': member.userId, title: state.presence.get(member.userId) || 'offline',
  }, dot(member.userId), person(member.userId, 'member-name'))));
  $('member-count').textContent = String(current.members.length);
  $('member-list').replaceChildren(...current.members.map(memberRow));
  const moderate = canModerate() && !isDirect();
  $('add-member').hidden = !moderate;
  if (!moderate) $('add-member-results').replaceChildren();
}

function memberRow(member) {
  const mine = member.userId === me().id;
  const role = myRole();
  const row = el('li', { 'data-user-id': member.userId },
    dot(member.userId),
    el('span', { class: 'member-main' }, person(member.userId, 'member-name'),
      el('small', { class: 'handle' }, '@' + member.username)));
  // Only the owner changes roles; handing over ownership makes the old owner an admin.
  if (role === 'owner' && !mine && !isDirect()) {
    const select = el('select', { class: 'role', 'aria-label': 'Role of ' + displayName(member.userId),
      onchange: () => changeRole(member, select.value) },
    ROLES.map((r) => el('option', { value: r, selected: r === member.role }, r)));
    row.append(select);
  } else {
    row.append(el('span', { class: 'role-label' }, member.role));
  }
  const kickable = !mine && member.role !== 'owner' && !isDirect()
    && (role === 'owner' || (role === 'admin' && member.role === 'member'));
  if (kickable) {
    row.append(el('button', { type: 'button', class: 'remove secondary', 'aria-label': 'Remove ' + displayName(member.userId),
      onclick: () => removeMember(member) }, 'Remove'));
  }
  row.append(...memberModeration(member, { removable: kickable, changed: renderMembers }));
  return row;
}

export function setPresence(userId, status) {
  state.presence.set(userId, status);
  for (const item of document.querySelectorAll(`#members li[data-user-id="${CSS.escape(userId)}"], #member-list li[data-user-id="${CSS.escape(userId)}"]`)) {
    const d = item.querySelector('.dot');
    d.classList.toggle('online', status === 'online');
    d.setAttribute('aria-label', status);
    if (item.parentElement.id === 'members') item.title = status;
  }
}

export function onPresenceSnapshot(roomId, presence) {
  if (!state.current || state.current.id !== roomId) return;
  for (const p of presence) setPresence(p.userId, p.status);
}

/** A member joined or left the open room: read the list again, and who of it is online. */
export async function refreshMembers() {
  const current = state.current;
  if (!current) return;
  try {
    await loadMembers(current);
    bridge.confirm(current.id);
  } catch (ignored) { /* the next event tries again */ }
}

/** room.updated with {member}: a role changed (possibly mine). */
export function onMemberUpdated(roomId, member) {
  const room = state.rooms.get(roomId);
  if (member.userId === me().id && room) room.role = member.role;
  const current = state.current;
  if (!current || current.id !== roomId) return;
  // Handing over ownership changes two roles; the list is read again for the other one.
  if (member.role === 'owner') { refreshMembers(); return; }
  current.members = current.members.map((m) => (m.userId === member.userId ? Object.assign({}, m, member) : m));
  renderMembers();
}

async function changeRole(member, role) {
  const current = state.current;
  if (role === 'owner' && !window.confirm('Make ' + displayName(member.userId) + ' the owner? You become an admin.')) {
    renderMembers();
    return;
  }
  try {
    const updated = await api('PATCH', roomPath(current.id, '/members/' + encodeURIComponent(member.userId)), { role });
    onMemberUpdated(current.id, updated);
    setError('info-error', '');
  } catch (error) {
    setError('info-error', errorText(error));
    renderMembers();
  }
}

async function removeMember(member) {
  const current = state.current;
  if (!window.confirm('Remove ' + displayName(member.userId) + ' from the room?')) return;
  try {
    await api('DELETE', roomPath(current.id, '/members/' + encodeURIComponent(member.userId)));
    current.members = current.members.filter((m) => m.userId !== member.userId);
    renderMembers();
    setError('info-error', '');
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

export async function searchUsersToAdd(event) {
  event.preventDefault();
  const current = state.current;
  const q = $('add-member-q').value.trim();
  if (!current || !q) return;
  try {
    const { users } = await api('GET', '/users?limit=10&q=' + encodeURIComponent(q));
    const inRoom = new Set(current.members.map((m) => m.userId));
    const candidates = users.filter((u) => !inRoom.has(u.id));
    candidates.forEach(rememberUser);
    $('add-member-results').replaceChildren(...(candidates.length === 0
      ? [el('li', { class: 'empty' }, 'Nobody to add under “' + q + '”.')]
      : candidates.map((user) => el('li', { 'data-user-id': user.id }, person(user.id),
        el('button', { type: 'button', class: 'add', 'aria-label': 'Add ' + displayName(user.id),
          onclick: () => addMember(user) }, 'Add')))));
    setError('info-error', '');
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

async function addMember(user) {
  const current = state.current;
  try {
    const member = await api('POST', roomPath(current.id, '/members'), { userId: user.id });
    if (!current.members.some((m) => m.userId === member.userId)) current.members = current.members.concat([member]);
    $('add-member-results').replaceChildren();
    $('add-member-q').value = '';
    renderMembers();
    setError('info-error', '');
  } catch (error) {
    setError('info-error', errorText(error));
  }
}
