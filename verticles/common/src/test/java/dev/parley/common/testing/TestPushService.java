package dev.parley.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Web Push service and user agent in one, for tests: it owns a subscription's key pair and auth secret (as a
 * browser would), receives pushes over HTTP and checks them as a push service and the browser would: the VAPID
 * JWT (RFC 8292: ES256 signature with the {@code k} key, {@code aud} = this origin, {@code exp} within 24 h,
 * {@code sub}), the headers ({@code TTL}, {@code Content-Encoding: aes128gcm}), and it decrypts the body per
 * RFC 8291 with its own code (JCE HMAC-based HKDF only), independent of the server's sender. It answers with
 * scripted statuses (default 201). Every received push is kept: decrypted JSON, or the reason it was refused.
 */
public final class TestPushService {

  /** A push as received: its decrypted payload (null if refused), the problem found (null if none), headers. */
  public record Received(JsonObject payload, String problem, String ttl, String urgency, String vapidKey) {
  }

  private final KeyPair userAgent;
  private final byte[] authSecret = new byte[16];
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Map.Entry<Integer, Promise<List<Received>>>> waiters = new ArrayList<>();
  private HttpServer server;
  private int port;
  private final String path;

  private TestPushService(String path) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    userAgent = generator.generateKeyPair();
    new SecureRandom().nextBytes(authSecret);
    this.path = path;
  }

  public static Future<TestPushService> start(Vertx vertx) {
    try {
      TestPushService service = new TestPushService("/push/" + TestConfig.RUN_ID);
      return vertx.createHttpServer().requestHandler(service::handle).listen(0, "127.0.0.1").map(server -> {
        service.server = server;
        service.port = server.actualPort();
        return service;
      });
    } catch (Exception impossible) {
      return Future.failedFuture(impossible);
    }
  }

  /** Statuses for the next requests, in order; afterwards 201. */
  public synchronized TestPushService answer(Integer... next) {
    statuses.addAll(Arrays.asList(next));
    return this;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port + path;
  }

  /** The subscription as a browser's {@code PushSubscription.toJSON()} gives it, plus {@code kind}. */
  public JsonObject subscription() {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    return new JsonObject().put("kind", "webpush").put("endpoint", endpoint()).put("keys", new JsonObject()
        .put("p256dh", url.encodeToString(point((ECPublicKey) userAgent.getPublic())))
        .put("auth", url.encodeToString(authSecret)));
  }

  public List<Received> received() {
    return received;
  }

  /** Completes once {@code count} pushes have arrived (with all received by then). */
  public synchronized Future<List<Received>> awaitCount(int count) {
    Promise<List<Received>> promise = Promise.promise();
    waiters.add(Map.entry(count, promise));
    wake();
    return promise.future();
  }

  private synchronized void wake() {
    waiters.removeIf(waiter -> {
      if (received.size() >= waiter.getKey()) {
        waiter.getValue().complete(List.copyOf(received));
        return true;
      }
      return false;
    });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String problem = null;
      JsonObject payload = null;
      String vapidKey = null;
      try {
        vapidKey = verifyVapid(request.getHeader("Authorization"));
        if (!"aes128gcm".equals(request.getHeader("Content-Encoding"))) {
          throw new IllegalStateException("Content-Encoding is " + request.getHeader("Content-Encoding"));
        }
        if (request.getHeader("TTL") == null) {
          throw new IllegalStateException("no TTL header");
        }
        payload = new JsonObject(new String(decrypt(body.getBytes()), StandardCharsets.UTF_8));
      } catch (Exception refused) {
        problem = refused.toString();
      }
      received.add(new Received(payload, problem, request.getHeader("TTL"), request.getHeader("Urgency"), vapidKey));
      int status;
      synchronized (this) {
        status = problem != null ? 400 : statuses.isEmpty() ? 201 : statuses.poll();
      }
      request.response().setStatusCode(status).end().onComplete(done -> wake());
    });
  }

  /** Checks the RFC 8292 header; answers the {@code k} key (base64url). */
  private String verifyVapid(String authorization) throws Exception {
    if (authorization == null || !authorization.startsWith("vapid ")) {
      throw new IllegalStateException("no vapid Authorization header");
    }
    String token = null;
    String key = null;
    for (String part : authorization.substring(6).split(",")) {
      String[] pair = part.trim().split("=", 2);
      if (pair[0].equals("t")) {
        token = pair[1];
      } else if (pair[0].equals("k")) {
        key = pair[1];
      }
    }
    String[] jwt = token.split("\\.");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[0]), StandardCharsets.UTF_8));
    if (!"ES256".equals(header.getString("alg"))) {
      throw new IllegalStateException("alg is " + header.getString("alg"));
    }
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(publicKey(Base64.getUrlDecoder().decode(key)));
    verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    if (!verifier.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
      throw new IllegalStateException("the VAPID signature does not verify");
    }
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
    long now = System.currentTimeMillis() / 1000;
    if (!("http://127.0.0.1:" + port).equals(claims.getString("aud"))) {
      throw new IllegalStateException("aud is " + claims.getString("aud"));
    }
    long exp = claims.getLong("exp", 0L);
    if (exp <= now || exp > now + 24 * 3600) {
      throw new IllegalStateException("exp is not within 24 h: " + exp);
    }
    String sub = claims.getString("sub", "");
    if (!sub.startsWith("mailto:") && !sub.startsWith("https:")) {
      throw new IllegalStateException("sub is " + sub);
    }
    return key;
  }

  /** RFC 8291 section 3.4 and RFC 8188, receiving side. */
  private byte[] decrypt(byte[] body) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    in.get(salt);
    int recordSize = in.getInt();
    byte[] senderKey = new byte[in.get() & 0xff];
    in.get(senderKey);
    byte[] record = new byte[in.remaining()];
    in.get(record);
    if (record.length > recordSize) {
      throw new IllegalStateException("more than one record");
    }
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(userAgent.getPrivate());
    agreement.doPhase(publicKey(senderKey), true);
    byte[] ecdhSecret = agreement.generateSecret();
    byte[] uaPublic = point((ECPublicKey) userAgent.getPublic());
    byte[] prkKey = hmac(authSecret, ecdhSecret);
    byte[] keyInfo = concat("WebPush: info".getBytes(StandardCharsets.US_ASCII), new byte[] {0}, uaPublic, senderKey,
        new byte[] {1});
    byte[] ikm = hmac(prkKey, keyInfo);
    byte[] prk = hmac(salt, ikm);
    byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0, 1})), 16);
    byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce".getBytes(StandardCharsets.US_ASCII),
        new byte[] {0, 1})), 12);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = cipher.doFinal(record);
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new IllegalStateException("no last-record delimiter");
    }
    return Arrays.copyOf(padded, end);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    Buffer buffer = Buffer.buffer();
    for (byte[] part : parts) {
      buffer.appendBytes(part);
    }
    return buffer.getBytes();
  }

  private static byte[] point(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    byte[] x = key.getW().getAffineX().toByteArray();
    byte[] y = key.getW().getAffineY().toByteArray();
    int xl = Math.min(32, x.length);
    int yl = Math.min(32, y.length);
    System.arraycopy(x, x.length - xl, out, 33 - xl, xl);
    System.arraycopy(y, y.length - yl, out, 65 - yl, yl);
    return out;
  }

  private static PublicKey publicKey(byte[] point) throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }
}
