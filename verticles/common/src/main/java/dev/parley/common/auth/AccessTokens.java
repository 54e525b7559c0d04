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
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies Parley access tokens: compact JWS, ES256 only, signed by one of the configured verification keys
 * (picked by {@code kid}, so keys can rotate: the old public key stays listed until its tokens expired).
 *
 * <p>Every token must carry {@code kid} (header), {@code iss} and {@code aud} equal to this deployment's,
 * {@code sub} (user id), {@code sid} (login session), {@code preferred_username}, {@code exp} and {@code iat}.
 * The algorithm is pinned: {@code alg} must be exactly {@code ES256}, so {@code none}, HMAC tricks with a public
 * key and the like never reach a verifier. A token is refused once expired, before its {@code nbf}, or with an
 * {@code iat} in the future (each with {@code auth.clockSkewSeconds} of tolerance).
 *
 * <p>Plain JDK crypto, thread-safe and non-blocking (one P-256 verification is ~0.1 ms), so any verticle can
 * call it on its event loop. Whether the session was revoked is not a property of the token: ask
 * {@link SessionGuard}.
 */
public final class AccessTokens {

  public static final String ALGORITHM = "ES256";
  /** The JCA name of ES256 with the raw r||s signature encoding JWS uses (RFC 7518 section 3.4). */
  public static final String JCA_ALGORITHM = "SHA256withECDSAinP1363Format";
  /** Longer tokens are refused before any decoding. */
  public static final int MAX_TOKEN_CHARS = 4096;
  /** Tokens remembered as verified; past this many the memory is simply cleared (bounded, ~10 MiB). */
  private static final int VERIFIED_CACHE_SIZE = 10_000;
  private final java.util.Map<String, Claims> verified = new java.util.concurrent.ConcurrentHashMap<>();

  /** What a valid token says: who ({@code sub}), which login session ({@code sid}), until when. */
  public record Claims(String userId, String sessionId, String username, long issuedAt, long expiresAt) {
  }

  /** One entry of {@code auth.verificationKeys}. */
  public record KeyFile(String kid, String file, String configKey) {
  }

  private final String issuer;
  private final String audience;
  private final Map<String, ECPublicKey> keys;
  private final long clockSkewSeconds;
  private final Clock clock;

  public AccessTokens(String issuer, String audience, Map<String, ECPublicKey> keys, long clockSkewSeconds,
      Clock clock) {
    if (keys.isEmpty()) {
      throw new ConfigException("key 'auth.verificationKeys' must list at least one key");
    }
    this.issuer = issuer;
    this.audience = audience;
    this.keys = Map.copyOf(keys);
    this.clockSkewSeconds = clockSkewSeconds;
    this.clock = clock;
  }

  /**
   * Reads {@code auth.issuer}, {@code auth.audience}, {@code auth.clockSkewSeconds} and the PEM files of
   * {@code auth.verificationKeys}. Fails with a {@link ConfigException} naming the key when none is configured
   * or a file is missing or not an EC P-256 public key.
   */
  public static Future<AccessTokens> load(Vertx vertx, Settings settings) {
    String issuer;
    String audience;
    long skew;
    List<KeyFile> files;
    try {
      issuer = settings.string("auth.issuer");
      audience = settings.string("auth.audience");
      skew = settings.integer("auth.clockSkewSeconds", 30);
      files = verificationKeyFiles(settings);
    } catch (ConfigException bad) {
      return Future.failedFuture(bad);
    }
    List<Future<ECPublicKey>> reads = new ArrayList<>();
    for (KeyFile file : files) {
      reads.add(vertx.fileSystem().readFile(file.file())
          .recover(failure -> Future.failedFuture(new ConfigException(
              "key '" + file.configKey() + "': cannot read " + file.file())))
          .compose(pem -> {
            try {
              return Future.succeededFuture(PemKeys.publicKey(pem.toString(StandardCharsets.US_ASCII)));
            } catch (IllegalArgumentException bad) {
              return Future.failedFuture(new ConfigException(
                  "key '" + file.configKey() + "': " + file.file() + " is not an EC P-256 public key (SPKI PEM)"));
            }
          }));
    }
    return Future.all(reads).map(all -> {
      Map<String, ECPublicKey> keys = new LinkedHashMap<>();
      for (int i = 0; i < files.size(); i++) {
        keys.put(files.get(i).kid(), reads.get(i).result());
      }
      return new AccessTokens(issuer, audience, keys, skew, Clock.systemUTC());
    });
  }

  /** {@code auth.verificationKeys}: a non-empty list of {@code {kid, file}} with distinct kids. */
  public static List<KeyFile> verificationKeyFiles(Settings settings) {
    Object value = settings.json().getJsonObject("auth") == null ? null
        : settings.json().getJsonObject("auth").getValue("verificationKeys");
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new ConfigException("key 'auth.verificationKeys' must list at least one {kid, file}");
    }
    List<KeyFile> files = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "auth.verificationKeys[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException("key '" + where + "' must be an object {kid, file}");
      }
      Settings one = Settings.of(entry);
      String kid;
      String file;
      try {
        kid = one.string("kid");
        file = one.string("file");
      } catch (ConfigException bad) {
        throw new ConfigException(where + ": " + bad.getMessage());
      }
      if (files.stream().anyMatch(known -> known.kid().equals(kid))) {
        throw new ConfigException("key '" + where + ".kid': duplicate kid '" + kid + "'");
      }
      files.add(new KeyFile(kid, file, where + ".file"));
    }
    return files;
  }

  public String issuer() {
    return issuer;
  }

  public String audience() {
    return audience;
  }

  public boolean knowsKey(String kid) {
    return keys.containsKey(kid);
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
      if (clock.millis() / 1000 < known.expiresAt() + clockSkewSeconds) {
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
    if (!(header.getValue("kid") instanceof String kid) || !keys.containsKey(kid)) {
      throw rejected(Reason.UNKNOWN_KEY, "unknown kid");
    }
    byte[] signature = decode(parts[2]);
    if (!verifySignature(keys.get(kid), (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature)) {
      throw rejected(Reason.SIGNATURE, "bad signature");
    }
    return checkClaims(json(parts[1]));
  }

  private Claims checkClaims(JsonObject claims) {
    if (!(claims.getValue("iss") instanceof String iss) || !issuer.equals(iss)) {
      throw rejected(Reason.ISSUER, "wrong issuer");
    }
    Object aud = claims.getValue("aud");
    boolean audienceOk = aud instanceof String one ? audience.equals(one)
        : aud instanceof JsonArray many && many.contains(audience);
    if (!audienceOk) {
      throw rejected(Reason.AUDIENCE, "wrong audience");
    }
    String subject = requiredString(claims, "sub");
    String session = requiredString(claims, "sid");
    String username = requiredString(claims, "preferred_username");
    long exp = requiredNumber(claims, "exp");
    long iat = requiredNumber(claims, "iat");
    long now = clock.millis() / 1000;
    if (now >= exp + clockSkewSeconds) {
      throw rejected(Reason.EXPIRED, "expired");
    }
    if (claims.containsKey("nbf")) {
      if (!(claims.getValue("nbf") instanceof Number nbf)) {
        throw rejected(Reason.MALFORMED, "nbf is not a number");
      }
      if (nbf.longValue() > now + clockSkewSeconds) {
        throw rejected(Reason.NOT_YET_VALID, "not valid yet");
      }
    }
    if (iat > now + clockSkewSeconds) {
      throw rejected(Reason.NOT_YET_VALID, "issued in the future");
    }
    return new Claims(subject, session, username, iat, exp);
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

  /** ES256 over the signing input; r and s must lie in [1, n-1] (no zero or overflowing values). */
  static boolean verifySignature(ECPublicKey key, byte[] input, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(PemKeys.P256_ORDER) >= 0
        || s.compareTo(PemKeys.P256_ORDER) >= 0) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(JCA_ALGORITHM);
      verifier.initVerify(key);
      verifier.update(input);
      return verifier.verify(signature);
    } catch (GeneralSecurityException bad) {
      return false;
    }
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
