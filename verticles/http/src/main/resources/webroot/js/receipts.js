// Read receipts (issue 13): "Seen by N" under the caller's own last message, with the readers' names on hover,
// from GET .../readers (the members whose read marker passed it). Read again when someone's marker moves.
import { me } from './state.js';
import { el, displayName } from './dom.js';
import { api, roomPath } from './api.js';

const REFRESH_MS = 400;

/** The seq of my last message in the main timeline (not a thread reply), or null. */
export function myLastSeq(current) {
  let last = null;
  for (const m of current.messages.values()) {
    if (m.senderId === me().id && !m.deleted && !m.threadRoot && (last === null || m.seq > last)) last = m.seq;
  }
  return last;
}

/** The line under my last message; its readers are read in the background. */
export function seenBy(current, m, rerender) {
  if (m.seq !== myLastSeq(current)) return null;
  const known = current.seen && current.seen.seq === m.seq ? current.seen.readers : null;
  if (!known) refresh(current, m.seq, rerender);
  if (!known || known.length === 0) return null;
  const names = known.map((reader) => displayName(reader.userId));
  return el('div', { class: 'seen-by', title: names.join(', '), 'aria-label': 'Seen by ' + names.join(', ') },
    'Seen by ' + known.length);
}

function refresh(current, seq, rerender) {
  if (current.seenLoading === seq) return;
  current.seenLoading = seq;
  api('GET', roomPath(current.id, '/messages/' + seq + '/readers?limit=200')).then((page) => {
    const changed = !current.seen || current.seen.seq !== seq
      || JSON.stringify(current.seen.readers.map((r) => r.userId)) !== JSON.stringify(page.readers.map((r) => r.userId));
    current.seen = { seq, readers: page.readers };
    if (changed) rerender();
  }).catch(() => {}).finally(() => { if (current.seenLoading === seq) current.seenLoading = null; });
}

/** Someone's read marker moved (`read` event): read the receipts again, a little later. */
export function onRead(current, rerender) {
  clearTimeout(current.seenTimer);
  current.seenTimer = setTimeout(() => {
    const seq = myLastSeq(current);
    if (seq !== null) refresh(current, seq, rerender);
  }, REFRESH_MS);
}
