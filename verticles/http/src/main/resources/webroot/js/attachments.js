// Attachments (contract v1.1): the attach button and drag-and-drop onto the open room, uploads with a progress
// bar (XMLHttpRequest: fetch reports no upload progress), the tray of files waiting to be sent, and the
// attachments of messages: image thumbnails inline, other files as chips with name and size; a click
// downloads the original. <img> and links cannot send headers: they carry ?token= (the contract's browser form).
import { $, state } from './state.js';
import { el, errorText } from './dom.js';
import { refreshTokens } from './api.js';

const API = '/api/v1';
const MAX_PER_MESSAGE = 10;
const THUMBNAIL_PX = 320;
const IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

let nextKey = 1;
const tray = []; // {key, roomId, file, loaded, attachment?, error?, xhr}

/** Adds the attach button, its file input and the tray to the composer; drops on the open room upload too. */
export function setupAttachments() {
  const input = el('input', { type: 'file', id: 'attach-input', multiple: true, hidden: true, 'aria-label': 'Files to attach' });
  input.addEventListener('change', () => { addFiles(input.files); input.value = ''; });
  const button = el('button', { type: 'button', id: 'attach', class: 'secondary', 'aria-label': 'Attach files',
    title: 'Attach files (or drop them on the room)', onclick: () => input.click() }, '📎');
  $('composer').prepend(button, input);
  $('composer').before(el('ul', { id: 'attachment-tray', 'aria-label': 'files to send', hidden: true }));
  const room = $('room');
  room.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    room.classList.add('dropping');
  });
  room.addEventListener('dragleave', (event) => {
    if (!room.contains(event.relatedTarget)) room.classList.remove('dropping');
  });
  room.addEventListener('drop', (event) => {
    room.classList.remove('dropping');
    if (!carriesFiles(event)) return;
    event.preventDefault();
    addFiles(event.dataTransfer.files);
  });
}

function carriesFiles(event) {
  return event.dataTransfer && [...event.dataTransfer.types].includes('Files');
}

/** Starts uploading files to the open room (at most ten wait in its tray). */
function addFiles(files) {
  const current = state.current;
  if (!current) return;
  for (const file of files) {
    if (waiting(current.id).length >= MAX_PER_MESSAGE) {
      $('room-error').textContent = 'At most ' + MAX_PER_MESSAGE + ' files per message.';
      break;
    }
    const entry = { key: nextKey++, roomId: current.id, file, loaded: 0 };
    tray.push(entry);
    upload(entry);
  }
  renderTray();
}

const waiting = (roomId) => tray.filter((entry) => entry.roomId === roomId);

async function upload(entry) {
  try {
    let answer = await post(entry);
    if (answer.status === 401) {
      await refreshTokens();
      answer = await post(entry);
    }
    if (answer.status !== 201) {
      throw new Error((answer.body && answer.body.error && answer.body.error.message) || 'HTTP ' + answer.status);
    }
    entry.attachment = answer.body;
  } catch (error) {
    if (!tray.includes(entry)) return; // removed while uploading
    entry.error = errorText(error);
  }
  renderTray();
}

/** {@code POST /rooms/{id}/attachments}, one multipart part {@code file}; resolves with {status, body}. */
function post(entry) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    entry.xhr = xhr;
    xhr.open('POST', API + '/rooms/' + encodeURIComponent(entry.roomId) + '/attachments');
    xhr.setRequestHeader('Authorization', 'Bearer ' + state.session.accessToken);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) { entry.loaded = event.loaded / event.total; renderTray(); }
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.response }));
    xhr.addEventListener('error', () => reject(new Error('the upload failed')));
    xhr.addEventListener('abort', () => reject(new Error('cancelled')));
    const form = new FormData();
    form.append('file', entry.file, entry.file.name);
    xhr.send(form);
  });
}

function remove(entry) {
  const at = tray.indexOf(entry);
  if (at >= 0) tray.splice(at, 1);
  if (!entry.attachment && !entry.error && entry.xhr) entry.xhr.abort();
  renderTray();
}

/** The open room's tray: one chip per file, with its progress while it uploads. */
export function renderTray() {
  const list = $('attachment-tray');
  if (!list) return;
  const entries = state.current ? waiting(state.current.id) : [];
  list.hidden = entries.length === 0;
  list.replaceChildren(...entries.map((entry) => {
    const done = Boolean(entry.attachment);
    const status = entry.error ? el('span', { class: 'error' }, 'not uploaded: ' + entry.error)
      : done ? null
        : el('progress', { max: 1, value: entry.loaded, 'aria-label': 'Uploading ' + entry.file.name });
    return el('li', { class: 'file-chip' + (done ? ' uploaded' : '') + (entry.error ? ' failed' : ''),
      'data-name': entry.file.name },
    el('span', { class: 'file-name' }, entry.file.name), ' ',
    el('span', { class: 'file-size' }, sizeText(entry.file.size)), ' ', status,
    el('button', { type: 'button', class: 'remove icon', 'aria-label': 'Remove ' + entry.file.name,
      onclick: () => remove(entry) }, '✕'));
  }));
}

/**
 * What a send in the open room attaches: the uploaded attachments of its tray. Throws while one is still
 * uploading or has failed (the user removes it or waits).
 */
export function attachmentsToSend(roomId) {
  const entries = waiting(roomId);
  if (entries.some((entry) => entry.error)) throw new Error('remove the files that could not be uploaded');
  if (entries.some((entry) => !entry.attachment)) throw new Error('wait until the files are uploaded');
  return entries.map((entry) => entry.attachment);
}

/** Takes the room's uploaded files out of the tray for a send; returns them for {@link putBack}. */
export function takeSent(roomId) {
  const taken = tray.filter((entry) => entry.roomId === roomId && entry.attachment);
  for (const entry of taken) tray.splice(tray.indexOf(entry), 1);
  renderTray();
  return taken;
}

/** A send that failed: its files wait in the tray again. */
export function putBack(taken) {
  tray.push(...taken);
  renderTray();
}

/** A message's attachments, as the message object shows them ({id, name, contentType, size, width?, height?}). */
export function shown(attachments) {
  return attachments.map(({ id, name, contentType, size, width, height }) => ({ id, name, contentType, size, width, height }));
}

// --- in messages ------------------------------------------------------------------------------------------

/** The attachments of a message: thumbnails for images, chips for other files; null when it has none. */
export function attachmentList(m) {
  if (m.deleted || !m.attachments || m.attachments.length === 0) return null;
  return el('ul', { class: 'attachments' }, m.attachments.map((a) => el('li', null,
    IMAGES.has(a.contentType) && a.width ? imageItem(a) : fileChip(a))));
}

function imageItem(a) {
  const scale = Math.min(1, THUMBNAIL_PX / Math.max(a.width, a.height));
  const img = el('img', { src: url(a.id, '/thumbnail'), alt: a.name, loading: 'lazy',
    width: Math.max(1, Math.round(a.width * scale)), height: Math.max(1, Math.round(a.height * scale)) });
  retryOnceWithFreshToken(img, () => url(a.id, '/thumbnail'));
  return el('a', { class: 'attachment-image', href: url(a.id), download: a.name,
    title: a.name + ' (' + sizeText(a.size) + ')', 'data-attachment-id': a.id, onclick: freshHref(a.id) }, img);
}

function fileChip(a) {
  return el('a', { class: 'file-chip', href: url(a.id), download: a.name, 'data-attachment-id': a.id,
    title: 'Download ' + a.name, onclick: freshHref(a.id) },
  el('span', { class: 'file-name' }, a.name), ' ', el('span', { class: 'file-size' }, sizeText(a.size)));
}

/** Links are rendered with the token of their time: a click puts the current one in. */
function freshHref(id) {
  return (event) => { event.currentTarget.href = url(id); };
}

/** A thumbnail that failed because the access token expired (900 s) loads again after a refresh. */
function retryOnceWithFreshToken(img, src) {
  let retried = false;
  img.addEventListener('error', () => {
    if (retried || !tokenExpired()) return;
    retried = true;
    refreshTokens().then(() => { img.src = src(); }).catch(() => {});
  });
}

function tokenExpired() {
  try {
    const claims = JSON.parse(atob(state.session.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return claims.exp * 1000 < Date.now() + 5000;
  } catch (notAJwt) {
    return false;
  }
}

function url(id, rest = '') {
  const token = state.session ? state.session.accessToken : '';
  return API + '/attachments/' + encodeURIComponent(id) + rest + '?token=' + encodeURIComponent(token);
}

/** 1536 → "1.5 KB" (binary units, as the server's limits are). */
function sizeText(bytes) {
  if (bytes < 1024) return bytes + ' B';
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return (value < 10 ? value.toFixed(1) : Math.round(value)) + ' ' + units[unit];
}
