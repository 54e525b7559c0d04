// Moderation on the chat page (issue 14): ban from the member list (owner/admins; kick stays "Remove"), block
// and unblock from a member's name, report a message, and slow mode (the owner/admins set it in the room
// panel; everyone sees the indicator above the composer).
import { $, state, me } from './state.js';
import { el, setError, errorText, displayName } from './dom.js';
import { api, roomPath } from './api.js';

const blocked = new Set();

export async function loadBlocks() {
  try {
    const { blocks } = await api('GET', '/users/me/blocks');
    blocked.clear();
    for (const block of blocks) blocked.add(block.userId);
  } catch (ignored) { /* shown as not blocked; the buttons still work */ }
}

/** The moderation buttons of a member row: Ban (when the caller could also remove them), Block/Unblock. */
export function memberModeration(member, { removable, changed }) {
  if (member.userId === me().id) return [];
  const name = displayName(member.userId);
  const buttons = [];
  if (removable) {
    buttons.push(el('button', { type: 'button', class: 'ban secondary', 'aria-label': 'Ban ' + name,
      onclick: () => ban(member, changed) }, 'Ban'));
  }
  const isBlocked = blocked.has(member.userId);
  buttons.push(el('button', { type: 'button', class: 'block secondary', 'aria-pressed': String(isBlocked),
    'aria-label': (isBlocked ? 'Unblock ' : 'Block ') + name, onclick: () => toggleBlock(member.userId, changed) },
  isBlocked ? 'Unblock' : 'Block'));
  return buttons;
}

async function ban(member, changed) {
  const current = state.current;
  const reason = window.prompt('Ban ' + displayName(member.userId) + ' from this room? They cannot join again until '
    + 'unbanned. Reason (optional):', '');
  if (reason === null) return;
  try {
    await api('POST', roomPath(current.id, '/bans'), reason.trim() ? { userId: member.userId, reason: reason.trim() }
      : { userId: member.userId });
    current.members = current.members.filter((m) => m.userId !== member.userId);
    setError('info-error', '');
    changed();
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

async function toggleBlock(userId, changed) {
  const was = blocked.has(userId);
  try {
    await api(was ? 'DELETE' : 'PUT', '/users/me/blocks/' + encodeURIComponent(userId));
    if (was) blocked.delete(userId); else blocked.add(userId);
    setError('info-error', '');
    changed();
  } catch (error) {
    setError('info-error', errorText(error));
  }
}

/** The Report button of someone else's message. */
export function reportButton(current, message, mine) {
  if (mine) return null;
  return el('button', { type: 'button', class: 'report', 'aria-label': 'Report message from ' + displayName(message.senderId),
    onclick: () => report(current, message) }, 'Report');
}

async function report(current, message) {
  const reason = window.prompt('Report this message to the server administrators. Why?', '');
  if (reason === null || !reason.trim()) return;
  try {
    await api('POST', '/reports', { roomId: current.id, seq: message.seq, reason: reason.trim() });
    setError('room-error', 'Reported. The administrators will have a look.');
  } catch (error) {
    setError('room-error', 'Not reported: ' + errorText(error));
  }
}

/** The slow-mode indicator and the room panel's setting. */
export function renderSlowMode(room) {
  const seconds = room.slowModeSeconds || 0;
  $('slow-mode').hidden = seconds === 0;
  $('slow-mode').textContent = seconds === 0 ? '' : 'Slow mode: one message every ' + seconds + ' s'
    + (room.role === 'owner' || room.role === 'admin' ? ' (not for you: you moderate this room)' : '');
  $('settings-slow-mode').value = String(seconds);
}

/** Adds a changed slow mode to the PATCH body of the room settings. */
export function slowModeChange(room, body) {
  const seconds = Number($('settings-slow-mode').value || 0);
  if (seconds !== (room.slowModeSeconds || 0)) body.slowModeSeconds = seconds;
}
