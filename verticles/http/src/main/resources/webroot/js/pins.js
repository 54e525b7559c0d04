// Pins (issue 13): owners and admins pin a message; pinned ones show a 📌 and are listed in the room panel,
// newest first. The room's pins are read when it opens and follow its `pin` events.
import { $, state } from './state.js';
import { el, setError, errorText, person, snippet } from './dom.js';
import { api, roomPath } from './api.js';
import { canModerate } from './members.js';

/** Reads the open room's pins (seq -> pin) and shows them. */
export async function loadPins(current) {
  try {
    const { pins } = await api('GET', roomPath(current.id, '/pins'));
    if (state.current !== current) return;
    current.pins = new Map(pins.map((pin) => [pin.seq, pin]));
    renderPins(current);
  } catch (error) {
    setError('room-error', errorText(error));
  }
}

export const isPinned = (current, seq) => current.pins != null && current.pins.has(seq);

/** The Pin / Unpin action, for owners and admins. */
export function pinButton(current, m) {
  if (!canModerate()) return null;
  const pinned = isPinned(current, m.seq);
  return el('button', { type: 'button', class: pinned ? 'unpin' : 'pin', 'aria-label': pinned ? 'Unpin message' : 'Pin message',
    onclick: () => api(pinned ? 'DELETE' : 'PUT', roomPath(current.id, '/pins/' + m.seq))
      .catch((error) => setError('room-error', 'Not changed: ' + errorText(error))) }, pinned ? 'Unpin' : 'Pin');
}

export function pinBadge(current, m) {
  return isPinned(current, m.seq) ? el('span', { class: 'pinned-badge', title: 'pinned', 'aria-label': 'pinned' }, ' 📌') : null;
}

/** A `pin` event of the open room: reloads the list (it carries the messages as they are now). */
export function onPin(current) {
  return loadPins(current);
}

function renderPins(current) {
  const list = $('pin-list');
  if (!list) return;
  const pins = [...current.pins.values()].sort((a, b) => b.pinnedAt - a.pinnedAt || b.seq - a.seq);
  list.replaceChildren(...pins.map((pin) => el('li', { 'data-seq': pin.seq },
    person(pin.message.senderId, 'sender'), ': ', snippet(pin.message.text || ''))));
  $('pins-empty').hidden = pins.length > 0;
}
