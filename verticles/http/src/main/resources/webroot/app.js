/*
 * Parley's browser client: REST (/api/v1) for accounts, rooms, history, search and notifications; the SockJS
 * event-bus bridge for live events, sends, typing and presence. Plain ES modules, no build step. User data
 * only ever reaches the page as text (js/dom.js).
 */
import { $, state, me } from './js/state.js';
import { setError, errorText } from './js/dom.js';
import { request, api, sessionHooks, saveSession, forgetSession, readStoredSession, lastRoom } from './js/api.js';
import * as bridge from './js/bridge.js';
import { loadRooms, renderRooms, roomGone, createRoom, searchPublic, searchPeople } from './js/sidebar.js';
import { openRoom, closeRoom, catchUp, loadOlder, markRead, onMessagesScroll, onOpenRoomEvent } from './js/room.js';
import { submitComposer, onComposerKey, onComposerInput, cancelComposing } from './js/composer.js';
import { setPresence, onPresenceSnapshot, refreshMembers, onMemberUpdated, searchUsersToAdd } from './js/members.js';
import { renderRoomHeader, onRoomUpdated, saveSettings, toggleMute, loadMutes, leaveRoom, deleteRoom } from './js/roominfo.js';
import { loadNotifications, onNotification, markAllRead } from './js/notifications.js';
import { runSearch } from './js/search.js';
import { toggleDrawer, closeDrawers } from './js/drawers.js';
import { setupAttachments } from './js/attachments.js';
import { loadNotifySettings, saveNotifySettings, showQuietFields, showRoomLevel, setRoomLevel, togglePush,
  forgetPushSubscription, followNotificationClicks, openNotifiedRoom } from './js/notify-settings.js';
import { loadPrivacy, saveReceiptSharing } from './js/privacy.js';
import { loadBlocks } from './js/moderation.js';
import { initAdmin, wireAdmin } from './js/admin.js';
import { submitThreadReply } from './js/threads.js';
import { wireIntegrations } from './js/integrations.js';

function show(view) {
  $('auth-view').hidden = view !== 'auth';
  $('chat-view').hidden = view !== 'chat';
  for (const id of ['logout', 'menu', 'search-button', 'notifications-button']) $(id).hidden = view !== 'chat';
  if (view !== 'chat') $('admin-button').hidden = true; // shown again by initAdmin() for administrators
}

// --- accounts ------------------------------------------------------------------------------------------------

async function authenticate(kind) {
  setError('auth-error', '');
  const body = { username: $('username').value.trim(), password: $('password').value };
  const displayName = $('display-name').value.trim();
  if (kind === 'register' && displayName) body.displayName = displayName;
  try {
    saveSession(await request('POST', '/auth/' + kind, body, false));
    $('password').value = '';
    await enter();
  } catch (error) {
    setError('auth-error', errorText(error));
  }
}

async function logout() {
  await forgetPushSubscription();
  try { await api('POST', '/auth/logout'); } catch (ignored) { /* signed out anyway */ }
  signedOut('');
}

function signedOut(message) {
  forgetSession();
  bridge.disconnect();
  closeDrawers(false);
  closeRoom();
  state.rooms.clear();
  $('room-list').replaceChildren();
  $('whoami').textContent = '';
  show('auth');
  setError('auth-error', message);
}

async function enter() {
  const user = me();
  state.profiles.set(user.id, { username: user.username, displayName: user.displayName });
  $('whoami').textContent = user.displayName || user.username;
  $('whoami').title = '@' + user.username;
  show('chat');
  bridge.connect();
  await loadMutes();
  await loadBlocks();
  initAdmin();
  await loadRooms();
  const last = lastRoom.get();
  if (last && state.rooms.has(last)) await openRoom(last);
  openNotifiedRoom();
  loadNotifications();
  loadNotifySettings();
  loadPrivacy();
  searchPublic();
}

// --- live events ------------------------------------------------------------------------------------------

function onRoomEvent(roomId, event) {
  const mine = event.senderId === me().id || event.userId === me().id;
  if (event.type === 'message' || event.type === 'typing') {
    if (!mine) setPresence(event.senderId || event.userId, 'online');
  }
  if (onOpenRoomEvent(roomId, event)) {
    if (event.type === 'member.joined' || event.type === 'member.left') refreshMembers();
  } else if (event.type === 'message' && !mine) {
    const room = state.rooms.get(roomId);
    if (room) { room.unread = (room.unread || 0) + 1; renderRooms(); }
  }
  switch (event.type) {
    case 'presence':
      setPresence(event.userId, event.status);
      break;
    case 'room.updated':
      if (event.member) onMemberUpdated(roomId, event.member);
      else onRoomUpdated(roomId, event);
      if (state.current && state.current.id === roomId) renderRoomHeader();
      break;
    case 'room.deleted':
      roomGone(roomId);
      break;
    default:
      break;
  }
}

function onUserEvent(event) {
  switch (event.type) {
    case 'member.joined':
      loadRooms().then(() => searchPublic());
      break;
    case 'member.left':
    case 'room.deleted':
      roomGone(event.room);
      loadRooms().then(() => searchPublic());
      break;
    case 'notification':
      onNotification(event);
      break;
    case 'presence':
      setPresence(event.userId, event.status);
      break;
    default:
      break;
  }
}

function onBridgeOpen(reconnected) {
  if (reconnected) {
    // Back after a disconnect: what happened meanwhile (unread counts, the open room's missed messages). These
    // reads also find a session revoked meanwhile (401, then the refresh fails and the page signs out); the
    // notifications are read again once the user's events are live (onUserEventsLive).
    loadRooms();
    if (state.current) catchUp(state.current);
  }
  if (state.current) bridge.confirm(state.current.id);
}

/**
 * The user's events now reach the page: rooms I was added to and notifications stored before that are in lists
 * read now.
 */
function onUserEventsLive() {
  loadRooms();
  loadNotifications();
}

// --- start ------------------------------------------------------------------------------------------------

function wire() {
  const on = (id, type, handler) => $(id).addEventListener(type, handler);
  on('auth-form', 'submit', (event) => { event.preventDefault(); authenticate('login'); });
  on('signup', 'click', () => { if ($('auth-form').reportValidity()) authenticate('register'); });
  on('logout', 'click', logout);
  on('menu', 'click', (event) => toggleDrawer('sidebar', event.currentTarget));
  on('search-button', 'click', (event) => toggleDrawer('search-panel', event.currentTarget));
  on('notifications-button', 'click', (event) => toggleDrawer('notifications-panel', event.currentTarget));
  on('info-button', 'click', (event) => {
    renderRoomHeader();
    showRoomLevel();
    toggleDrawer('room-info', event.currentTarget);
  });
  on('backdrop', 'click', () => closeDrawers());
  for (const button of document.querySelectorAll('.drawer .close')) button.addEventListener('click', () => closeDrawers());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && document.querySelector('.drawer.open')) closeDrawers();
  });
  on('create-room', 'submit', createRoom);
  on('public-search', 'submit', searchPublic);
  on('user-search', 'submit', searchPeople);
  on('composer', 'submit', submitComposer);
  setupAttachments();
  on('message-text', 'keydown', onComposerKey);
  on('message-text', 'input', onComposerInput);
  on('composer-cancel', 'click', cancelComposing);
  on('messages', 'scroll', onMessagesScroll);
  on('older', 'click', loadOlder);
  on('mute-toggle', 'click', toggleMute);
  on('room-settings', 'submit', saveSettings);
  on('add-member', 'submit', searchUsersToAdd);
  on('leave-room', 'click', leaveRoom);
  on('delete-room', 'click', deleteRoom);
  on('search-form', 'submit', runSearch);
  on('notif-read-all', 'click', markAllRead);
  on('notify-form', 'submit', saveNotifySettings);
  on('notify-quiet', 'change', showQuietFields);
  on('push-enable', 'click', togglePush);
  on('room-notify-level', 'change', setRoomLevel);
  followNotificationClicks();
  wireAdmin();
  on('thread-form', 'submit', submitThreadReply);
  on('share-receipts', 'change', saveReceiptSharing);
  wireIntegrations();
  document.addEventListener('visibilitychange', markRead);
  Object.assign(bridge.handlers, { roomEvent: onRoomEvent, userEvent: onUserEvent, opened: onBridgeOpen,
    userEventsLive: onUserEventsLive, presence: onPresenceSnapshot });
  sessionHooks.changed = (session) => bridge.setToken(session.accessToken);
  sessionHooks.ended = signedOut;
}

async function start() {
  wire();
  if (typeof EventBus === 'undefined' || typeof SockJS === 'undefined') {
    $('fatal').textContent = 'The real-time libraries are missing (vendor/*.js): run scripts/web-deps and rebuild.';
    $('fatal').hidden = false;
  }
  try {
    state.config = await (await fetch('/client-config.json')).json();
  } catch (error) {
    state.config = { socketUrl: location.protocol + '//' + location.hostname + ':8090/eventbus' };
  }
  const saved = readStoredSession();
  if (saved) {
    state.session = saved;
    try {
      await enter();
      return;
    } catch (error) {
      forgetSession();
    }
  }
  show('auth');
}

start();
