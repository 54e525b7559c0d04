package dev.parley.common.auth;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bot API tokens: {@code pbt_} + 32 random bytes (base64url), shown once when the bot is created and stored as
 * their SHA-256 (a random 256-bit secret needs no slow hash). Each token belongs to a login session of the bot, so
 * {@link SessionGuard} decides whether it was revoked, exactly as for access tokens.
 *
 * <p>{@link #resolve} asks persistence who a token is and remembers the answer (bounded, per verticle instance,
 * event-loop confined); revocation is not affected by that memory: the session guard is asked every time.
 */
public final class BotTokens {

  public static final String PREFIX = "pbt_";
  /** How long a bot token's claims say it lasts: sockets opened with it are closed (4401) after this. */
  static final long CLAIMED_LIFETIME_SECONDS = 365L * 24 * 3600;
  private static final int TOKEN_BYTES = 32;
  private static final int REMEMBERED = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ServiceRequests requests;
  private final Map<String, AccessTokens.Claims> known = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, AccessTokens.Claims> eldest) {
      return size() > REMEMBERED;
    }
  };

  public BotTokens(Vertx vertx, long requestTimeoutMs) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
  }

  public static boolean isBotToken(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** A new random token. */
  public static String generate() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** What is stored of a token (or of any random secret): its SHA-256, hex. */
  public static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** The bot and the session a token opens; fails 401 for an unknown token (or a deleted bot's). */
  public Future<AccessTokens.Claims> resolve(String token) {
    if (token.length() > AccessTokens.MAX_TOKEN_CHARS) {
      return Future.failedFuture(unknown());
    }
    String hash = hash(token);
    AccessTokens.Claims remembered = known.get(hash);
    if (remembered != null) {
      return Future.succeededFuture(remembered);
    }
    return requests.<JsonObject>idempotent(Addresses.PERSISTENCE_INTEGRATIONS, IntegrationActions.BOT_TOKEN,
            new JsonObject().put("tokenHash", hash))
        .compose(found -> {
          if (!found.getBoolean("found", false)) {
            return Future.failedFuture(unknown());
          }
          long now = System.currentTimeMillis() / 1000;
          AccessTokens.Claims claims = new AccessTokens.Claims(found.getString("userId"), found.getString("sessionId"),
              found.getString("username"), now, now + CLAIMED_LIFETIME_SECONDS, true);
          known.put(hash, claims);
          return Future.succeededFuture(claims);
        });
  }

  private static ParleyException unknown() {
    return new ParleyException(ErrorCode.UNAUTHORIZED, "unknown or revoked bot token");
  }
}
