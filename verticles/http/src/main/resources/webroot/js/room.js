// The open room: its messages by seq (history, live events, holes filled from history), deleting, jumping to
// a message in context, typing and read markers. The send box is composer.js.
import { reportButton } from './moderation.js';
import { $, state, me } from './state.js';
import { el, setError, errorText, person, displayName, dayLabel, sameDay, timeElement, messageText, snippet } from './dom.js';
import { cancelComposing, startReply, startEdit } from './composer.js';
import { api, roomPath, lastRoom } from './api.js';
import * as bridge from './bridge.js';
import { renderRooms, closeSidebar } from './sidebar.js';
import { loadMembers, canModerate } from './members.js';
import { renderRoomHeader } from './roominfo.js';
import { attachmentList, renderTray } from './attachments.js';
import { reactionChips, reactButton, onReaction } from './reactions.js';
import { threadSummary, threadButton, onThreadMessage, onThreadUpdated } from './threads.js';
import { loadPins, pinButton, pinBadge, onPin } from './pins.js';
import { seenBy, onRead } from './receipts.js';
import { botBadge } from './integrations.js';

const PAGE = 50;
const TYPING_SHOWN_MS = 3000;
const CONTEXT_BEFORE = 20;    // messages shown above a message jumped to
const FOCUS_SHOWN_MS = 6000;  // how long a message jumped to stays marked

const typers = new Map();     // userId -> timer, for the open room

/**
 * A room as the page holds it. {@code maxSeq} is the highest seq below which nothing is missing (down to
 * {@code minSeq}): seqs grow by exactly one per room, so a message above {@code maxSeq + 1} shows a hole.
 */
function roomView(id) {
  return { id, messages: new Map(), pending: new Map(), quotes: new Map(), maxSeq: 0, minSeq: Infinity,
    hasMore: false, loading: null, members: [], focusSeq: null, stick: true, readTimer: null,
    pins: null, seen: null };
}

/** Opens a room at its newest messages, or around {@code around} (a seq) to show that message in context. */
export async function openRoom(roomId, { around } = {}) {
  if (!state.rooms.has(roomId)) return;
  clearTyping();
  cancelComposing();
  const current = roomView(roomId);
  state.current = current;
  lastRoom.set(roomId);
  renderRooms();
  closeSidebar();
  renderRoomHeader();
  renderTray();
  $('no-room').hidden = true;
  $('room').hidden = false;
  $('messages').replaceChildren();
  $('messages-empty').hidden = true;
  setError('room-error', '');
  try {
    const members = loadMembers(current);
    loadPins(current);
    if (around) {
      current.maxSeq = Math.max(0, around - CONTEXT_BEFORE - 1);
      current.focusSeq = around;
      current.stick = false;
      await loadHistory(current, { after: current.maxSeq });
    } else {
      await loadHistory(current, {});
    }
    await members;
    if (state.current !== current) return;
    if (around) current.hasMore = current.minSeq > 1;
    renderMessages();
    if (around) showFocus(current, around);
    else $('message-text').focus();
    bridge.confirm(roomId);
    markRead();
  } catch (error) {
    if (state.current === current) setError('room-error', errorText(error));
  }
}

export function closeRoom() {
  state.current = null;
  clearTyping();
  cancelComposing();
  $('room').hidden = true;
  $('no-room').hidden = false;
  renderRooms();
}

/** Shows a message: scrolls to it if it is loaded, else opens its room around it. */
export function jumpTo(roomId, seq) {
  const current = state.current;
  if (current && current.id === roomId && current.messages.has(seq)) {
    showFocus(current, seq);
  } else {
    openRoom(roomId, { around: seq });
  }
}

function showFocus(current, seq) {
  current.focusSeq = seq;
  current.stick = false;
  renderMessages();
  const item = $('msg-' + seq);
  if (item) {
    item.scrollIntoView({ block: 'center' });
    item.focus({ preventScroll: true });
  }
  setTimeout(() => {
    if (current.focusSeq === seq) { current.focusSeq = null; renderMessages(); }
  }, FOCUS_SHOWN_MS);
}

/** Reads a page of history into the room: {before} for older, {after} to catch up, {} for the latest. */
async function loadHistory(current, { before, after }) {
  const latest = before === undefined && after === undefined;
  const params = new URLSearchParams({ limit: String(latest ? PAGE : 200) });
  if (before !== undefined) params.set('before', before);
  if (after !== undefined) params.set('after', after);
  const page = await api('GET', roomPath(current.id, '/messages?' + params));
  if (state.current !== current) return;
  if (latest && page.messages.length > 0) {
    // The latest page: everything up to its last seq is known from here on.
    current.maxSeq = Math.max(current.maxSeq, page.messages[page.messages.length - 1].seq);
  }
  for (const message of page.messages) addMessage(current, message);
  if (after === undefined) current.hasMore = page.hasMore;
  if (after !== undefined && page.hasMore) await loadHistory(current, { after: current.maxSeq });
}

export function addMessage(current, message) {
  const known = current.messages.get(message.seq);
  current.messages.set(message.seq, Object.assign(known || {}, message));
  current.minSeq = Math.min(current.minSeq, message.seq);
  while (current.messages.has(current.maxSeq + 1)) current.maxSeq += 1;
}

export function replaceMessage(current, message) {
  const known = current.messages.get(message.seq);
  if (known) current.messages.set(message.seq, Object.assign({}, known, message));
}

function markDeleted(current, seq) {
  const known = current.messages.get(seq);
  if (known) current.messages.set(seq, Object.assign({}, known, { deleted: true, text: undefined }));
}

export function hasHole(current) {
  for (const seq of current.messages.keys()) if (seq > current.maxSeq) return true;
  return false;
}

/** Fills a hole (missed messages while disconnected, or an event past a gap) from history. */
export function catchUp(current, attempts = 3) {
  if (!current.loading) {
    current.loading = loadHistory(current, { after: current.maxSeq })
      .then(() => renderMessages())
      .catch((error) => setError('room-error', errorText(error)))
      .finally(() => {
        current.loading = null;
        markRead();
        if (state.current === current && hasHole(current) && attempts > 1) catchUp(current, attempts - 1);
      });
  }
  return current.loading;
}

export async function loadOlder() {
  const current = state.current;
  if (!current || current.minSeq === Infinity) return;
  const list = $('messages');
  try {
    const page = await api('GET', roomPath(current.id, '/messages?before=' + current.minSeq + '&limit=' + PAGE));
    if (state.current !== current) return;
    for (const message of page.messages) addMessage(current, message);
    current.hasMore = page.hasMore;
    // Keeps the messages on screen where they were while older ones appear above.
    const fromBottom = list.scrollHeight - list.scrollTop;
    current.stick = false;
    renderMessages();
    list.scrollTop = list.scrollHeight - fromBottom;
  } catch (error) {
    setError('room-error', errorText(error));
  }
}

/** Follows new messages while the list is scrolled to the bottom, not after the user scrolled up. */
export function onMessagesScroll() {
  const list = $('messages');
  if (state.current) state.current.stick = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

// --- rendering --------------------------------------------------------------------------------------------

export function renderMessages() {
  const current = state.current;
  if (!current) return;
  const list = $('messages');
  const items = [];
  let previous = null;
  const stored = [...current.messages.values()].sort((a, b) => a.seq - b.seq);
  for (const message of stored.concat([...current.pending.values()])) {
    if (message.threadRoot) continue; // in its thread's panel (threads.js)
    if (previous === null || !sameDay(previous.ts, message.ts)) {
      items.push(el('li', { class: 'day', role: 'separator' }, el('span', null, dayLabel(message.ts))));
    }
    previous = message;
    items.push(messageItem(current, message));
  }
  list.replaceChildren(...items);
  $('messages-empty').hidden = items.length > 0;
  $('older').hidden = !current.hasMore;
  if (current.stick) list.scrollTop = list.scrollHeight;
}

function messageItem(current, m) {
  const mine = m.senderId === me().id;
  const text = m.deleted ? el('div', { class: 'text' }, '(deleted)')
    : el('div', { class: 'text' }, messageText(m.text || '', me().username));
  const classes = ['message', mine && 'mine', m.pending && 'pending', m.deleted && 'deleted',
    text.querySelector('.mention.me') && 'mentions-me', current.focusSeq === m.seq && 'hit'];
  return el('li', {
    class: classes.filter(Boolean).join(' '),
    id: m.pending ? null : 'msg-' + m.seq,
    'data-seq': m.pending ? null : m.seq,
    'data-sender': m.senderId,
    tabIndex: m.pending ? null : -1,
  },
  el('div', { class: 'meta' }, person(m.senderId, 'sender'), botBadge(m), ' ', timeElement(m.ts),
    m.editedAt ? el('span', { class: 'edited', title: 'edited ' + new Date(m.editedAt).toLocaleString() }, ' (edited)') : null,
    m.pending ? null : pinBadge(current, m)),
  m.replyTo ? quote(current, m.replyTo) : null,
  text,
  attachmentList(m),
  m.pending ? null : [reactionChips(current, m), threadSummary(current, m), mine ? seenBy(current, m, renderMessages) : null],
  m.pending || m.deleted ? null : actions(current, m, mine));
}

function actions(current, m, mine) {
  const who = displayName(m.senderId);
  return el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'reply', 'aria-label': 'Reply to ' + who, onclick: () => startReply(m) }, 'Reply'),
    reactButton(current, m), threadButton(current, m), pinButton(current, m),
    mine ? el('button', { type: 'button', class: 'edit', 'aria-label': 'Edit your message', onclick: () => startEdit(m) }, 'Edit') : null,
    mine || canModerate() ? el('button', { type: 'button', class: 'delete', 'aria-label': 'Delete message from ' + who,
      onclick: () => deleteMessage(current, m.seq) }, 'Delete') : null,
    reportButton(current, m, mine));
}

/** The message a reply answers, quoted; read from history when it is not loaded. */
function quote(current, seq) {
  let target = current.messages.get(seq) || current.quotes.get(seq);
  if (!target && !current.quotes.has(seq)) {
    current.quotes.set(seq, null);
    api('GET', roomPath(current.id, '/messages?after=' + (seq - 1) + '&limit=1')).then((page) => {
      if (page.messages[0]) current.quotes.set(seq, page.messages[0]);
      if (state.current === current) renderMessages();
    }).catch(() => {});
  }
  target = target || null;
  return el('blockquote', { class: 'quote' },
    el('button', { type: 'button', class: 'quote-jump', 'aria-label': 'Show the message this replies to',
      onclick: () => jumpTo(current.id, seq) },
    target ? person(target.senderId, 'quote-sender') : null, target ? ': ' : null,
    target ? (target.deleted ? '(deleted)' : snippet(target.text)) : 'message #' + seq));
}

async function deleteMessage(current, seq) {
  if (!window.confirm('Delete this message for everyone?')) return;
  try {
    await api('DELETE', roomPath(current.id, '/messages/' + seq));
    markDeleted(current, seq);
    renderMessages();
  } catch (error) {
    setError('room-error', 'Not deleted: ' + errorText(error));
  }
}

// --- typing and read markers ------------------------------------------------------------------------------

function showTyping(userId) {
  clearTimeout(typers.get(userId));
  typers.set(userId, setTimeout(() => { typers.delete(userId); renderTyping(); }, TYPING_SHOWN_MS));
  renderTyping();
}

function clearTyping() {
  typers.forEach((timer) => clearTimeout(timer));
  typers.clear();
  renderTyping();
}

function renderTyping() {
  const names = [...typers.keys()].map(displayName);
  $('typing').textContent = names.length === 0 ? ''
    : names.join(', ') + (names.length === 1 ? ' is typing…' : ' are typing…');
}

export function markRead() {
  const current = state.current;
  if (!current || current.maxSeq === 0 || document.hidden) return;
  clearTimeout(current.readTimer);
  current.readTimer = setTimeout(() => {
    api('POST', roomPath(current.id, '/read'), { seq: current.maxSeq }).catch(() => {});
    const room = state.rooms.get(current.id);
    if (room && room.unread) { room.unread = 0; renderRooms(); }
  }, 300);
}

// --- live events of the open room -------------------------------------------------------------------------

/** An event on chat.room.<id> for the open room; returns false when it is not the open one. */
export function onOpenRoomEvent(roomId, event) {
  const current = state.current && state.current.id === roomId ? state.current : null;
  if (!current) return false;
  switch (event.type) {
    case 'message':
      typers.delete(event.senderId);
      renderTyping();
      addMessage(current, event);
      onThreadMessage(current, event);
      if (hasHole(current)) catchUp(current);
      renderMessages();
      markRead();
      break;
    case 'message.updated':
      replaceMessage(current, event);
      renderMessages();
      break;
    case 'message.deleted':
      markDeleted(current, event.seq);
      renderMessages();
      break;
    case 'typing':
      if (event.userId !== me().id) showTyping(event.userId);
      break;
    case 'reaction':
      if (onReaction(current, event)) renderMessages();
      break;
    case 'thread.updated':
      if (onThreadUpdated(current, event)) renderMessages();
      break;
    case 'pin':
      onPin(current).then(() => renderMessages());
      break;
    case 'read':
      onRead(current, renderMessages);
      break;
    default:
      break;
  }
  return true;
}
