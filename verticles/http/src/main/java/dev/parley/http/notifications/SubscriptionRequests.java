package dev.parley.http.notifications;

import dev.parley.common.push.P256;
import dev.parley.contract.ParleyException;
import dev.parley.http.Requests;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;

/**
 * The body of {@code POST /push/subscriptions}, checked: a Web Push endpoint with its keys ({@code p256dh} a P-256
 * point, {@code auth} 16 bytes, both base64url) or a Matrix push gateway ({@code url} ending in
 * {@code /_matrix/push/v1/notify}, {@code pushkey}, {@code appId}). URLs must be https unless
 * {@code push.allowInsecureEndpoints}.
 */
final class SubscriptionRequests {

  static final String GATEWAY_PATH = "/_matrix/push/v1/notify";
  private static final int MAX_URL = 2048;

  private final boolean allowInsecure;

  SubscriptionRequests(boolean allowInsecure) {
    this.allowInsecure = allowInsecure;
  }

  JsonObject validate(JsonObject body) {
    String kind = Requests.requiredString(body, "kind");
    return switch (kind) {
      case "webpush" -> webPush(body);
      case "gateway" -> gateway(body);
      default -> throw ParleyException.badRequest("kind", "kind must be webpush or gateway");
    };
  }

  private JsonObject webPush(JsonObject body) {
    String endpoint = url(body, "endpoint");
    if (!(body.getValue("keys") instanceof JsonObject keys)) {
      throw ParleyException.badRequest("keys", "keys {p256dh, auth} are required");
    }
    byte[] point = base64Url(keys, "p256dh");
    try {
      P256.publicKey(point);
    } catch (IllegalArgumentException bad) {
      throw ParleyException.badRequest("keys.p256dh", "keys.p256dh must be a P-256 public key (65 bytes, base64url)");
    }
    if (base64Url(keys, "auth").length != 16) {
      throw ParleyException.badRequest("keys.auth", "keys.auth must be 16 bytes, base64url");
    }
    return new JsonObject().put("kind", "webpush").put("endpoint", endpoint).put("keys", new JsonObject()
        .put("p256dh", keys.getString("p256dh")).put("auth", keys.getString("auth")));
  }

  private JsonObject gateway(JsonObject body) {
    String url = url(body, "url");
    if (!URI.create(url).getPath().endsWith(GATEWAY_PATH)) {
      throw ParleyException.badRequest("url", "url must be a push gateway's " + GATEWAY_PATH);
    }
    return new JsonObject().put("kind", "gateway").put("url", url)
        .put("pushkey", bounded(body, "pushkey", 512)).put("appId", bounded(body, "appId", 128));
  }

  private String url(JsonObject body, String field) {
    String text = Requests.requiredString(body, field);
    try {
      URI uri = new URI(text);
      boolean secure = "https".equals(uri.getScheme());
      if (text.length() <= MAX_URL && uri.getHost() != null && (secure || allowInsecure && "http".equals(uri.getScheme()))) {
        return text;
      }
    } catch (URISyntaxException malformed) {
      // answered below
    }
    throw ParleyException.badRequest(field, field + " must be an https: URL of at most " + MAX_URL + " characters");
  }

  private static String bounded(JsonObject body, String field, int max) {
    String value = Requests.requiredString(body, field);
    if (value.isEmpty() || value.length() > max) {
      throw ParleyException.badRequest(field, field + " must be 1-" + max + " characters");
    }
    return value;
  }

  private static byte[] base64Url(JsonObject keys, String field) {
    if (keys.getValue(field) instanceof String text) {
      try {
        return Base64.getUrlDecoder().decode(text.replace("=", ""));
      } catch (IllegalArgumentException malformed) {
        // answered below
      }
    }
    throw ParleyException.badRequest("keys." + field, "keys." + field + " must be base64url");
  }
}
