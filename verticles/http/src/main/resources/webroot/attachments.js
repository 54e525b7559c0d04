/*
 * Attachments on the chat page (contract v1.1 "Attachments"), kept apart from app.js so each can change alone.
 * app.js calls three things:
 *   ParleyAttachments.mount({ composer, roomId: () => id, token: () => accessToken, onError: (text) => ... })
 *     once, after the page is built: adds the attach button, drag-and-drop onto the composer, progress and chips;
 *   ParleyAttachments.take() when it sends: the ids of the finished uploads (then cleared), for `attachments`;
 *   ParleyAttachments.render(message, accessToken) when it draws a message: an element with the thumbnails and
 *     file chips of message.attachments, or null.
 * Uploads use XMLHttpRequest for its upload progress events; images load with ?token= (an <img> sends no header).
 */
(function () {
  'use strict';

  const IMAGES = ['image/png', 'image/jpeg', 'image/gif', 'image/bmp'];
  let options = null;
  let tray = null;
  /** Uploads of the composer: {file, id?, progress, error?, xhr}. */
  let uploads = [];

  function node(tag, attrs, ...children) {
    const element = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => element.setAttribute(key, value));
    children.filter((child) => child !== null && child !== undefined).forEach((child) =>
      element.append(typeof child === 'string' ? document.createTextNode(child) : child));
    return element;
  }

  function size(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
    return (bytes / (1024 * 1024)).toFixed(1) + ' MiB';
  }

  function url(id, suffix) {
    return '/api/v1/attachments/' + encodeURIComponent(id) + (suffix || '') + '?token=' +
      encodeURIComponent(options.token());
  }

  const STYLE = '#attach-tray{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}'
    + '.chip,.file-chip{display:inline-flex;gap:6px;align-items:center;border:1px solid #ccc;border-radius:12px;'
    + 'padding:2px 8px;font-size:0.9em}.chip.failed{border-color:#c33}.chip-size{color:#666}'
    + '.attachments{display:flex;flex-wrap:wrap;gap:6px;margin-top:4px}.preview{max-width:320px;max-height:320px}'
    + '#composer.dropping{outline:2px dashed #49f}';

  function mount(given) {
    options = given;
    document.head.append(node('style', {}, STYLE));
    const input = node('input', { type: 'file', id: 'attach-input', multiple: '', hidden: '' });
    const button = node('button', { type: 'button', id: 'attach', title: 'Attach files' }, 'Attach');
    tray = node('ul', { id: 'attach-tray', 'aria-label': 'attachments to send' });
    button.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      [...input.files].forEach(upload);
      input.value = '';
    });
    const composer = options.composer;
    composer.prepend(button, input);
    composer.after(tray);
    composer.addEventListener('dragover', (event) => {
      event.preventDefault();
      composer.classList.add('dropping');
    });
    composer.addEventListener('dragleave', () => composer.classList.remove('dropping'));
    composer.addEventListener('drop', (event) => {
      event.preventDefault();
      composer.classList.remove('dropping');
      [...event.dataTransfer.files].forEach(upload);
    });
  }

  function upload(file) {
    const entry = { file, progress: 0, xhr: new XMLHttpRequest() };
    uploads.push(entry);
    const form = new FormData();
    form.append('file', file, file.name);
    const xhr = entry.xhr;
    xhr.open('POST', '/api/v1/rooms/' + encodeURIComponent(options.roomId()) + '/attachments');
    xhr.setRequestHeader('Authorization', 'Bearer ' + options.token());
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) {
        entry.progress = event.loaded / event.total;
        drawTray();
      }
    });
    xhr.addEventListener('load', () => {
      if (xhr.status === 201) {
        entry.id = JSON.parse(xhr.responseText).id;
        entry.progress = 1;
      } else {
        let message = 'upload failed (' + xhr.status + ')';
        try {
          message = JSON.parse(xhr.responseText).error.message;
        } catch (notJson) { /* keep the status */ }
        entry.error = message;
        options.onError(file.name + ': ' + message);
      }
      drawTray();
    });
    xhr.addEventListener('error', () => {
      entry.error = 'network error';
      options.onError(file.name + ': network error');
      drawTray();
    });
    xhr.send(form);
    drawTray();
  }

  function drawTray() {
    tray.replaceChildren(...uploads.map((entry) => {
      const remove = node('button', { type: 'button', class: 'chip-remove', title: 'Remove' }, '×');
      remove.addEventListener('click', () => {
        if (!entry.id && !entry.error) entry.xhr.abort();
        uploads = uploads.filter((other) => other !== entry);
        drawTray();
      });
      const state = entry.error ? 'failed' : entry.id ? 'ready' : 'uploading';
      return node('li', { class: 'chip ' + state, 'data-state': state },
        node('span', { class: 'chip-name' }, entry.file.name),
        node('span', { class: 'chip-size' }, size(entry.file.size)),
        state === 'uploading' ? node('progress', { max: '1', value: String(entry.progress) }) : null,
        remove);
    }));
  }

  /** The finished uploads' ids for the next send, and a clear tray; null while any upload is still running. */
  function take() {
    if (uploads.some((entry) => !entry.id && !entry.error)) return null;
    const ids = uploads.filter((entry) => entry.id).map((entry) => entry.id);
    uploads = [];
    drawTray();
    return ids;
  }

  function render(message) {
    const attachments = message.attachments;
    if (!attachments || attachments.length === 0 || message.deleted) return null;
    return node('div', { class: 'attachments' }, ...attachments.map((attachment) => {
      const link = node('a', { href: url(attachment.id), download: attachment.name, class: 'file-chip',
        'data-attachment-id': attachment.id });
      if (IMAGES.includes(attachment.contentType)) {
        link.append(node('img', { src: url(attachment.id, '/thumbnail'), alt: attachment.name, class: 'preview',
          loading: 'lazy' }));
      } else {
        link.append(node('span', { class: 'chip-name' }, attachment.name),
          node('span', { class: 'chip-size' }, size(attachment.size)));
      }
      return link;
    }));
  }

  window.ParleyAttachments = { mount, take, render };
})();
