package dev.parley.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.common.auth.AccessTokens;
import dev.parley.common.auth.Es256Signatures;
import dev.parley.common.auth.TokenRejected;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestKeys.TestKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens this node issues verify with the common verifier; a wrong key setup stops the node. */
class TokenIssuerTest {

  private static final TestKey KEY = TestKeys.generate("2025-a");
  private static final TestKey NEXT = TestKeys.generate("2025-b");
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static AccessTokens verifier(TestKey... keys) {
    Map<String, ECPublicKey> map = new java.util.HashMap<>();
    for (TestKey key : keys) {
      map.put(key.kid(), (ECPublicKey) key.pair().getPublic());
    }
    return new AccessTokens("parley", "parley-api", map, 30);
  }

  private static TokenIssuer issuer(TestKey key, Clock clock) {
    return new TokenIssuer((ECPrivateKey) key.pair().getPrivate(), key.kid(), "parley", "parley-api", 900, clock);
  }

  private static JsonObject part(String token, int index) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  @Test
  void issuedTokensCarryEveryClaimAndVerify() {
    TokenIssuer.Issued issued = issuer(KEY, Clock.systemUTC()).issue("42", "sid-1", "alice");

    assertThat(issued.expiresIn()).isEqualTo(900);
    assertThat(part(issued.token(), 0)).isEqualTo(new JsonObject().put("alg", "ES256").put("typ", "JWT")
        .put("kid", "2025-a"));
    JsonObject claims = part(issued.token(), 1);
    assertThat(claims.fieldNames()).containsExactlyInAnyOrder("iss", "aud", "sub", "sid", "preferred_username",
        "iat", "exp");
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(900);

    AccessTokens.Claims verified = verifier(KEY).verify(issued.token());
    assertThat(verified.userId()).isEqualTo("42");
    assertThat(verified.sessionId()).isEqualTo("sid-1");
    assertThat(verified.username()).isEqualTo("alice");
  }

  @Test
  void everyIssuedSignatureIsInTheCanonicalLowSForm() {
    TokenIssuer issuer = issuer(KEY, Clock.systemUTC());
    AccessTokens verifier = verifier(KEY);
    // JCA signs either half of S: 64 tokens all in the lower half do not happen by chance (2^-64).
    for (int i = 0; i < 64; i++) {
      String token = issuer.issue(String.valueOf(i), "s", "u").token();
      assertThat(Es256Signatures.canonical(Base64.getUrlDecoder().decode(token.split("\\.")[2]))).isTrue();
      assertThat(verifier.verify(token).userId()).isEqualTo(String.valueOf(i));
    }
  }

  @Test
  void rotationKeepsOldTokensValidWhileBothKeysAreListed() {
    String old = issuer(KEY, Clock.systemUTC()).issue("1", "s", "u").token();
    String fresh = issuer(NEXT, Clock.systemUTC()).issue("1", "s", "u").token();

    assertThat(verifier(KEY, NEXT).verify(old).userId()).isEqualTo("1");
    assertThat(verifier(KEY, NEXT).verify(fresh).userId()).isEqualTo("1");
    // Once the old public key is dropped, its tokens stop working.
    assertThatThrownBy(() -> verifier(NEXT).verify(old)).isInstanceOf(TokenRejected.class);
  }

  @Test
  void tokensExpireAfterTheirTtl() {
    Clock issuedAt = Clock.fixed(Instant.now().minus(Duration.ofMinutes(16)), ZoneOffset.UTC);
    String token = issuer(KEY, issuedAt).issue("1", "s", "u").token();

    assertThatThrownBy(() -> verifier(KEY).verify(token))
        .isInstanceOfSatisfying(TokenRejected.class, rejected ->
            assertThat(rejected.reason()).isEqualTo(TokenRejected.Reason.EXPIRED));
  }

  @Test
  void loadsTheConfiguredKeyAndRefusesABadSetup() throws Exception {
    JsonObject config = TestConfig.config();
    JsonObject auth = config.getJsonObject("auth")
        .put("signingKeyId", KEY.kid())
        .put("signingKeyFile", KEY.privatePem().toString())
        .put("verificationKeys", TestKeys.verificationKeys(KEY, NEXT));
    AccessTokens verifier = Await.result(AccessTokens.load(vertx, Settings.of(config)));

    TokenIssuer loaded = Await.result(TokenIssuer.load(vertx, AuthConfig.from(Settings.of(config)), verifier));
    assertThat(verifier.verify(loaded.issue("5", "s", "u").token()).userId()).isEqualTo("5");

    auth.put("signingKeyId", "unlisted");
    assertThat(Await.failure(TokenIssuer.load(vertx, AuthConfig.from(Settings.of(config)), verifier)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.signingKeyId");

    auth.put("signingKeyId", NEXT.kid());
    assertThat(Await.failure(TokenIssuer.load(vertx, AuthConfig.from(Settings.of(config)), verifier)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not match");

    auth.put("signingKeyFile", KEY.privatePem() + ".missing");
    assertThat(Await.failure(TokenIssuer.load(vertx, AuthConfig.from(Settings.of(config)), verifier)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.signingKeyFile");

    auth.put("signingKeyFile", KEY.publicPem().toString());
    assertThat(Await.failure(TokenIssuer.load(vertx, AuthConfig.from(Settings.of(config)), verifier)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PKCS#8");
  }

  @Test
  void readsTheOpensslPkcs8Form() throws Exception {
    ECPrivateKey key = TokenIssuer.privateKey(Files.readString(KEY.privatePem()));
    assertThat(key.getS()).isEqualTo(((ECPrivateKey) KEY.pair().getPrivate()).getS());
  }
}
