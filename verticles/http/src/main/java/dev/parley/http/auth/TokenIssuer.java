package dev.parley.http.auth;

import dev.parley.common.ConfigException;
import dev.parley.common.auth.AccessTokens;
import dev.parley.common.auth.Es256Signatures;
import dev.parley.common.auth.PemKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;

/**
 * Signs access tokens with {@code vertx-auth-jwt}: ES256 JWS with {@code kid}, {@code iss}, {@code aud},
 * {@code sub} (user id), {@code sid} (login session), {@code preferred_username}, {@code iat} and {@code exp}, in
 * the low-S signature form {@link AccessTokens} requires (JCA signs either half). One signing key at a time; its
 * kid must be among the verification keys, so rotating is: add the new public key everywhere, switch the
 * signing key, drop the old public key after one access-token lifetime.
 */
public final class TokenIssuer {

  /** A signed token and how many seconds it lives. */
  public record Issued(String token, long expiresIn) {
  }

  private final String kid;
  private final long ttlSeconds;
  private final Clock clock;
  private final JWTAuth jwt;
  private final JWTOptions options;

  public TokenIssuer(ECPrivateKey key, String kid, String issuer, String audience, long ttlSeconds, Clock clock) {
    this.kid = kid;
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    // Vert.x is only used by JWTAuth to read key stores; this key is already in memory.
    this.jwt = JWTAuth.create(null, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(AccessTokens.ALGORITHM).setId(kid).setBuffer(PemKeys.pem("PRIVATE KEY", key.getEncoded()))));
    // iat and exp come from this issuer's clock, not the library's.
    this.options = new JWTOptions().setAlgorithm(AccessTokens.ALGORITHM).setIssuer(issuer).addAudience(audience)
        .setNoTimestamp(true);
  }

  /**
   * The issuer of {@code auth.signingKeyFile} / {@code auth.signingKeyId}, checked against the verifier: the kid
   * must be a configured verification key and the key pair must match, else the node refuses to start.
   */
  static Future<TokenIssuer> load(Vertx vertx, AuthConfig config, AccessTokens verifier) {
    return vertx.fileSystem().readFile(config.signingKeyFile())
        .recover(failure -> Future.failedFuture(new ConfigException(
            "key 'auth.signingKeyFile': cannot read " + config.signingKeyFile())))
        .compose(pem -> {
          ECPrivateKey key;
          try {
            key = privateKey(pem.toString(StandardCharsets.US_ASCII));
          } catch (IllegalArgumentException bad) {
            return Future.failedFuture(new ConfigException("key 'auth.signingKeyFile': " + config.signingKeyFile()
                + " is not an EC P-256 private key (PKCS#8 PEM)"));
          }
          if (!verifier.knowsKey(config.signingKeyId())) {
            return Future.failedFuture(new ConfigException("key 'auth.signingKeyId': '" + config.signingKeyId()
                + "' is not listed in auth.verificationKeys"));
          }
          TokenIssuer issuer = new TokenIssuer(key, config.signingKeyId(), config.issuer(), config.audience(),
              config.accessTtlSeconds(), Clock.systemUTC());
          try {
            verifier.verify(issuer.issue("0", "self-test", "self-test").token());
          } catch (RuntimeException mismatch) {
            return Future.failedFuture(new ConfigException("key 'auth.signingKeyFile': the key does not match the "
                + "public key of kid '" + config.signingKeyId() + "' in auth.verificationKeys"));
          }
          return Future.succeededFuture(issuer);
        });
  }

  /** An EC P-256 private key from a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----", as openssl pkcs8 -topk8 writes). */
  static ECPrivateKey privateKey(String pem) {
    try {
      PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(PemKeys.der(pem, "PRIVATE KEY"));
      if (!(KeyFactory.getInstance("EC").generatePrivate(spec) instanceof ECPrivateKey key)
          || !PemKeys.isP256(key.getParams())) {
        throw new IllegalArgumentException("not an EC P-256 private key");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException bad) {
      throw new IllegalArgumentException("not an EC P-256 private key in PKCS#8 PEM form", bad);
    }
  }

  public Issued issue(String userId, String sessionId, String username) {
    long now = clock.millis() / 1000;
    JsonObject claims = new JsonObject()
        .put("sub", userId)
        .put("sid", sessionId)
        .put("preferred_username", username)
        .put("iat", now)
        .put("exp", now + ttlSeconds);
    String token = jwt.generateToken(claims, options);
    int dot = token.lastIndexOf('.');
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    return new Issued(token.substring(0, dot + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(Es256Signatures.lowS(signature)), ttlSeconds);
  }

  public String kid() {
    return kid;
  }
}
