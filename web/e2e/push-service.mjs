// A Web Push service for web/e2e/push.test.mjs, written from the RFCs with node:crypto only (independent of
// the server's Java sender): it hands out subscriptions (a P-256 key pair and an auth secret per subscription,
// as a browser's push service would), and for every POST to a subscription's endpoint verifies the VAPID
// token (RFC 8292: ES256 signature with the key in k=, aud, exp, sub) and decrypts the aes128gcm body
// (RFC 8291, RFC 8188) with the subscription's private key and auth secret.
import { createServer } from 'node:http';
import crypto from 'node:crypto';

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');

function publicKeyObject(raw) {
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('not an uncompressed P-256 point');
  return crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33)) }, format: 'jwk',
  });
}

/** RFC 8292: the JWT's signature by the key in k=, and its claims; the key as base64url. */
function verifyVapid(header, endpoint) {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header || '');
  if (!match) throw new Error('Authorization is not "vapid t=..., k=...": ' + header);
  const [, token, key] = match;
  const [head, claims, signature] = token.split('.');
  const jwtHeader = JSON.parse(Buffer.from(head, 'base64url'));
  if (jwtHeader.alg !== 'ES256') throw new Error('alg ' + jwtHeader.alg);
  const signed = crypto.verify('sha256', Buffer.from(head + '.' + claims), {
    key: publicKeyObject(Buffer.from(key, 'base64url')), dsaEncoding: 'ieee-p1363',
  }, Buffer.from(signature, 'base64url'));
  if (!signed) throw new Error('the VAPID signature does not verify with k=');
  const body = JSON.parse(Buffer.from(claims, 'base64url'));
  const now = Date.now() / 1000;
  if (body.aud !== new URL(endpoint).origin) throw new Error('aud ' + body.aud);
  if (!(body.exp > now && body.exp <= now + 24 * 3600)) throw new Error('exp ' + body.exp);
  if (!/^(mailto:|https:)/.test(body.sub || '')) throw new Error('sub ' + body.sub);
  return key;
}

/** RFC 8291 / RFC 8188: one aes128gcm record, decrypted with the subscription's keys; the plaintext. */
function decrypt(body, subscription) {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const secret = subscription.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscription.publicKey, senderKey]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', secret, subscription.auth, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export async function startPushService() {
  const subscriptions = new Map();
  const received = [];
  const waiters = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const id = request.url.split('/').pop();
      const subscription = subscriptions.get(id);
      if (request.method !== 'POST' || !subscription) {
        response.writeHead(404).end();
        return;
      }
      const push = { subscription: id, ttl: request.headers.ttl, urgency: request.headers.urgency };
      try {
        if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding ' + request.headers['content-encoding']);
        if (!/^\d+$/.test(request.headers.ttl || '')) throw new Error('TTL ' + request.headers.ttl);
        push.vapidKey = verifyVapid(request.headers.authorization, subscription.endpoint);
        push.payload = JSON.parse(decrypt(Buffer.concat(chunks), subscription));
        response.writeHead(201).end();
      } catch (error) {
        push.problem = error.message;
        response.writeHead(400).end(error.message);
      }
      received.push(push);
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    received,
    /** A new subscription as PushSubscription.toJSON() gives it. */
    subscribe() {
      const id = crypto.randomUUID();
      const ecdh = crypto.createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const auth = crypto.randomBytes(16);
      const endpoint = `${origin}/push/${id}`;
      subscriptions.set(id, { ecdh, publicKey, auth, endpoint });
      return { endpoint, expirationTime: null, keys: { p256dh: b64url(publicKey), auth: b64url(auth) } };
    },
    /** The first push received after {@code since} pushes that satisfies the test, within the time given. */
    async next(since, ms, accept = () => true) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = received.slice(since).find(accept);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) return null;
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => { clearTimeout(timer); resolve(); });
        });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
