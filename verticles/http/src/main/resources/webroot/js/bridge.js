// The SockJS event-bus bridge: live events of every room (chat.room.<id>) and of the user (chat.user.<me>),
// sends (chat.send), typing (chat.typing) and presence snapshots (chat.presence). Reconnects by itself.
/* global EventBus */
import { $, state } from './state.js';
import { refreshTokens } from './api.js';

const TYPING_SEND_MS = 1200;   // the server passes one typing per room per second (socket.typingIntervalMs)
const TYPING_FRESH_MS = 3000;  // a typing that waited for its room's registration longer than this is stale
const CONFIRM_RETRY_MS = 300;

/** What the page does with the bridge's traffic; set by app.js. */
export const handlers = { roomEvent: () => {}, userEvent: () => {}, opened: () => {}, userEventsLive: () => {},
  presence: () => {} };

const bridge = {
  eb: null,
  wanted: false,         // reconnect when it closes
  wasOpen: false,        // a later open is a reconnect
  delay: 500,
  registered: new Map(), // roomId -> its handler, registered on this connection
  confirmed: new Set(),  // roomIds whose registration the server has put in place (see confirm)
  lastTyping: 0,
  pendingTyping: null,   // {roomId, at}: typing asked for before its room's registration was in place
};

function setConn(stateName, label) {
  $('conn-status').setAttribute('data-state', stateName);
  $('conn-status').textContent = label;
}

export function isOpen() {
  return bridge.eb != null && bridge.eb.state === EventBus.OPEN;
}

const RENEW_BEFORE_MS = 60000;  // the bridge closes a socket whose token has expired (4401): renew first
let renewTimer = null;

/** The token's `exp` in epoch ms, or null if it cannot be read. */
function tokenExpiry(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp * 1000;
  } catch (unreadable) {
    return null;
  }
}

/** Refreshes the login a minute before the access token expires; the new token reaches the bridge via setToken. */
function scheduleRenewal() {
  clearTimeout(renewTimer);
  const exp = state.session && tokenExpiry(state.session.accessToken);
  if (!exp) return;
  renewTimer = setTimeout(() => {
    if (bridge.wanted && state.session) refreshTokens().catch(() => {});
  }, Math.max(5000, exp - Date.now() - RENEW_BEFORE_MS));
}

export function setToken(token) {
  if (bridge.eb) {
    bridge.eb.defaultHeaders = { token };
    // An idle page sends no frames: tell the bridge about the fresh token now (chat.auth adopts it).
    if (isOpen()) bridge.eb.send('chat.auth', {}, { token }, () => {});
  }
  scheduleRenewal();
}

export function connect() {
  if (bridge.eb || !state.session || typeof EventBus === 'undefined') return;
  bridge.wanted = true;
  setConn('connecting', 'connecting…');
  // The token on the URL authenticates the SockJS session; the header repeats it on every frame.
  const eb = new EventBus(state.config.socketUrl + '?token=' + encodeURIComponent(state.session.accessToken),
    { vertxbus_ping_interval: 10000 });
  eb.enableReconnect(false); // reconnects below, each time with a fresh token in the URL
  eb.defaultHeaders = { token: state.session.accessToken };
  bridge.eb = eb;
  bridge.registered = new Map();
  bridge.confirmed = new Set();
  eb.onopen = () => {
    bridge.delay = 500;
    scheduleRenewal();
    setConn('open', 'live');
    eb.registerHandler('chat.user.' + state.session.user.id, (error, message) => {
      if (!error) handlers.userEvent(message.body);
    });
    // A register gets no answer, but the server handles a socket's frames in order: once the next frame is
    // answered, the user's events reach this socket. One sent before then (a room I was added to) is missed,
    // so what those events tell is read again after that answer.
    eb.send('chat.auth', {}, (error) => {
      if (!error && bridge.eb === eb) handlers.userEventsLive();
    });
    registerRooms();
    const reconnected = bridge.wasOpen;
    bridge.wasOpen = true;
    handlers.opened(reconnected);
  };
  eb.onclose = (event) => {
    if (bridge.eb !== eb) return;
    bridge.eb = null;
    setConn('closed', 'offline');
    if (!bridge.wanted) return;
    const delay = bridge.delay;
    bridge.delay = Math.min(bridge.delay * 2, 10000);
    // 4401: the access token expired or the session was revoked; refresh first (a revoked one signs out).
    const unauthorized = event && event.code === 4401;
    setTimeout(() => {
      if (!bridge.wanted || bridge.eb || !state.session) return;
      if (unauthorized) refreshTokens().then(connect, () => {});
      else connect();
    }, delay);
  };
  eb.onerror = (error) => console.warn('bridge error', error);
}

export function disconnect() {
  bridge.wanted = false;
  bridge.wasOpen = false;
  clearTimeout(renewTimer);
  const eb = bridge.eb;
  bridge.eb = null;
  if (eb) { try { eb.close(); } catch (ignored) { /* closing anyway */ } }
  setConn('closed', 'offline');
}

/** Follows every room of the user: live messages for the open one, unread counts for the others. */
export function registerRooms() {
  if (!isOpen()) return;
  const eb = bridge.eb;
  for (const roomId of state.rooms.keys()) {
    if (bridge.registered.has(roomId)) continue;
    const handler = (error, message) => {
      if (error) console.warn('room ' + roomId, error.message || error);
      else handlers.roomEvent(roomId, message.body);
    };
    bridge.registered.set(roomId, handler);
    eb.registerHandler('chat.room.' + roomId, handler);
  }
}

/** Stops following rooms the user is no longer in. */
export function forgetRoom(roomId) {
  const handler = bridge.registered.get(roomId);
  if (!handler) return;
  bridge.registered.delete(roomId);
  bridge.confirmed.delete(roomId);
  if (isOpen()) bridge.eb.unregisterHandler('chat.room.' + roomId, handler);
}

/**
 * Asks the room's presence snapshot. The bridge answers it only once the room's registration is in place
 * (the register frame carries no reply), so a successful answer also confirms the registration; until then
 * typing is held back, because the server drops typing for a room this socket has not registered yet.
 */
export function confirm(roomId, attempts = 10) {
  if (!isOpen()) return;
  const eb = bridge.eb;
  eb.send('chat.presence', { room: roomId }, (error, reply) => {
    if (bridge.eb !== eb) return;
    if (error) {
      if (attempts > 1 && bridge.registered.has(roomId)) setTimeout(() => confirm(roomId, attempts - 1), CONFIRM_RETRY_MS);
      return;
    }
    bridge.confirmed.add(roomId);
    handlers.presence(roomId, reply.body.presence);
    const pending = bridge.pendingTyping;
    if (pending && pending.roomId === roomId) {
      bridge.pendingTyping = null;
      if (Date.now() - pending.at < TYPING_FRESH_MS) sendTyping(roomId);
    }
  });
}

/** "I am typing" for a room, at most once per TYPING_SEND_MS; held until the room is confirmed registered. */
export function typing(roomId) {
  const now = Date.now();
  if (!isOpen() || now - bridge.lastTyping < TYPING_SEND_MS) return;
  if (!bridge.confirmed.has(roomId)) {
    bridge.pendingTyping = { roomId, at: now };
    return;
  }
  sendTyping(roomId);
}

function sendTyping(roomId) {
  bridge.lastTyping = Date.now();
  bridge.eb.send('chat.typing', { room: roomId });
}

/** Sends over the bridge: resolves {seq, msgId, ts}; null when the bridge is not open. */
export function send(roomId, text, clientMsgId) {
  if (!isOpen()) return null;
  const eb = bridge.eb;
  return new Promise((resolve, reject) => {
    eb.send('chat.send', { room: roomId, text, clientMsgId }, (error, reply) => {
      if (error) reject(new Error(bridgeErrorText(error)));
      else resolve(reply.body);
    });
  });
}

function bridgeErrorText(error) {
  // The bridge's failure message is the contract's error object as JSON: {"code", "message", "field"?}.
  try { return JSON.parse(error.message).message || error.message; } catch (notJson) { return error.message || 'failed'; }
}
