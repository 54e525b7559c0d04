// What the page knows, shared by its modules. One object, so every module sees the same current room.
export const state = {
  session: null,         // {user, accessToken, refreshToken}
  config: null,          // {socketUrl}
  rooms: new Map(),      // roomId -> room (+ role, unread, lastMessage)
  profiles: new Map(),   // userId -> {username, displayName?}
  presence: new Map(),   // userId -> 'online' | 'offline'
  mutes: new Set(),      // roomIds the user muted
  current: null,         // the open room, see room.js
};

export const $ = (id) => document.getElementById(id);

export function me() {
  return state.session && state.session.user;
}
