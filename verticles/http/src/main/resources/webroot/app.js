/*
 * Parley's browser client: REST (/api/v1) for accounts, rooms and history; the SockJS event-bus bridge for live
 * events (chat.room.<id>, chat.user.<me>), sends (chat.send), typing (chat.typing) and presence (chat.presence).
 * Plain JS, no build step. User data only ever reaches the page as text (textContent / text nodes).
 */
(function () {
  'use strict';

  const API = '/api/v1';
  const STORE = 'parley.session';
  const TYPING_SHOWN_MS = 3000;
  const TYPING_SEND_MS = 1000;
  const PAGE = 50;

  const state = {
    session: null,        // {user, accessToken, refreshToken}
    config: null,         // {socketUrl}
    eb: null,             // EventBus
    ebWanted: false,      // reconnect when the bridge closes
    wasConnected: false,  // the bridge was open before (a later open is a reconnect)
    reconnectDelay: 500,
    rooms: new Map(),     // roomId -> room (+ role, unread)
    registered: new Set(),// chat.room.<id> addresses registered on the current bridge
    current: null,        // {id, messages: Map seq -> message, maxSeq, minSeq, hasMore, loading}
    names: new Map(),     // userId -> username
    presence: new Map(),  // userId -> 'online' | 'offline'
    typing: new Map(),    // userId -> timer (current room)
    lastTypingSent: 0,
    readTimer: null,
  };

  const $ = (id) => document.getElementById(id);

  /** Builds an element; string children become text nodes, so user text is never parsed as HTML. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'class') node.className = value;
      else if (key.startsWith('data-')) node.setAttribute(key, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child != null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(view) {
    $('auth-view').hidden = view !== 'auth';
    $('chat-view').hidden = view !== 'chat';
    $('logout').hidden = view !== 'chat';
  }

  function setError(id, message) {
    $(id).textContent = message || '';
  }

  function errorText(error) {
    return (error && error.message) || String(error);
  }

  // --- REST ------------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || ('HTTP ' + status));
      this.status = status;
      this.code = body && body.error && body.error.code;
    }
  }

  async function request(method, path, body, auth) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth && state.session) headers.Authorization = 'Bearer ' + state.session.accessToken;
    const response = await fetch(API + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (notJson) { json = null; }
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }

  /** An authenticated call; a 401 refreshes the tokens once (single-use refresh tokens rotate) and retries. */
  async function api(method, path, body) {
    try {
      return await request(method, path, body, true);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401 || !state.session) throw error;
      await refreshTokens();
      return request(method, path, body, true);
    }
  }

  let refreshing = null;
  function refreshTokens() {
    // Another tab of this browser may have rotated the tokens already: presenting our used refresh token again
    // would revoke the whole login session, so take theirs.
    const stored = readStoredSession();
    if (stored && state.session && stored.refreshToken !== state.session.refreshToken) {
      state.session = stored;
      if (state.eb) state.eb.defaultHeaders = { token: stored.accessToken };
      return Promise.resolve();
    }
    if (!refreshing) {
      refreshing = request('POST', '/auth/refresh', { refreshToken: state.session.refreshToken }, false)
        .then((session) => saveSession(session))
        .catch((error) => { signedOut('Your session ended, please log in again.'); throw error; })
        .finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  function readStoredSession() {
    try { return JSON.parse(localStorage.getItem(STORE)); } catch (unreadable) { return null; }
  }

  function saveSession(session) {
    state.session = { user: session.user, accessToken: session.accessToken, refreshToken: session.refreshToken };
    localStorage.setItem(STORE, JSON.stringify(state.session));
    if (state.eb) state.eb.defaultHeaders = { token: state.session.accessToken };
  }

  // --- accounts --------------------------------------------------------------------------------------------

  async function authenticate(kind) {
    setError('auth-error', '');
    const username = $('username').value.trim();
    const password = $('password').value;
    const body = { username, password };
    const displayName = $('display-name').value.trim();
    if (kind === 'register' && displayName) body.displayName = displayName;
    try {
      const session = await request('POST', '/auth/' + kind, body, false);
      saveSession(session);
      $('password').value = '';
      await enter();
    } catch (error) {
      setError('auth-error', errorText(error));
    }
  }

  async function logout() {
    try { await api('POST', '/auth/logout'); } catch (ignored) { /* signed out anyway */ }
    signedOut('');
  }

  function signedOut(message) {
    localStorage.removeItem(STORE);
    state.session = null;
    disconnect();
    state.rooms.clear();
    state.current = null;
    state.wasConnected = false;
    $('room-list').replaceChildren();
    $('whoami').textContent = '';
    show('auth');
    setError('auth-error', message);
  }

  async function enter() {
    const me = state.session.user;
    state.names.set(me.id, me.username);
    $('whoami').textContent = me.displayName || me.username;
    show('chat');
    connect();
    await loadRooms();
    await searchPublic();
  }

  // --- rooms -----------------------------------------------------------------------------------------------

  async function loadRooms() {
    try {
      const { rooms } = await api('GET', '/rooms');
      state.rooms = new Map(rooms.map((room) => [room.id, room]));
      if (state.current && state.rooms.has(state.current.id)) state.rooms.get(state.current.id).unread = 0;
      renderRooms();
      registerRooms();
      setError('side-error', '');
    } catch (error) {
      setError('side-error', errorText(error));
    }
  }

  function renderRooms() {
    const items = [...state.rooms.values()].map((room) => {
      const badge = room.unread > 0 ? el('span', { class: 'unread', title: 'unread messages' }, room.unread) : null;
      return el('li', {
        'data-room-id': room.id,
        class: state.current && state.current.id === room.id ? 'active' : '',
        onclick: () => openRoom(room.id),
      }, el('span', { class: 'name' }, room.name), badge);
    });
    $('room-list').replaceChildren(...items);
  }

  async function createRoom(event) {
    event.preventDefault();
    const name = $('new-room-name').value.trim();
    if (!name) return;
    try {
      const room = await api('POST', '/rooms', {
        name, visibility: $('new-room-public').checked ? 'public' : 'private',
      });
      $('new-room-name').value = '';
      await loadRooms();
      await openRoom(room.id);
    } catch (error) {
      setError('side-error', errorText(error));
    }
  }

  async function searchPublic(event) {
    if (event) event.preventDefault();
    try {
      const q = $('public-q').value.trim();
      const { rooms } = await api('GET', '/rooms/public' + (q ? '?q=' + encodeURIComponent(q) : ''));
      const items = rooms.filter((room) => !state.rooms.has(room.id)).map((room) => el('li', { 'data-room-id': room.id },
        el('span', { class: 'name' }, room.name),
        el('button', { type: 'button', class: 'join', onclick: () => joinRoom(room.id) }, 'Join')));
      $('public-list').replaceChildren(...items);
    } catch (error) {
      setError('side-error', errorText(error));
    }
  }

  async function joinRoom(roomId) {
    try {
      await api('POST', '/rooms/' + encodeURIComponent(roomId) + '/join');
      await loadRooms();
      await searchPublic();
      await openRoom(roomId);
    } catch (error) {
      setError('side-error', errorText(error));
    }
  }

  // --- the open room -----------------------------------------------------------------------------------------

  async function openRoom(roomId) {
    const room = state.rooms.get(roomId);
    if (!room) return;
    clearTyping();
    state.current = { id: roomId, messages: new Map(), maxSeq: 0, minSeq: Infinity, hasMore: false, loading: null };
    $('no-room').hidden = true;
    $('room').hidden = false;
    $('room-title').textContent = room.name;
    $('messages').replaceChildren();
    setError('room-error', '');
    renderRooms();
    const current = state.current;
    try {
      const [{ members }] = await Promise.all([
        api('GET', '/rooms/' + encodeURIComponent(roomId) + '/members'),
        loadHistory(current, {}),
      ]);
      if (state.current !== current) return;
      for (const member of members) state.names.set(member.userId, member.username);
      renderMembers(members);
      renderMessages();
      askPresence(roomId);
      markRead();
      $('message-text').focus();
    } catch (error) {
      setError('room-error', errorText(error));
    }
  }

  /** Reads a page of history into the room: {before} for older, {after} to catch up, {} for the latest. */
  async function loadHistory(current, { before, after }) {
    const params = new URLSearchParams({ limit: String(before === undefined && after === undefined ? PAGE : 200) });
    if (before !== undefined) params.set('before', before);
    if (after !== undefined) params.set('after', after);
    const page = await api('GET', '/rooms/' + encodeURIComponent(current.id) + '/messages?' + params);
    if (state.current !== current) return;
    if (before === undefined && after === undefined && page.messages.length > 0) {
      // The latest page: everything up to its last seq is known from here on.
      current.maxSeq = Math.max(current.maxSeq, page.messages[page.messages.length - 1].seq);
    }
    for (const message of page.messages) addMessage(current, message);
    if (after === undefined) current.hasMore = page.hasMore;
    if (after !== undefined && page.hasMore) return loadHistory(current, { after: current.maxSeq });
    renderMessages();
  }

  /**
   * Keeps a message by seq. {@code maxSeq} is the highest seq below which nothing is missing: seqs grow by
   * exactly one per room, so a message above {@code maxSeq + 1} shows a hole that history fills.
   */
  function addMessage(current, message) {
    const known = current.messages.get(message.seq);
    current.messages.set(message.seq, Object.assign(known || {}, message, { pending: false }));
    current.minSeq = Math.min(current.minSeq, message.seq);
    while (current.messages.has(current.maxSeq + 1)) current.maxSeq += 1;
  }

  function hasHole(current) {
    for (const seq of current.messages.keys()) if (seq > current.maxSeq) return true;
    return false;
  }

  /** Fills a hole (missed messages while disconnected, or an event past a gap) from history. */
  function catchUp(current, attempts = 3) {
    if (!current.loading) {
      current.loading = loadHistory(current, { after: current.maxSeq })
        .catch((error) => setError('room-error', errorText(error)))
        .finally(() => {
          current.loading = null;
          markRead();
          if (state.current === current && hasHole(current) && attempts > 1) catchUp(current, attempts - 1);
        });
    }
    return current.loading;
  }

  function renderMessages() {
    const current = state.current;
    if (!current) return;
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const me = state.session.user.id;
    // Stored messages by seq; the ones still being sent after them, oldest first.
    const order = (a, b) => (a.pending !== b.pending ? (a.pending ? 1 : -1) : a.pending ? a.ts - b.ts : a.seq - b.seq);
    const items = [...current.messages.values()].sort(order).map((m) => {
      const classes = [m.senderId === me ? 'mine' : '', m.pending ? 'pending' : '', m.deleted ? 'deleted' : ''];
      return el('li', { 'data-seq': m.seq, 'data-sender': m.senderId, class: classes.join(' ').trim() },
        el('span', { class: 'time' }, new Date(m.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
        el('span', { class: 'sender' }, state.names.get(m.senderId) || ('user ' + m.senderId)),
        el('span', { class: 'text' }, m.deleted ? '(deleted)' : m.text),
        m.editedAt ? el('span', { class: 'time' }, ' (edited)') : null,
        ParleyAttachments.render(m));
    });
    list.replaceChildren(...items);
    $('older').hidden = !current.hasMore;
    if (atBottom || items.length <= PAGE) list.scrollTop = list.scrollHeight;
  }

  function renderMembers(members) {
    const items = members.map((member) => el('li', { 'data-user-id': member.userId },
      el('span', { class: 'dot' + (state.presence.get(member.userId) === 'online' ? ' online' : '') }),
      el('span', { class: 'member-name' }, member.username)));
    $('members').replaceChildren(...items);
  }

  function setPresence(userId, status) {
    state.presence.set(userId, status);
    for (const item of $('members').children) {
      if (item.getAttribute('data-user-id') === userId) {
        item.querySelector('.dot').classList.toggle('online', status === 'online');
        item.title = status;
      }
    }
  }

  function markRead() {
    const current = state.current;
    if (!current || current.maxSeq === 0 || document.hidden) return;
    clearTimeout(state.readTimer);
    state.readTimer = setTimeout(() => {
      api('POST', '/rooms/' + encodeURIComponent(current.id) + '/read', { seq: current.maxSeq }).catch(() => {});
      const room = state.rooms.get(current.id);
      if (room && room.unread) { room.unread = 0; renderRooms(); }
    }, 300);
  }

  async function send(event) {
    event.preventDefault();
    const current = state.current;
    const input = $('message-text');
    const text = input.value;
    const attachments = current ? ParleyAttachments.take() : [];
    if (attachments === null) return setError('room-error', 'Wait until the uploads are done');
    if (!current || (!text.trim() && attachments.length === 0)) return;
    input.value = '';
    const clientMsgId = 'c-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
    const me = state.session.user.id;
    // Shown at once, greyed, until the server stored it; keyed below every real seq until then.
    const pendingKey = -Date.now();
    current.messages.set(pendingKey, { seq: pendingKey, senderId: me, text, ts: Date.now(), pending: true });
    renderMessages();
    try {
      const ack = await sendMessage(current.id, text, clientMsgId, attachments);
      current.messages.delete(pendingKey);
      addMessage(current, { id: ack.msgId, roomId: current.id, seq: ack.seq, senderId: me, text, ts: ack.ts, clientMsgId });
      renderMessages();
      if (hasHole(current)) catchUp(current);
      markRead();
    } catch (error) {
      current.messages.delete(pendingKey);
      renderMessages();
      input.value = text;
      setError('room-error', 'Not sent: ' + errorText(error));
    }
  }

  /** Over the bridge when it is open (reply {seq, msgId, ts}), else over REST; both idempotent on clientMsgId. */
  function sendMessage(roomId, text, clientMsgId, attachments) {
    const eb = state.eb;
    if (eb && eb.state === EventBus.OPEN) {
      return new Promise((resolve, reject) => {
        eb.send('chat.send', { room: roomId, text, clientMsgId, attachments }, (error, reply) => {
          if (error) reject(new Error(bridgeErrorText(error)));
          else resolve(reply.body);
        });
      });
    }
    return api('POST', '/rooms/' + encodeURIComponent(roomId) + '/messages', { text, clientMsgId, attachments })
      .then((message) => ({ seq: message.seq, msgId: message.id, ts: message.ts }));
  }

  function bridgeErrorText(error) {
    // The bridge's failure message is the contract's error object as JSON: {"code", "message", "field"?}.
    try { return JSON.parse(error.message).message || error.message; } catch (notJson) { return error.message || 'failed'; }
  }

  function onTypingInput() {
    const eb = state.eb;
    const now = Date.now();
    if (!state.current || !eb || eb.state !== EventBus.OPEN || now - state.lastTypingSent < TYPING_SEND_MS) return;
    state.lastTypingSent = now;
    eb.send('chat.typing', { room: state.current.id });
  }

  function showTyping(userId) {
    clearTimeout(state.typing.get(userId));
    state.typing.set(userId, setTimeout(() => { state.typing.delete(userId); renderTyping(); }, TYPING_SHOWN_MS));
    renderTyping();
  }

  function clearTyping() {
    state.typing.forEach((timer) => clearTimeout(timer));
    state.typing.clear();
    renderTyping();
  }

  function renderTyping() {
    const names = [...state.typing.keys()].map((id) => state.names.get(id) || ('user ' + id));
    $('typing').textContent = names.length === 0 ? ''
      : names.join(', ') + (names.length === 1 ? ' is typing…' : ' are typing…');
  }

  // --- the event-bus bridge --------------------------------------------------------------------------------

  function setConn(stateName, label) {
    $('conn-status').setAttribute('data-state', stateName);
    $('conn-status').textContent = label;
  }

  function connect() {
    if (state.eb || !state.session) return;
    state.ebWanted = true;
    setConn('connecting', 'connecting…');
    // The token on the URL authenticates the SockJS session; the header repeats it on every frame.
    const url = state.config.socketUrl + '?token=' + encodeURIComponent(state.session.accessToken);
    const eb = new EventBus(url, { vertxbus_ping_interval: 10000 });
    eb.enableReconnect(false); // reconnects below, each time with a fresh token in the URL
    eb.defaultHeaders = { token: state.session.accessToken };
    state.eb = eb;
    state.registered = new Set();
    eb.onopen = () => {
      state.reconnectDelay = 500;
      setConn('open', 'live');
      eb.registerHandler('chat.user.' + state.session.user.id, onUserEvent);
      registerRooms();
      if (state.wasConnected) {
        // Back after a disconnect: what happened meanwhile (unread counts, the open room's missed messages).
        loadRooms();
        if (state.current) catchUp(state.current);
      }
      state.wasConnected = true;
      if (state.current) askPresence(state.current.id);
    };
    eb.onclose = (event) => {
      if (state.eb !== eb) return;
      state.eb = null;
      setConn('closed', 'offline');
      if (!state.ebWanted) return;
      const delay = state.reconnectDelay;
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, 10000);
      // 4401: the access token expired or the session was revoked; refresh first (a revoked one signs out).
      const unauthorized = event && event.code === 4401;
      setTimeout(() => {
        if (!state.ebWanted || state.eb || !state.session) return;
        if (unauthorized) refreshTokens().then(connect, () => {});
        else connect();
      }, delay);
    };
    eb.onerror = (error) => console.warn('bridge error', error);
  }

  function disconnect() {
    state.ebWanted = false;
    const eb = state.eb;
    state.eb = null;
    if (eb) { try { eb.close(); } catch (ignored) { /* closing anyway */ } }
    setConn('closed', 'offline');
  }

  /** Follows every room of the user: live messages for the open one, unread counts for the others. */
  function registerRooms() {
    const eb = state.eb;
    if (!eb || eb.state !== EventBus.OPEN) return;
    for (const roomId of state.rooms.keys()) {
      const address = 'chat.room.' + roomId;
      if (!state.registered.has(address)) {
        state.registered.add(address);
        eb.registerHandler(address, (error, message) => {
          if (error) console.warn('room ' + roomId, error);
          else onRoomEvent(roomId, message.body);
        });
      }
    }
  }

  function askPresence(roomId) {
    const eb = state.eb;
    if (!eb || eb.state !== EventBus.OPEN) return;
    eb.send('chat.presence', { room: roomId }, (error, reply) => {
      if (error || !state.current || state.current.id !== roomId) return;
      for (const p of reply.body.presence) setPresence(p.userId, p.status);
    });
  }

  function onRoomEvent(roomId, event) {
    const current = state.current && state.current.id === roomId ? state.current : null;
    const me = state.session.user.id;
    switch (event.type) {
      case 'message': {
        if (event.senderId !== me) setPresence(event.senderId, 'online');
        if (current) {
          state.typing.delete(event.senderId);
          renderTyping();
          addMessage(current, event);
          if (hasHole(current)) catchUp(current);
          renderMessages();
          markRead();
        } else if (event.senderId !== me) {
          const room = state.rooms.get(roomId);
          if (room) { room.unread = (room.unread || 0) + 1; renderRooms(); }
        }
        break;
      }
      case 'message.updated':
      case 'message.deleted':
        if (current) catchUpOne(current, event);
        break;
      case 'typing':
        if (current && event.userId !== me) { setPresence(event.userId, 'online'); showTyping(event.userId); }
        break;
      case 'presence':
        setPresence(event.userId, event.status);
        break;
      case 'member.joined':
      case 'member.left':
        if (current) refreshMembers(current);
        break;
      case 'room.updated':
      case 'room.deleted':
        loadRooms();
        break;
      default:
        break;
    }
  }

  /** An edit or delete: re-read that message from history. */
  function catchUpOne(current, event) {
    const seq = event.seq;
    if (typeof seq !== 'number') return;
    const before = seq + 1;
    api('GET', '/rooms/' + encodeURIComponent(current.id) + '/messages?before=' + before + '&limit=1').then((page) => {
      if (state.current !== current) return;
      for (const message of page.messages) {
        if (message.deleted) current.messages.set(message.seq, Object.assign({}, message, { text: '' }));
        else addMessage(current, message);
      }
      renderMessages();
    }).catch(() => {});
  }

  async function refreshMembers(current) {
    try {
      const { members } = await api('GET', '/rooms/' + encodeURIComponent(current.id) + '/members');
      if (state.current !== current) return;
      for (const member of members) state.names.set(member.userId, member.username);
      renderMembers(members);
      askPresence(current.id);
    } catch (ignored) { /* the next event tries again */ }
  }

  function onUserEvent(error, message) {
    if (error) return;
    const event = message.body;
    if (event.type === 'member.joined' || event.type === 'member.left' || event.type === 'room.deleted') {
      if (event.type !== 'member.joined' && state.current && state.current.id === event.room) {
        state.current = null;
        $('room').hidden = true;
        $('no-room').hidden = false;
      }
      loadRooms().then(() => searchPublic());
    }
  }

  async function loadOlder() {
    const current = state.current;
    if (!current || current.minSeq === Infinity) return;
    try {
      const page = await api('GET', '/rooms/' + encodeURIComponent(current.id) + '/messages?before=' + current.minSeq
        + '&limit=' + PAGE);
      if (state.current !== current) return;
      for (const message of page.messages) addMessage(current, message);
      current.hasMore = page.hasMore;
      renderMessages();
    } catch (error) {
      setError('room-error', errorText(error));
    }
  }

  // --- start -------------------------------------------------------------------------------------------------

  async function start() {
    $('auth-form').addEventListener('submit', (event) => { event.preventDefault(); authenticate('login'); });
    $('signup').addEventListener('click', () => {
      if ($('auth-form').reportValidity()) authenticate('register');
    });
    $('logout').addEventListener('click', logout);
    $('create-room').addEventListener('submit', createRoom);
    $('public-search').addEventListener('submit', searchPublic);
    $('composer').addEventListener('submit', send);
    ParleyAttachments.mount({ composer: $('composer'), roomId: () => state.current.id,
      token: () => state.session.accessToken, onError: (text) => setError('room-error', text) });
    $('message-text').addEventListener('input', onTypingInput);
    $('older').addEventListener('click', loadOlder);
    document.addEventListener('visibilitychange', markRead);

    if (typeof EventBus === 'undefined' || typeof SockJS === 'undefined') {
      $('fatal').textContent = 'The real-time libraries are missing (vendor/*.js): run scripts/web-deps and rebuild.';
      $('fatal').hidden = false;
    }
    try {
      const response = await fetch('/client-config.json');
      state.config = await response.json();
    } catch (error) {
      state.config = { socketUrl: location.protocol + '//' + location.hostname + ':8090/eventbus' };
    }
    const saved = localStorage.getItem(STORE);
    if (saved) {
      try {
        state.session = JSON.parse(saved);
        await enter();
        return;
      } catch (error) {
        localStorage.removeItem(STORE);
        state.session = null;
      }
    }
    show('auth');
  }

  start();
}());
