// Integrations (issue 15), for a room's owners and admins: bots (mine, with their API tokens), the room's
// incoming webhooks (a secret URL that posts as a bot) and outgoing webhooks (the room's events POSTed to a URL,
// signed with a secret). Tokens, URLs and secrets are shown once, right after they are made, with a copy button;
// the server never answers them again. Messages a bot sent carry `bot: true` and show a BOT badge.
import { $, state } from './state.js';
import { el, setError, errorText } from './dom.js';
import { api, roomPath } from './api.js';
import { canModerate } from './members.js';
import { toggleDrawer } from './drawers.js';

const EVENTS = ['message', 'message.updated', 'message.deleted', 'reaction'];

/** The BOT badge of a message a bot sent (its token or an incoming webhook). */
export function botBadge(m) {
  return m.bot ? el('span', { class: 'bot-badge', title: 'sent by a bot or a webhook' }, 'BOT') : null;
}

const openRoom = () => state.current && state.rooms.get(state.current.id);

function manageable() {
  const room = openRoom();
  return room != null && room.kind !== 'direct' && canModerate();
}

/** A secret shown once: the value, a copy button, and the warning that it will not be shown again. */
function shownOnce(label, value) {
  const copy = el('button', { type: 'button', class: 'secondary copy' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      copy.textContent = 'Copied';
    } catch (refused) {
      window.getSelection().selectAllChildren(code);
      copy.textContent = 'Select and copy';
    }
  });
  const code = el('code', { class: 'secret-value' }, value);
  $('integrations-once').replaceChildren(el('div', { class: 'secret-once', role: 'status' },
    el('strong', null, label), code, copy, el('small', null, 'Shown once: copy it now.')));
  $('integrations-once').hidden = false;
}

async function call(method, path, body) {
  try {
    const answer = await api(method, path, body);
    setError('integrations-error', '');
    return answer;
  } catch (error) {
    setError('integrations-error', errorText(error));
    return null;
  }
}

function row(text, ...actions) {
  return el('li', null, el('span', { class: 'integration-name' }, text), ...actions);
}

function action(label, onclick, className = 'secondary') {
  return el('button', { type: 'button', class: className, onclick }, label);
}

async function loadBots() {
  const answer = await call('GET', '/bots');
  if (!answer) return;
  const room = openRoom();
  $('bot-list').replaceChildren(...answer.bots.map((bot) => row('@' + bot.username
      + (bot.displayName ? ' (' + bot.displayName + ')' : ''),
    room ? action('Add to room', () => call('POST', roomPath(room.id, '/members'), { userId: bot.id })) : null,
    action('Revoke', async () => {
      if (!window.confirm('Revoke @' + bot.username + '? Its token stops working at once.')) return;
      await call('DELETE', '/bots/' + encodeURIComponent(bot.id));
      loadBots();
    }, 'danger-button'))));
  $('bots-empty').hidden = answer.bots.length > 0;
}

async function loadWebhooks(room) {
  const answer = await call('GET', roomPath(room.id, '/webhooks'));
  if (!answer) return;
  $('webhook-list').replaceChildren(...answer.webhooks.map((hook) => row(hook.name,
    action('Delete', async () => {
      if (!window.confirm('Delete the webhook “' + hook.name + '”? Its URL answers 404 afterwards.')) return;
      await call('DELETE', roomPath(room.id, '/webhooks/' + encodeURIComponent(hook.id)));
      loadWebhooks(room);
    }, 'danger-button'))));
  $('webhooks-empty').hidden = answer.webhooks.length > 0;
}

async function loadHooks(room) {
  const answer = await call('GET', roomPath(room.id, '/hooks'));
  if (!answer) return;
  $('hook-list').replaceChildren(...answer.hooks.map((hook) => {
    const item = row(hook.url + ' — ' + hook.events.join(', '),
      action('Delete', async () => {
        if (!window.confirm('Delete the outgoing webhook to ' + hook.url + '?')) return;
        await call('DELETE', roomPath(room.id, '/hooks/' + encodeURIComponent(hook.id)));
        loadHooks(room);
      }, 'danger-button'));
    if (hook.disabled) {
      item.classList.add('disabled');
      // The API has no re-enable: creating the hook again resumes delivery (from then on).
      item.append(el('small', { class: 'error' }, 'disabled: ' + (hook.disabledReason || 'too many failures')
        + '. Delete it and create it again to resume.'));
    }
    return item;
  }));
  $('hooks-empty').hidden = answer.hooks.length > 0;
}

function load() {
  const room = openRoom();
  $('integrations-once').hidden = true;
  $('integrations-room').textContent = room ? room.name : '';
  loadBots();
  if (room) {
    loadWebhooks(room);
    loadHooks(room);
  }
}

async function createBot(event) {
  event.preventDefault();
  const body = { username: $('bot-username').value.trim() };
  const displayName = $('bot-display-name').value.trim();
  if (displayName) body.displayName = displayName;
  const created = await call('POST', '/bots', body);
  if (!created) return;
  event.target.reset();
  shownOnce('Token of @' + created.bot.username, created.token);
  loadBots();
}

async function createWebhook(event) {
  event.preventDefault();
  const room = openRoom();
  const created = room && await call('POST', roomPath(room.id, '/webhooks'), { name: $('webhook-name').value.trim() });
  if (!created) return;
  event.target.reset();
  shownOnce('Webhook URL', created.url);
  loadWebhooks(room);
}

function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function createHook(event) {
  event.preventDefault();
  const room = openRoom();
  const events = EVENTS.filter((name) => $('hook-event-' + name.replace('.', '-')).checked);
  const secret = $('hook-secret').value || randomSecret();
  const created = room && await call('POST', roomPath(room.id, '/hooks'), { url: $('hook-url').value.trim(), events, secret });
  if (!created) return;
  event.target.reset();
  shownOnce('Signing secret (X-Parley-Signature: HMAC-SHA256 of the body)', secret);
  loadHooks(room);
}

/** The Integrations button (in the room panel, owners and admins of group rooms) and the panel's forms. */
export function wireIntegrations() {
  const button = $('integrations-button');
  $('info-button').addEventListener('click', () => { button.hidden = !manageable(); });
  button.addEventListener('click', () => {
    if (!manageable()) return;
    toggleDrawer('integrations-panel', button);
    load();
  });
  $('bot-form').addEventListener('submit', createBot);
  $('webhook-form').addEventListener('submit', createWebhook);
  $('hook-form').addEventListener('submit', createHook);
}
