package dev.parley.notifier.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One push request to one subscription: Web Push (RFC 8030 POST of the RFC 8291 body, VAPID, {@code TTL},
 * {@code Urgency}) or a Matrix push gateway; says what the answer means for the queue. Encryption (a key pair
 * and an ECDH per push, about a millisecond of CPU) runs on the node's {@code parley-push-crypto} pool of
 * {@code push.encryptThreads}, the request on the event loop. The pool is small on purpose: a coalescing window
 * that closes for many users at once would otherwise put up to {@code push.maxConcurrent} CPU-bound tasks on the
 * shared worker pool at the same moment, as many runnable threads competing with the event loops for the cores.
 */
final class PushSender {

  /** What happened: sent, the subscription is gone (delete it), retry after {@code retryAfterMs}, or failed. */
  enum Result { SENT, GONE, RETRY, FAILED }

  record Outcome(Result result, long retryAfterMs, String detail) {
    static Outcome of(Result result, String detail) {
      return new Outcome(result, -1, detail);
    }
  }

  static final String CRYPTO_POOL = "parley-push-crypto";

  private final WebClient client;
  private final WorkerExecutor crypto;
  private final VapidSigner vapid;
  private final PushConfig config;

  PushSender(Vertx vertx, VapidSigner vapid, PushConfig config) {
    this.vapid = vapid;
    this.config = config;
    this.crypto = vertx.createSharedWorkerExecutor(CRYPTO_POOL, config.encryptThreads());
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Parley-Push")
        .setConnectTimeout(config.requestTimeoutMs()).setIdleTimeout(60).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(config.maxConcurrent()).setMaxWaitQueueSize(config.queueSize()));
  }

  Future<Outcome> send(JsonObject subscription, JsonObject latest, int count, boolean generic) {
    return "webpush".equals(subscription.getString("kind")) ? webPush(subscription, latest, count, generic)
        : gateway(subscription, latest, count, generic);
  }

  private Future<Outcome> webPush(JsonObject subscription, JsonObject latest, int count, boolean generic) {
    if (vapid == null) {
      return Future.succeededFuture(Outcome.of(Result.FAILED, "Web Push is not configured (no VAPID keys)"));
    }
    URI endpoint = URI.create(subscription.getString("endpoint"));
    JsonObject keys = subscription.getJsonObject("keys");
    byte[] plaintext = PushPayloads.webPush(latest, count, generic).encode().getBytes(StandardCharsets.UTF_8);
    String authorization;
    try {
      authorization = vapid.authorization(endpoint);
    } catch (Exception unsignable) {
      return Future.succeededFuture(Outcome.of(Result.FAILED, "VAPID signing failed: " + unsignable));
    }
    return crypto.executeBlocking(() -> WebPushEncryption.encrypt(plaintext, decode(keys.getString("p256dh")),
            decode(keys.getString("auth"))), false)
        .compose(body -> client.postAbs(endpoint.toString())
            .timeout(config.requestTimeoutMs())
            .putHeader("TTL", String.valueOf(config.ttlSeconds()))
            .putHeader("Urgency", config.urgency())
            .putHeader("Content-Encoding", "aes128gcm")
            .putHeader("Content-Type", "application/octet-stream")
            .putHeader("Authorization", authorization)
            .sendBuffer(Buffer.buffer(body)))
        .map(response -> {
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return Outcome.of(Result.SENT, null);
          }
          if (status == 404 || status == 410) {
            return Outcome.of(Result.GONE, "push service answered " + status);
          }
          return retryOrFail(response);
        })
        .otherwise(this::transportFailure);
  }

  private Future<Outcome> gateway(JsonObject subscription, JsonObject latest, int count, boolean generic) {
    return client.postAbs(subscription.getString("url"))
        .timeout(config.requestTimeoutMs())
        .sendJsonObject(PushPayloads.gateway(latest, count, generic, subscription))
        .map(response -> {
          if (response.statusCode() != 200) {
            return response.statusCode() == 404 ? Outcome.of(Result.GONE, "gateway answered 404")
                : retryOrFail(response);
          }
          JsonObject body;
          try {
            body = response.bodyAsJsonObject();
          } catch (RuntimeException notJson) {
            return Outcome.of(Result.FAILED, "gateway answered 200 without a JSON body");
          }
          boolean rejected = body != null && body.getJsonArray("rejected", new io.vertx.core.json.JsonArray())
              .contains(subscription.getString("pushkey"));
          return rejected ? Outcome.of(Result.GONE, "gateway rejected the pushkey") : Outcome.of(Result.SENT, null);
        })
        .otherwise(this::transportFailure);
  }

  /** 429 and 5xx are worth another try (after {@code Retry-After} if given); other answers are final. */
  private static Outcome retryOrFail(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 429 || status >= 500) {
      return new Outcome(Result.RETRY, retryAfterMs(response.getHeader("Retry-After")), "answered " + status);
    }
    return Outcome.of(Result.FAILED, "answered " + status);
  }

  private Outcome transportFailure(Throwable failure) {
    return failure instanceof IllegalArgumentException || failure instanceof java.security.GeneralSecurityException
        ? Outcome.of(Result.FAILED, failure.getMessage())
        : new Outcome(Result.RETRY, -1, failure.toString());
  }

  private static long retryAfterMs(String header) {
    if (header != null) {
      try {
        return Math.max(0, Long.parseLong(header.trim())) * 1000;
      } catch (NumberFormatException httpDate) {
        // An HTTP-date: the backoff decides instead.
      }
    }
    return -1;
  }

  private static byte[] decode(String base64Url) {
    return Base64.getUrlDecoder().decode(base64Url.replace("=", ""));
  }

  void close() {
    client.close();
    crypto.close();
  }
}
