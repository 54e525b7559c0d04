// Reactions (issue 13): the chips under a message ("👍 2", pressed when one of the first users shown is me) and a
// small palette to add one. The server's `reaction` events carry the message's new summary.
import { state, me } from './state.js';
import { el, setError, errorText, displayName } from './dom.js';
import { api, roomPath } from './api.js';

const PALETTE = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

function reactionPath(roomId, seq, emoji) {
  return roomPath(roomId, '/messages/' + seq + '/reactions/' + encodeURIComponent(emoji));
}

async function toggle(current, m, emoji, mine) {
  try {
    await api(mine ? 'DELETE' : 'PUT', reactionPath(current.id, m.seq, emoji));
  } catch (error) {
    setError('room-error', 'Reaction not saved: ' + errorText(error));
  }
}

/** The chips of a message's reactions (null when it has none). */
export function reactionChips(current, m) {
  if (!m.reactions || m.reactions.length === 0 || m.deleted) return null;
  return el('div', { class: 'reactions', role: 'group', 'aria-label': 'reactions' },
    m.reactions.map((r) => {
      const mine = r.users.includes(me().id);
      const who = r.users.map(displayName).join(', ') + (r.count > r.users.length ? ' and ' + (r.count - r.users.length) + ' more' : '');
      return el('button', { type: 'button', class: 'reaction' + (mine ? ' mine' : ''), 'aria-pressed': mine ? 'true' : 'false',
        title: who, 'aria-label': r.emoji + ' ' + r.count + ' (' + who + ')', onclick: () => toggle(current, m, r.emoji, mine) },
      r.emoji, ' ', el('span', { class: 'count' }, String(r.count)));
    }));
}

/** The "React" button: opens the palette in place. */
export function reactButton(current, m) {
  const palette = el('span', { class: 'palette', hidden: true },
    PALETTE.map((emoji) => el('button', { type: 'button', class: 'pick', 'aria-label': 'React with ' + emoji,
      onclick: () => { palette.hidden = true; toggle(current, m, emoji, false); } }, emoji)));
  return el('span', { class: 'react-wrap' },
    el('button', { type: 'button', class: 'react', 'aria-label': 'Add a reaction',
      onclick: () => { palette.hidden = !palette.hidden; } }, 'React'),
    palette);
}

/** A `reaction` event: the message gets its new summary. True when the open room shows it. */
export function onReaction(current, event) {
  const known = current.messages.get(event.seq);
  if (!known) return false;
  current.messages.set(event.seq, Object.assign({}, known, { reactions: event.reactions || [] }));
  return true;
}

