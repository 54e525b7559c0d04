// Message search: the server's hits with its highlights (rendered by dom.highlightNodes, never as HTML), in
// the open room or all of the user's rooms; a hit opens its room at that message.
import { $, state } from './state.js';
import { el, setError, errorText, person, timeElement, highlightNodes } from './dom.js';
import { api } from './api.js';
import { jumpTo } from './room.js';
import { closeDrawers } from './drawers.js';

export async function runSearch(event) {
  event.preventDefault();
  const q = $('search-q').value.trim();
  if (!q) return;
  const params = new URLSearchParams({ q, limit: '20' });
  if ($('search-scope').value === 'room' && state.current) params.set('roomId', state.current.id);
  $('search-status').textContent = 'Searching…';
  try {
    const { hits } = await api('GET', '/search?' + params);
    $('hit-list').replaceChildren(...(hits.length === 0
      ? [el('li', { class: 'empty' }, 'No messages match “' + q + '”.')]
      : hits.map(hitItem)));
    $('search-status').textContent = hits.length + (hits.length === 1 ? ' message found' : ' messages found');
    setError('search-error', '');
  } catch (error) {
    $('search-status').textContent = '';
    setError('search-error', errorText(error));
  }
}

function hitItem(hit) {
  const room = state.rooms.get(hit.roomId);
  return el('li', { 'data-room-id': hit.roomId, 'data-seq': hit.seq },
    el('button', { type: 'button', class: 'hit', onclick: () => { closeDrawers(false); jumpTo(hit.roomId, hit.seq); } },
      el('span', { class: 'meta' }, room ? room.name : 'room ' + hit.roomId, ' · ', person(hit.senderId), ' · ', timeElement(hit.ts)),
      el('span', { class: 'highlight' }, highlightNodes(hit.highlight))));
}
