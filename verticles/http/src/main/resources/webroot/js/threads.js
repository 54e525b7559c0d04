// Threads (issue 13): a root shows "N replies" under it, which opens the thread in a side panel: the root, its
// replies (GET .../thread, paged) and a box to reply in the thread (POST .../messages with threadRoot). Replies
// stay out of the main timeline; live replies and `thread.updated` events keep both up to date.
import { $, state, me } from './state.js';
import { el, setError, errorText, person, timeElement, messageText } from './dom.js';
import { api, roomPath } from './api.js';
import { openDrawer } from './drawers.js';

const PAGE = 100;
const thread = { roomId: null, root: null, replies: new Map() };

/** "N replies" under a root (or "Reply in thread" as an action when it has none). */
export function threadSummary(current, m) {
  if (!m.thread || m.deleted) return null;
  const n = m.thread.replies;
  return el('button', { type: 'button', class: 'thread-summary', 'aria-label': 'Open the thread (' + n + (n === 1 ? ' reply)' : ' replies)'),
    onclick: () => openThread(current, m.seq) }, n + (n === 1 ? ' reply' : ' replies'));
}

export function threadButton(current, m) {
  if (m.threadRoot) return null;
  return el('button', { type: 'button', class: 'thread', 'aria-label': 'Reply in a thread',
    onclick: () => openThread(current, m.seq) }, 'Thread');
}

export async function openThread(current, root) {
  thread.roomId = current.id;
  thread.root = root;
  thread.replies = new Map();
  setError('thread-error', '');
  renderThread();
  openDrawer('thread-panel');
  $('thread-text').focus();
  try {
    let after = 0;
    for (;;) {
      const page = await api('GET', roomPath(current.id, '/messages/' + root + '/thread?limit=' + PAGE + '&after=' + after));
      if (thread.root !== root) return;
      for (const reply of page.messages) thread.replies.set(reply.seq, reply);
      if (!page.hasMore || page.messages.length === 0) break;
      after = page.messages[page.messages.length - 1].seq;
    }
    renderThread();
  } catch (error) {
    setError('thread-error', errorText(error));
  }
}

export async function submitThreadReply(event) {
  event.preventDefault();
  const input = $('thread-text');
  const text = input.value;
  if (!thread.root || !text.trim()) return;
  const clientMsgId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : 't-' + Date.now() + Math.random();
  input.value = '';
  try {
    const reply = await api('POST', roomPath(thread.roomId, '/messages'), { text, clientMsgId, threadRoot: thread.root });
    thread.replies.set(reply.seq, reply);
    renderThread();
  } catch (error) {
    input.value = text;
    setError('thread-error', 'Not sent: ' + errorText(error));
  }
}

/** A live message of the open room: a reply of the open thread joins the panel. */
export function onThreadMessage(current, message) {
  if (message.threadRoot && thread.roomId === current.id && thread.root === message.threadRoot) {
    thread.replies.set(message.seq, message);
    renderThread();
  }
}

/** A `thread.updated` event: the root's summary. True when the open room has the root. */
export function onThreadUpdated(current, event) {
  const known = current.messages.get(event.seq);
  if (known) current.messages.set(event.seq, Object.assign({}, known, { thread: event.thread }));
  if (thread.roomId === current.id && thread.root === event.seq) renderThread();
  return known != null;
}

function renderThread() {
  const current = state.current;
  const root = current && current.id === thread.roomId ? current.messages.get(thread.root) : null;
  $('thread-root').replaceChildren(root ? line(root) : el('p', { class: 'muted-text' }, 'message #' + thread.root));
  const replies = [...thread.replies.values()].sort((a, b) => a.seq - b.seq);
  $('thread-list').replaceChildren(...replies.map((reply) => el('li', { class: 'message' + (reply.senderId === me().id ? ' mine' : ''),
    'data-seq': reply.seq }, line(reply))));
  $('thread-empty').hidden = replies.length > 0;
}

function line(m) {
  return el('div', { class: 'thread-line' },
    el('div', { class: 'meta' }, person(m.senderId, 'sender'), ' ', timeElement(m.ts)),
    el('div', { class: 'text' }, m.deleted ? '(deleted)' : messageText(m.text || '', me().username)));
}
