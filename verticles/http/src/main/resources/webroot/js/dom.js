// DOM helpers. User data (names, room names, message text) only ever becomes text nodes: nothing here parses
// strings as HTML, and the page never assigns innerHTML.
import { $, state } from './state.js';

/** Builds an element; string children become text nodes. */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'for') {
      node.setAttribute(key, value === true ? 'true' : value);
    } else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function setError(id, message) {
  $(id).textContent = message || '';
}

export function errorText(error) {
  return (error && error.message) || String(error);
}

/** The name people see: the display name, else the username. */
export function displayName(userId) {
  const profile = state.profiles.get(userId);
  return (profile && (profile.displayName || profile.username)) || ('user ' + userId);
}

export function username(userId) {
  const profile = state.profiles.get(userId);
  return profile ? profile.username : '';
}

/** A person's display name; the username shows on hover. */
export function person(userId, className = 'person') {
  const handle = username(userId);
  return el('span', { class: className, title: handle ? '@' + handle : null, 'data-user-id': userId },
    displayName(userId));
}

// --- dates ------------------------------------------------------------------------------------------------

function startOfDay(ts) {
  const day = new Date(ts);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

export function sameDay(a, b) {
  return startOfDay(a) === startOfDay(b);
}

/** "Today", "Yesterday" or the date, for the separator above a day's first message. */
export function dayLabel(ts) {
  const day = startOfDay(ts);
  const today = new Date(startOfDay(Date.now()));
  if (day === today.getTime()) return 'Today';
  today.setDate(today.getDate() - 1); // not 24 h earlier: a day may have 23 or 25 hours
  if (day === today.getTime()) return 'Yesterday';
  return new Date(ts).toLocaleDateString([], { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
}

/** The time of a message; with its date when it is older than today. */
export function timeLabel(ts) {
  const time = new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (sameDay(ts, Date.now())) return time;
  const sameYear = new Date(ts).getFullYear() === new Date().getFullYear();
  return new Date(ts).toLocaleDateString([], { month: 'short', day: 'numeric', year: sameYear ? undefined : 'numeric' })
    + ' ' + time;
}

export function timeElement(ts) {
  return el('time', { class: 'time', dateTime: new Date(ts).toISOString(), title: new Date(ts).toLocaleString() },
    timeLabel(ts));
}

/** One line of a text, cut to {@code length} characters. */
export function snippet(text, length = 80) {
  const flat = (text || '').replace(/\s+/g, ' ').trim();
  return flat.length > length ? flat.slice(0, length - 1) + '…' : flat;
}

// --- message text -----------------------------------------------------------------------------------------

// @username not glued to a preceding word (as the notifier reads it); a trailing '.' or '-' ends a sentence.
const MENTION = /(?<![\p{L}\p{N}_])@([A-Za-z0-9_.-]{3,32})/gu;

/** Message text as text nodes, with @mentions in spans ("me" when they name the signed-in user). */
export function messageText(text, myUsername) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const name = match[1].replace(/[.-]+$/, '');
    if (name.length < 3) continue;
    const start = match.index;
    fragment.append(text.slice(last, start));
    const mine = myUsername && name.toLowerCase() === myUsername.toLowerCase();
    fragment.append(el('span', { class: mine ? 'mention me' : 'mention' }, '@' + name));
    last = start + 1 + name.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeHtml(text) {
  return text.replace(ENTITY, (all, name, dec, hex) => {
    if (name) return NAMED[name];
    const code = dec ? Number(dec) : parseInt(hex, 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/**
 * A search hit's highlight, which the server sends as HTML-escaped text with <mark></mark> around matches.
 * It is not inserted as HTML: it is split at the markers and each piece unescaped into a text node, so the
 * only elements ever created are the <mark>s, whatever the text holds.
 */
export function highlightNodes(highlight) {
  const fragment = document.createDocumentFragment();
  let marked = false;
  for (const piece of String(highlight).split(/(<mark>|<\/mark>)/)) {
    if (piece === '<mark>') marked = true;
    else if (piece === '</mark>') marked = false;
    else if (piece) fragment.append(marked ? el('mark', null, unescapeHtml(piece)) : unescapeHtml(piece));
  }
  return fragment;
}
