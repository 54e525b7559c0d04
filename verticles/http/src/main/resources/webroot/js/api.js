// REST (/api/v1) and the login session: tokens in localStorage, one refresh on a 401 (refresh tokens are
// single-use and rotate), and another tab's fresh tokens taken instead of presenting a used refresh token.
import { state } from './state.js';

const API = '/api/v1';
const STORE = 'parley.session';

/** Called with the new session after a refresh (the bridge repeats the token on every frame). */
export const sessionHooks = { changed: () => {}, ended: () => {} };

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.code = body && body.error && body.error.code;
  }
}

export async function request(method, path, body, auth) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && state.session) headers.Authorization = 'Bearer ' + state.session.accessToken;
  const response = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (notJson) { json = null; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** An authenticated call; a 401 refreshes the tokens once and retries. */
export async function api(method, path, body) {
  try {
    return await request(method, path, body, true);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || !state.session) throw error;
    await refreshTokens();
    return request(method, path, body, true);
  }
}

export const roomPath = (roomId, rest = '') => '/rooms/' + encodeURIComponent(roomId) + rest;

let refreshing = null;
export function refreshTokens() {
  const stored = readStoredSession();
  if (stored && state.session && stored.refreshToken !== state.session.refreshToken) {
    state.session = stored;
    sessionHooks.changed(stored);
    return Promise.resolve();
  }
  if (!refreshing) {
    refreshing = request('POST', '/auth/refresh', { refreshToken: state.session.refreshToken }, false)
      .then((session) => saveSession(session))
      .catch((error) => { sessionHooks.ended('Your session ended, please log in again.'); throw error; })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

export function readStoredSession() {
  try { return JSON.parse(localStorage.getItem(STORE)); } catch (unreadable) { return null; }
}

export function saveSession(session) {
  state.session = { user: session.user, accessToken: session.accessToken, refreshToken: session.refreshToken };
  localStorage.setItem(STORE, JSON.stringify(state.session));
  sessionHooks.changed(state.session);
}

export function forgetSession() {
  localStorage.removeItem(STORE);
  state.session = null;
}

/** Remembers the open room per user, so a reload opens it again. */
export const lastRoom = {
  key: () => 'parley.lastRoom.' + state.session.user.id,
  get() { return state.session ? localStorage.getItem(this.key()) : null; },
  set(roomId) { if (state.session) localStorage.setItem(this.key(), roomId); },
  clear() { if (state.session) localStorage.removeItem(this.key()); },
};
