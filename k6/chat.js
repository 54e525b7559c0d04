// Parley chat load test for k6 (https://k6.io), v1.6 or newer (k6/websockets).
//
//   k6 run k6/chat.js                                   # smoke: 10 users against 127.0.0.1
//   k6 run -e STAGES=seed -e TARGETS=10.0.0.5:8080:8090 k6/chat.js
//
// Each virtual user (VU) is one chat user: it registers (or logs in), joins its room, opens the
// WebSocket, waits for `ready`, then sends one message every SEND_INTERVAL_MS and receives the
// messages of its room. A message's text carries its send time, so every receiver measures
// send -> delivery latency; the sender measures send -> ack. Every sender also receives its own
// message (the server delivers a room's messages to all of its members' sockets), which makes loss
// detectable without coordination between VUs: an acknowledged message whose echo never arrives is
// counted in chat_lost. Environment variables and metrics are described in k6/README.md.

import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { setInterval, clearInterval, setTimeout, clearTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';

// --- parameters --------------------------------------------------------------------------------------

const PROFILE = (__ENV.STAGES || (__ENV.USERS ? 'ramp' : 'smoke')).trim();
const TARGETS = parseTargets(__ENV.TARGETS || '127.0.0.1:8080:8090');
const TLS = __ENV.TLS === '1' || __ENV.TLS === 'true';
const ROOM_SIZE = int('ROOM_SIZE', 50);
const SEND_INTERVAL_MS = int('SEND_INTERVAL_MS', PROFILE === 'smoke' ? 2000 : 10000);
const MESSAGE_BYTES = int('MESSAGE_BYTES', 0);
const SESSION_SECONDS = int('SESSION', 300);
const DRAIN_SECONDS = int('DRAIN', 5);
const ACK_TIMEOUT_MS = int('ACK_TIMEOUT_MS', 10000);
const ECHO_TIMEOUT_MS = int('ECHO_TIMEOUT_MS', 10000);
const READY_TIMEOUT_MS = int('READY_TIMEOUT_MS', 10000);
const TOKEN_REFRESH_SECONDS = int('TOKEN_REFRESH', 600);
const PASSWORD = __ENV.PASSWORD || 'load test password';

const STAGES = stagesFor(PROFILE);
const MAX_USERS = Math.max.apply(null, STAGES.map((stage) => stage.target));
const TEST_SECONDS = STAGES.reduce((total, stage) => total + seconds(stage.duration), 0);

export const options = {
  // setup() registers one user and creates the rooms; generous for slow password hashing.
  setupTimeout: '10m',
  scenarios: {
    chat: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: STAGES,
      gracefulRampDown: `${DRAIN_SECONDS + 25}s`,
      gracefulStop: `${DRAIN_SECONDS + 25}s`,
    },
  },
  thresholds: {
    chat_ack_latency: ['p(99)<50'],
    chat_delivery_latency: ['p(99)<100'],
    chat_send_errors: ['rate<0.001'],
    chat_ws_errors: ['rate<0.001'],
    chat_lost: ['count==0'],
    chat_gaps: ['count==0'],
    chat_duplicates: ['count==0'],
    http_req_failed: ['rate<0.01'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
};

// --- metrics -----------------------------------------------------------------------------------------

const ackLatency = new Trend('chat_ack_latency', true);
const deliveryLatency = new Trend('chat_delivery_latency', true);
const readyLatency = new Trend('chat_ready_latency', true);
const sent = new Counter('chat_sent');
const acked = new Counter('chat_acked');
const received = new Counter('chat_received');
const lost = new Counter('chat_lost');
const gaps = new Counter('chat_gaps');
const duplicates = new Counter('chat_duplicates');
const closes = new Counter('chat_ws_closes');
const frameErrors = new Counter('chat_frame_errors');
const sendErrors = new Rate('chat_send_errors');
const wsErrors = new Rate('chat_ws_errors');

// 409 (the user exists from an earlier run) is an expected answer, not a failed request.
http.setResponseCallback(http.expectedStatuses(200, 201, 204, 409));

// --- setup: one owner creates the public rooms every VU joins -------------------------------------------

export function setup() {
  const runId = __ENV.RUN_ID || Date.now().toString(36).slice(-6);
  if (!/^[a-zA-Z0-9_.-]{1,20}$/.test(runId)) {
    throw new Error(`RUN_ID must be 1-20 characters of a-z A-Z 0-9 _ . - (it goes into usernames), not '${runId}'`);
  }
  const target = TARGETS[0];
  const owner = login(target, `k6${runId}_owner`);
  const rooms = [];
  const existing = {};
  const mine = api(target, 'GET', '/rooms', null, owner.token);
  if (mine.status === 200) {
    mine.json('rooms').forEach((room) => {
      existing[room.name] = room.id;
    });
  }
  const count = Math.ceil(MAX_USERS / ROOM_SIZE);
  for (let i = 0; i < count; i++) {
    const name = `k6 ${runId} room ${i}`;
    if (existing[name]) {
      rooms.push(existing[name]);
      continue;
    }
    const created = api(target, 'POST', '/rooms', { name: name, visibility: 'public' }, owner.token);
    if (created.status !== 201) {
      throw new Error(`setup: creating room ${name} answered ${created.status} ${created.body}`);
    }
    rooms.push(created.json('id'));
  }
  console.log(`run ${runId}: ${MAX_USERS} users at most, ${rooms.length} rooms of ${ROOM_SIZE}, ` +
      `profile ${PROFILE}, targets ${TARGETS.map((t) => t.host + ':' + t.httpPort + ':' + t.socketPort).join(',')}`);
  return { runId: runId, rooms: rooms };
}

// --- one VU: state that lives across its iterations (each iteration is one WebSocket session) ----------

let user = null; // {id, token, refreshToken, at}
let joinedRoom = null;

export default function (data) {
  const vu = exec.vu.idInTest;
  const target = TARGETS[(vu - 1) % TARGETS.length];
  const roomId = data.rooms[Math.floor((vu - 1) / ROOM_SIZE) % data.rooms.length];
  if (millisLeft() < 5000) {
    // Too close to the end of the test for another session: wait for the end instead of reconnecting.
    sleep(Math.max(0, millisLeft() + DRAIN_SECONDS * 1000 + 2000) / 1000);
    return;
  }
  if (user === null) {
    // Make the loss counters exist in the summary even when they stay 0.
    lost.add(0);
    gaps.add(0);
    duplicates.add(0);
    user = login(target, `k6${data.runId}_${vu}`);
  } else if (Date.now() - user.at > TOKEN_REFRESH_SECONDS * 1000) {
    user = refresh(target, user, `k6${data.runId}_${vu}`);
  }
  if (joinedRoom !== roomId) {
    const joined = api(target, 'POST', `/rooms/${roomId}/join`, null, user.token);
    if (joined.status !== 200) {
      throw new Error(`join ${roomId} answered ${joined.status} ${joined.body}`);
    }
    joinedRoom = roomId;
  }
  session(target, roomId, vu);
}

/** One WebSocket session: connect, wait for ready, send at the configured rate, drain, close. */
function session(target, roomId, vu) {
  const pendingAcks = {}; // clientMsgId -> send time
  const pendingEchoes = {}; // "room/seq" -> ack time
  const lastSeq = {}; // room -> last seq seen on this socket
  const timers = [];
  let sendTimer = null;
  let readyTimer = null;
  let counter = 0;
  let ready = false;
  let closingByUs = false;
  let failed = false;
  let lastError = '';

  const started = Date.now();
  const ws = new WebSocket(`${TLS ? 'wss' : 'ws'}://${target.host}:${target.socketPort}/ws?token=` +
      encodeURIComponent(user.token));

  function fail(reason) {
    if (!failed && !closingByUs) {
      failed = true;
      wsErrors.add(true);
      console.warn(`VU ${vu}: ${reason}`);
    }
  }

  function send() {
    if (ws.readyState !== 1) {
      return;
    }
    counter++;
    const id = uuid();
    const body = { t: Date.now(), vu: vu, n: counter };
    if (MESSAGE_BYTES > 0) {
      body.pad = 'x'.repeat(MESSAGE_BYTES);
    }
    pendingAcks[id] = Date.now();
    ws.send(JSON.stringify({ type: 'send', id: id, room: roomId, text: JSON.stringify(body) }));
    sent.add(1);
  }

  /** Sends that got no answer and acks whose echo never came, past their timeouts. */
  function expire(ackTimeout, echoTimeout) {
    const now = Date.now();
    Object.keys(pendingAcks).forEach((id) => {
      if (now - pendingAcks[id] >= ackTimeout) {
        delete pendingAcks[id];
        sendErrors.add(true, { code: 'ack_timeout' });
      }
    });
    Object.keys(pendingEchoes).forEach((key) => {
      if (now - pendingEchoes[key] >= echoTimeout) {
        delete pendingEchoes[key];
        lost.add(1);
      }
    });
  }

  function stopTimers() {
    if (sendTimer !== null) {
      clearInterval(sendTimer);
      sendTimer = null;
    }
    if (readyTimer !== null) {
      clearTimeout(readyTimer);
      readyTimer = null;
    }
    timers.forEach((timer) => clearTimeout(timer));
    timers.length = 0;
  }

  function finish() {
    // Stop sending, give answers and echoes DRAIN seconds, then count what is still missing and close.
    if (sendTimer !== null) {
      clearInterval(sendTimer);
      sendTimer = null;
    }
    timers.push(setTimeout(() => {
      expire(0, 0);
      closingByUs = true;
      if (!failed) {
        wsErrors.add(false);
      }
      stopTimers();
      ws.close();
    }, DRAIN_SECONDS * 1000));
  }

  readyTimer = setTimeout(() => {
    readyTimer = null;
    if (!ready) {
      fail(`no ready frame within ${READY_TIMEOUT_MS} ms`);
      closingByUs = true;
      stopTimers();
      ws.close();
    }
  }, READY_TIMEOUT_MS);

  ws.addEventListener('message', (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (notJson) {
      frameErrors.add(1, { code: 'not_json' });
      return;
    }
    const now = Date.now();
    switch (frame.type) {
      case 'ready': {
        ready = true;
        clearTimeout(readyTimer);
        readyTimer = null;
        readyLatency.add(now - started);
        // Spread the first sends over one interval so that VUs do not send in lockstep.
        timers.push(setTimeout(() => {
          send();
          sendTimer = setInterval(send, SEND_INTERVAL_MS);
        }, Math.floor(Math.random() * SEND_INTERVAL_MS)));
        timers.push(setInterval(() => expire(ACK_TIMEOUT_MS, ECHO_TIMEOUT_MS), 1000));
        timers.push(setTimeout(finish, sessionMillis()));
        break;
      }
      case 'ack': {
        const sentAt = pendingAcks[frame.id];
        if (sentAt !== undefined) {
          delete pendingAcks[frame.id];
          ackLatency.add(now - sentAt);
          acked.add(1);
          sendErrors.add(false);
          // The echo may have arrived before the ack; only wait for it when it has not.
          const key = `${frame.room}/${frame.seq}`;
          if (lastSeq[frame.room] === undefined || lastSeq[frame.room] < frame.seq) {
            pendingEchoes[key] = now;
          }
        }
        break;
      }
      case 'message': {
        received.add(1);
        const room = frame.roomId;
        const previous = lastSeq[room];
        if (previous !== undefined && frame.seq <= previous) {
          duplicates.add(1);
          break;
        }
        if (previous !== undefined && frame.seq !== previous + 1) {
          gaps.add(frame.seq - previous - 1);
        }
        lastSeq[room] = frame.seq;
        delete pendingEchoes[`${room}/${frame.seq}`];
        let body = null;
        try {
          body = JSON.parse(frame.text);
        } catch (notOurs) {
          // a message not written by this script
        }
        if (body !== null && typeof body.t === 'number') {
          deliveryLatency.add(now - body.t);
        }
        break;
      }
      case 'error': {
        frameErrors.add(1, { code: String(frame.code) });
        if (frame.id !== undefined && pendingAcks[frame.id] !== undefined) {
          delete pendingAcks[frame.id];
          sendErrors.add(true, { code: String(frame.code) });
        }
        break;
      }
      default:
        // presence, typing, read, member.joined, ...: not measured
        break;
    }
  });

  ws.addEventListener('error', (event) => {
    lastError = String(event.error || '');
  });

  ws.addEventListener('close', (event) => {
    stopTimers();
    // k6 reports the close code on the event (recent k6) or inside the error text ("websocket: close 4409 ...").
    let code = event && event.code ? String(event.code) : '';
    if (!code) {
      const match = /close (\d{4})/.exec(lastError);
      code = match ? match[1] : (lastError ? 'error' : '1000');
    }
    closes.add(1, { code: code });
    if (!closingByUs) {
      fail(`socket closed by the server or network: ${code} ${event && event.reason ? event.reason : lastError}`);
      // Sends in flight on a dropped socket were not acknowledged: a real client would resume and resend.
      Object.keys(pendingAcks).forEach((id) => {
        delete pendingAcks[id];
        sendErrors.add(true, { code: 'closed' });
      });
      // Back off 1-3 s before the next iteration reconnects, so that a refusing server is not hammered.
      setTimeout(() => {}, 1000 + Math.floor(Math.random() * 2000));
    }
  });
}

/** How long this session lasts: SESSION seconds (+-10 %), but ending before the test does. */
function sessionMillis() {
  const jittered = SESSION_SECONDS * 1000 * (0.9 + Math.random() * 0.2);
  return Math.max(1000, Math.min(jittered, millisLeft()));
}

/** Time until sessions must stop sending: the end of the stages, less the drain and a margin. */
function millisLeft() {
  return exec.scenario.startTime + TEST_SECONDS * 1000 - Date.now() - DRAIN_SECONDS * 1000 - 2000;
}

// --- REST helpers --------------------------------------------------------------------------------------

function api(target, method, path, body, token) {
  const params = { headers: { 'Content-Type': 'application/json' }, tags: { name: routeName(method, path) } };
  if (token) {
    params.headers.Authorization = `Bearer ${token}`;
  }
  const url = `${TLS ? 'https' : 'http'}://${target.host}:${target.httpPort}/api/v1${path}`;
  return http.request(method, url, body === null ? null : JSON.stringify(body), params);
}

/** Registers the user, or logs in when it exists; waits out 429 and 503 (password hashing is bounded). */
function login(target, username) {
  const credentials = { username: username, password: PASSWORD };
  for (let attempt = 1; attempt <= 20; attempt++) {
    let response = api(target, 'POST', '/auth/register', credentials, null);
    if (response.status === 409) {
      response = api(target, 'POST', '/auth/login', credentials, null);
    }
    if (response.status === 200 || response.status === 201) {
      return {
        id: response.json('user.id'),
        token: response.json('accessToken'),
        refreshToken: response.json('refreshToken'),
        at: Date.now(),
      };
    }
    if (response.status !== 429 && response.status !== 503 && response.status !== 0) {
      throw new Error(`login ${username}: ${response.status} ${response.body}`);
    }
    const retryAfter = parseInt(response.headers['Retry-After'] || '1', 10);
    sleep(Math.min(isNaN(retryAfter) ? 1 : retryAfter, 30) * (0.5 + Math.random()));
  }
  throw new Error(`login ${username}: still refused after 20 attempts (raise the server's auth rate limits)`);
}

/** A new access token (refresh tokens are single use); logs in again if the session is gone. */
function refresh(target, current, username) {
  const response = api(target, 'POST', '/auth/refresh', { refreshToken: current.refreshToken }, null);
  if (response.status !== 200) {
    return login(target, username);
  }
  return {
    id: current.id,
    token: response.json('accessToken'),
    refreshToken: response.json('refreshToken'),
    at: Date.now(),
  };
}

/** Groups URLs with ids under one name, so that metrics are not split per room. */
function routeName(method, path) {
  return `${method} /api/v1${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}

// --- parameter parsing ------------------------------------------------------------------------------------

function int(name, fallback) {
  const value = __ENV[name];
  if (value === undefined || value === '') {
    return fallback;
  }
  const parsed = parseInt(value, 10);
  if (isNaN(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number, not '${value}'`);
  }
  return parsed;
}

/** host:httpPort:socketPort[,host:httpPort:socketPort...]; the socket port defaults to the HTTP port. */
function parseTargets(value) {
  return value.split(',').map((part) => part.trim()).filter((part) => part.length > 0).map((part) => {
    const pieces = part.split(':');
    if (pieces.length < 2 || isNaN(parseInt(pieces[1], 10))) {
      throw new Error(`TARGETS entries are host:httpPort:socketPort, not '${part}'`);
    }
    return { host: pieces[0], httpPort: parseInt(pieces[1], 10), socketPort: parseInt(pieces[2] || pieces[1], 10) };
  });
}

/**
 * smoke: 10 users for about a minute. seed: the seed plan's five steps, 100 -> 500 -> 1,000 -> 5,000 ->
 * 10,000 concurrent users, each held for a few minutes (10,000 for 5). ramp: USERS users reached in RAMP
 * seconds, held DURATION seconds (the parameters of verticles/loadgen). Anything else: a list of
 * target:duration steps, e.g. "200:1m,200:5m,0:30s".
 */
function stagesFor(profile) {
  if (profile === 'smoke') {
    return [
      { duration: '10s', target: 10 },
      { duration: '40s', target: 10 },
      { duration: '10s', target: 0 },
    ];
  }
  if (profile === 'seed') {
    return [
      { duration: '1m', target: 100 },
      { duration: '2m', target: 100 },
      { duration: '1m', target: 500 },
      { duration: '2m', target: 500 },
      { duration: '1m', target: 1000 },
      { duration: '3m', target: 1000 },
      { duration: '3m', target: 5000 },
      { duration: '3m', target: 5000 },
      { duration: '3m', target: 10000 },
      { duration: '5m', target: 10000 },
      { duration: '1m', target: 0 },
    ];
  }
  if (profile === 'ramp') {
    return [
      { duration: `${int('RAMP', 10)}s`, target: int('USERS', 100) },
      { duration: `${int('DURATION', 60)}s`, target: int('USERS', 100) },
      { duration: '10s', target: 0 },
    ];
  }
  return profile.split(',').map((step) => {
    const parts = step.trim().split(':');
    if (parts.length !== 2 || isNaN(parseInt(parts[0], 10)) || isNaN(seconds(parts[1]))) {
      throw new Error(`STAGES is smoke, seed, ramp or target:duration steps like "100:1m,100:5m,0:30s", not '${profile}'`);
    }
    return { duration: parts[1], target: parseInt(parts[0], 10) };
  });
}

/** "90s", "5m", "1h30m", "1m30s" -> seconds. */
function seconds(duration) {
  const pattern = /(\d+(?:\.\d+)?)(h|m|s)/g;
  let total = 0;
  let matched = '';
  let part;
  while ((part = pattern.exec(duration)) !== null) {
    total += parseFloat(part[1]) * { h: 3600, m: 60, s: 1 }[part[2]];
    matched += part[0];
  }
  return matched === duration && matched !== '' ? total : NaN;
}

function uuid() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16);
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}
