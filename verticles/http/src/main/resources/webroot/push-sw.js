// Parley's service worker (registered by js/notify-settings.js at /push-sw.js, scope /): shows the Web Push
// notifications the server sends while none of the user's pages is connected. The browser has decrypted the
// payload (RFC 8291) before the push event: {kind, room, seq, sender, title, body, count}; with generic
// content the title and body carry no message text.
'use strict';

/** The notification to show for a push payload: one per room, a newer push replacing the older one. */
function notificationFor(payload) {
  const room = payload.room == null ? null : String(payload.room);
  return {
    title: payload.title || 'Parley',
    options: {
      body: payload.body || '',
      tag: room ? 'parley-room-' + room : 'parley',
      renotify: true,
      data: { room, seq: payload.seq },
    },
  };
}

self.addEventListener('push', (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : {};
  } catch (notJson) {
    payload = {};
  }
  const { title, options } = notificationFor(payload);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { room, seq } = event.notification.data || {};
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      open.postMessage({ type: 'parley.open', room, seq });
      return open.focus();
    }
    const hash = room ? '#room=' + encodeURIComponent(room) + (seq ? '&seq=' + seq : '') : '';
    return self.clients.openWindow('/' + hash);
  }));
});

// A new version takes over at once instead of waiting for every tab to close: it only shows notifications.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
