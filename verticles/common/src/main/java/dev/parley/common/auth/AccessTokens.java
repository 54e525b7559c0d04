package dev.parley.common.auth;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.common.auth.TokenRejected.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies Parley access tokens with {@code vertx-auth-jwt}: compact JWS, ES256 only, signed by one of the configured
 * verification keys (picked by {@code kid}, so keys can rotate: the old public key stays listed until its tokens
 * expired). The library checks the signature, {@code iss}, {@code aud} and the times ({@code exp}, {@code nbf},
 * {@code iat}, each with {@code auth.clockSkewSeconds} of leeway); it only holds ES256 keys, so any other
 * {@code alg} finds no key.
 *
 * <p>This wrapper adds what the library does not enforce, before it is asked: {@code alg} exactly {@code ES256}
 * and a {@code kid} it knows (the library would try every key for a token without one), no {@code crit} header,
 * {@code typ} JWT if present, the required claims {@code sub}, {@code sid}, {@code preferred_username},
 * {@code exp} and {@code iat} with their types (the library lets a token without {@code exp} live forever), and
 * the canonical signature form of {@link Es256Signatures} (the library also verifies DER and high-S forms, so one
 * token had several valid strings). When the library refuses, the wrapper names the reason ({@link TokenRejected}).
 *
 * <p>Thread-safe and non-blocking, so any verticle can call it on its event loop; a token that verified once is
 * remembered until it expires. Whether the session was revoked is not a property of the token: ask
 * {@link SessionGuard}.
 */
public final class AccessTokens {

  public static final String ALGORITHM = "ES256";
  /** Longer tokens are refused before any decoding. */
  public static final int MAX_TOKEN_CHARS = 4096;
  /** Tokens remembered as verified; past this many the memory is simply cleared (bounded, ~10 MiB). */
  private static final int VERIFIED_CACHE_SIZE = 10_000;
  private final Map<String, Claims> verified = new ConcurrentHashMap<>();

  /**
   * What a valid token says: who ({@code sub}), which login session ({@code sid}), until when; {@code bot} when it
   * is a bot's API token ({@link BotTokens}), so a send can carry it without looking the sender up.
   */
  public record Claims(String userId, String sessionId, String username, long issuedAt, long expiresAt, boolean bot) {
  }

  private final String issuer;
  private final String audience;
  private final Set<String> kids;
  private final long clockSkewSeconds;
  private final JWTAuth jwt;

  public AccessTokens(String issuer, String audience, Map<String, ECPublicKey> keys, long clockSkewSeconds) {
    if (keys.isEmpty()) {
      throw new ConfigException("key 'auth.verificationKeys' must list at least one key");
    }
    this.issuer = issuer;
    this.audience = audience;
    this.kids = Set.copyOf(keys.keySet());
    this.clockSkewSeconds = clockSkewSeconds;
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setIssuer(issuer).addAudience(audience).setLeeway(Math.toIntExact(clockSkewSeconds)));
    keys.forEach((kid, key) -> options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(kid)
        .setBuffer(PemKeys.pem("PUBLIC KEY", key.getEncoded()))));
    // Vert.x is only used by JWTAuth to read key stores; these keys are already in memory.
    this.jwt = JWTAuth.create(null, options);
  }

  /**
   * Reads {@code auth.issuer}, {@code auth.audience}, {@code auth.clockSkewSeconds} and the keys of
   * {@code auth.verificationKeys} ({@link VerificationKeys}). Fails with a {@link ConfigException} naming the key.
   */
  public static Future<AccessTokens> load(Vertx vertx, Settings settings) {
    String issuer;
    String audience;
    long skew;
    try {
      issuer = settings.string("auth.issuer");
      audience = settings.string("auth.audience");
      skew = settings.integer("auth.clockSkewSeconds", 30);
    } catch (ConfigException bad) {
      return Future.failedFuture(bad);
    }
    return VerificationKeys.read(vertx, settings).map(keys -> new AccessTokens(issuer, audience, keys, skew));
  }

  public String issuer() {
    return issuer;
  }

  public String audience() {
    return audience;
  }

  public boolean knowsKey(String kid) {
    return kids.contains(kid);
  }

  /** The claims of a valid token; anything else throws {@link TokenRejected}. */
  public Claims verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw rejected(Reason.MALFORMED, "token missing or too long");
    }
    // An ES256 verification costs about a millisecond of CPU; a client sends the same token with every request
    // for its 15 minutes. A token that verified once stays valid until it expires (revocation is the session
    // guard's business), so the exact same string is answered from memory after its expiry is checked again.
    Claims known = verified.get(token);
    if (known != null) {
      if (System.currentTimeMillis() / 1000 < known.expiresAt() + clockSkewSeconds) {
        return known;
      }
      verified.remove(token);
      throw rejected(Reason.EXPIRED, "expired");
    }
    Claims claims = verifyFully(token);
    if (verified.size() >= VERIFIED_CACHE_SIZE) {
      verified.clear();
    }
    verified.put(token, claims);
    return claims;
  }

  private Claims verifyFully(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw rejected(Reason.MALFORMED, "not a compact JWS");
    }
    JsonObject header = json(parts[0]);
    if (!(header.getValue("alg") instanceof String alg) || !ALGORITHM.equals(alg)) {
      throw rejected(Reason.ALGORITHM, "algorithm is not " + ALGORITHM);
    }
    if (header.containsKey("crit")) {
      throw rejected(Reason.MALFORMED, "unsupported crit header");
    }
    Object typ = header.getValue("typ");
    if (typ != null && !"JWT".equals(typ)) {
      throw rejected(Reason.MALFORMED, "typ is not JWT");
    }
    if (!(header.getValue("kid") instanceof String kid) || !kids.contains(kid)) {
      throw rejected(Reason.UNKNOWN_KEY, "unknown kid");
    }
    if (!Es256Signatures.canonical(decode(parts[2]))) {
      throw rejected(Reason.SIGNATURE, "not a canonical ES256 signature");
    }
    JsonObject claims = json(parts[1]);
    Claims required = requiredClaims(claims);
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException wrongType) {
      // The library reads claims with typed getters: a claim of another JSON type throws.
      throw rejected(Reason.MALFORMED, "a claim has the wrong type");
    }
    if (!checked.isComplete()) {
      throw new IllegalStateException("JWTAuth answered asynchronously; verify() must decide at once");
    }
    if (checked.failed()) {
      throw refusal(checked.cause(), claims);
    }
    return required;
  }

  /** sub, sid, preferred_username, exp and iat present with their types; nbf a number if present. */
  private static Claims requiredClaims(JsonObject claims) {
    String subject = requiredString(claims, "sub");
    String session = requiredString(claims, "sid");
    String username = requiredString(claims, "preferred_username");
    long exp = requiredNumber(claims, "exp");
    long iat = requiredNumber(claims, "iat");
    if (claims.containsKey("nbf") && !(claims.getValue("nbf") instanceof Number)) {
      throw rejected(Reason.MALFORMED, "nbf is not a number");
    }
    return new Claims(subject, session, username, iat, exp, false);
  }

  /** Why the library refused a token whose form is right: the signature, or which claim. */
  private TokenRejected refusal(Throwable cause, JsonObject claims) {
    if (cause instanceof SignatureException) {
      return rejected(Reason.SIGNATURE, "bad signature");
    }
    Object aud = claims.getValue("aud");
    if (!(aud instanceof String one ? audience.equals(one) : aud instanceof JsonArray many && many.contains(audience))) {
      return rejected(Reason.AUDIENCE, "wrong audience");
    }
    if (!issuer.equals(claims.getValue("iss"))) {
      return rejected(Reason.ISSUER, "wrong issuer");
    }
    long now = System.currentTimeMillis() / 1000;
    if (claims.getLong("exp") + clockSkewSeconds <= now) {
      return rejected(Reason.EXPIRED, "expired");
    }
    return rejected(Reason.NOT_YET_VALID, "not valid yet");
  }

  private static String requiredString(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      throw rejected(Reason.MISSING_CLAIM, "missing " + name);
    }
    if (!(value instanceof String text) || text.isEmpty()) {
      throw rejected(Reason.MALFORMED, name + " is not a non-empty string");
    }
    return text;
  }

  private static long requiredNumber(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      throw rejected(Reason.MISSING_CLAIM, "missing " + name);
    }
    if (!(value instanceof Number number)) {
      throw rejected(Reason.MALFORMED, name + " is not a number");
    }
    return number.longValue();
  }

  private static JsonObject json(String part) {
    Object value;
    try {
      value = Json.decodeValue(new String(decode(part), StandardCharsets.UTF_8));
    } catch (DecodeException notJson) {
      value = null;
    }
    if (!(value instanceof JsonObject object)) {
      throw rejected(Reason.MALFORMED, "part is not a JSON object");
    }
    return object;
  }

  private static byte[] decode(String part) {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException notBase64) {
      throw rejected(Reason.MALFORMED, "part is not base64url");
    }
  }

  private static TokenRejected rejected(Reason reason, String message) {
    return new TokenRejected(reason, message);
  }
}
