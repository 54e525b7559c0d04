package dev.parley.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.common.auth.TokenRejected.Reason;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestJwt;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestKeys.TestKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an access token can be wrong is refused, for the right reason; key rotation works. */
class AccessTokensTest {

  private static final String ISS = "parley";
  private static final String AUD = "parley-api";
  private static final TestKey KEY = TestKeys.generate("k1");
  private static final TestKey OTHER = TestKeys.generate("k2");
  private static final TestKey STRANGER = TestKeys.generate("k1");
  private static Vertx vertx;

  private final AccessTokens tokens = new AccessTokens(ISS, AUD, Map.of(
      "k1", (ECPublicKey) KEY.pair().getPublic(),
      "k2", (ECPublicKey) OTHER.pair().getPublic()), 30);

  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  private static JsonObject claims() {
    return TestJwt.claims(ISS, AUD, "42", "session-1");
  }

  private static String signed(JsonObject claims) {
    return TestJwt.sign(TestJwt.header("k1"), claims, KEY.pair().getPrivate());
  }

  private Reason reason(String token) {
    try {
      tokens.verify(token);
    } catch (TokenRejected rejected) {
      if (token != null && token.length() > 3) {
        assertThat(rejected.getMessage()).doesNotContain(token);
      }
      return rejected.reason();
    }
    throw new AssertionError("token was accepted");
  }

  @Test
  void validTokenGivesItsClaims() {
    AccessTokens.Claims claims = tokens.verify(signed(claims()));

    assertThat(claims.userId()).isEqualTo("42");
    assertThat(claims.sessionId()).isEqualTo("session-1");
    assertThat(claims.username()).isEqualTo("user42");
    assertThat(claims.expiresAt()).isGreaterThan(System.currentTimeMillis() / 1000);
  }

  @Test
  void everyVerificationKeyIsAcceptedByKid() {
    String second = TestJwt.sign(TestJwt.header("k2"), claims(), OTHER.pair().getPrivate());

    assertThat(tokens.verify(second).userId()).isEqualTo("42");
  }

  @Test
  void audienceMayBeAListThatContainsOurs() {
    assertThat(tokens.verify(signed(claims().put("aud", new JsonArray().add("other").add(AUD)))).userId())
        .isEqualTo("42");
  }

  @Test
  void algNoneIsRefused() {
    assertThat(reason(TestJwt.unsigned(claims(), "k1"))).isEqualTo(Reason.ALGORITHM);
    // Even with a signature attached, and whatever the capitalization.
    String none = TestJwt.part(new JsonObject().put("alg", "none").put("kid", "k1")) + "." + TestJwt.part(claims())
        + "." + signed(claims()).split("\\.")[2];
    assertThat(reason(none)).isEqualTo(Reason.ALGORITHM);
    assertThat(reason(TestJwt.part(new JsonObject().put("alg", "None").put("kid", "k1")) + "."
        + TestJwt.part(claims()) + ".")).isEqualTo(Reason.ALGORITHM);
    // An ES256 header without a signature.
    assertThat(reason(TestJwt.part(TestJwt.header("k1")) + "." + TestJwt.part(claims()) + "."))
        .isEqualTo(Reason.SIGNATURE);
  }

  @Test
  void hmacSignedWithThePublicKeyIsRefused() throws Exception {
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", "k1");
    String input = TestJwt.part(header) + "." + TestJwt.part(claims());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.pair().getPublic().getEncoded(), "HmacSHA256"));
    String token = input + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));

    assertThat(reason(token)).isEqualTo(Reason.ALGORITHM);
  }

  @Test
  void otherAlgorithmsAreRefused() {
    for (String alg : new String[] {"ES384", "RS256", "PS256", "es256", "EdDSA"}) {
      JsonObject header = TestJwt.header("k1").put("alg", alg);
      assertThat(reason(TestJwt.sign(header, claims(), KEY.pair().getPrivate()))).as(alg).isEqualTo(Reason.ALGORITHM);
    }
    JsonObject noAlg = TestJwt.header("k1");
    noAlg.remove("alg");
    assertThat(reason(TestJwt.sign(noAlg, claims(), KEY.pair().getPrivate()))).isEqualTo(Reason.ALGORITHM);
  }

  @Test
  void wrongKeyWithAKnownKidIsRefused() {
    String forged = TestJwt.sign(TestJwt.header("k1"), claims(), STRANGER.pair().getPrivate());

    assertThat(reason(forged)).isEqualTo(Reason.SIGNATURE);
  }

  @Test
  void unknownOrMissingKidIsRefused() {
    assertThat(reason(TestJwt.sign(TestJwt.header("k9"), claims(), KEY.pair().getPrivate())))
        .isEqualTo(Reason.UNKNOWN_KEY);
    JsonObject noKid = TestJwt.header("k1");
    noKid.remove("kid");
    assertThat(reason(TestJwt.sign(noKid, claims(), KEY.pair().getPrivate()))).isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void tamperedPayloadOrSignatureIsRefused() {
    String[] parts = signed(claims()).split("\\.");
    String otherUser = TestJwt.part(claims().put("sub", "1"));
    assertThat(reason(parts[0] + "." + otherUser + "." + parts[2])).isEqualTo(Reason.SIGNATURE);

    byte[] zeros = new byte[64];
    assertThat(reason(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(zeros)))
        .isEqualTo(Reason.SIGNATURE);
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    byte[] truncated = java.util.Arrays.copyOf(signature, 63);
    assertThat(reason(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(truncated))).isEqualTo(Reason.SIGNATURE);
  }

  @Test
  void theHighSTwinOfAValidSignatureIsRefused() {
    String token = signed(claims());
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    String twin = parts[0] + "." + parts[1] + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(Es256Signatures.twin(signature));
    assertThat(tokens.verify(token).userId()).isEqualTo("42");
    assertThat(reason(twin)).isEqualTo(Reason.SIGNATURE);
  }

  @Test
  void aDerEncodedSignatureIsRefused() throws Exception {
    String input = TestJwt.part(TestJwt.header("k1")) + "." + TestJwt.part(claims());
    java.security.Signature der = java.security.Signature.getInstance("SHA256withECDSA");
    der.initSign(KEY.pair().getPrivate());
    der.update(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(reason(input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(der.sign())))
        .isEqualTo(Reason.SIGNATURE);
  }

  @Test
  void wrongIssuerOrAudienceIsRefused() {
    assertThat(reason(signed(claims().put("iss", "evil")))).isEqualTo(Reason.ISSUER);
    JsonObject noIss = claims();
    noIss.remove("iss");
    assertThat(reason(signed(noIss))).isEqualTo(Reason.ISSUER);
    assertThat(reason(signed(claims().put("aud", "another-api")))).isEqualTo(Reason.AUDIENCE);
    assertThat(reason(signed(claims().put("aud", new JsonArray().add("another-api"))))).isEqualTo(Reason.AUDIENCE);
    JsonObject noAud = claims();
    noAud.remove("aud");
    assertThat(reason(signed(noAud))).isEqualTo(Reason.AUDIENCE);
  }

  @Test
  void everyRequiredClaimMustBePresent() {
    for (String claim : new String[] {"sub", "sid", "preferred_username", "exp", "iat"}) {
      JsonObject claims = claims();
      claims.remove(claim);
      assertThat(reason(signed(claims))).as(claim).isEqualTo(Reason.MISSING_CLAIM);
    }
    assertThat(reason(signed(claims().put("exp", "soon")))).isEqualTo(Reason.MALFORMED);
    assertThat(reason(signed(claims().put("sub", 42)))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void expiredTokensAreRefusedBeyondTheClockSkew() {
    long now = System.currentTimeMillis() / 1000;
    assertThat(reason(signed(claims().put("iat", now - 1000).put("exp", now - 31)))).isEqualTo(Reason.EXPIRED);
    assertThat(tokens.verify(signed(claims().put("iat", now - 1000).put("exp", now - 5))).userId()).isEqualTo("42");
    assertThat(new TokenRejected(Reason.EXPIRED, "x").toParley().getMessage()).isEqualTo("access token expired");
  }

  @Test
  void futureNbfOrIatIsRefused() {
    long now = System.currentTimeMillis() / 1000;
    assertThat(reason(signed(claims().put("nbf", now + 300)))).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(reason(signed(claims().put("iat", now + 300)))).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(tokens.verify(signed(claims().put("nbf", now - 1))).userId()).isEqualTo("42");
  }

  @Test
  void malformedTokensAreRefused() {
    String valid = signed(claims());
    String[] parts = valid.split("\\.");
    for (String token : new String[] {"", "abc", "a.b", parts[0] + "." + parts[1], valid + ".x",
        "!!!." + parts[1] + "." + parts[2], TestJwt.part(new JsonObject()) + "x." + parts[1] + "." + parts[2],
        Base64.getUrlEncoder().encodeToString("null".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2],
        Base64.getUrlEncoder().encodeToString("[1]".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2],
        "x".repeat(AccessTokens.MAX_TOKEN_CHARS + 1)}) {
      assertThat(reason(token)).as(token.length() > 80 ? "long token" : token).isIn(Reason.MALFORMED, Reason.ALGORITHM);
    }
    assertThat(reason(null)).isEqualTo(Reason.MALFORMED);
    JsonObject crit = TestJwt.header("k1").put("crit", new JsonArray().add("exp"));
    assertThat(reason(TestJwt.sign(crit, claims(), KEY.pair().getPrivate()))).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void loadsKeysFromConfigAndRefusesToStartWithout() throws Exception {
    JsonObject auth = new JsonObject().put("issuer", ISS).put("audience", AUD)
        .put("verificationKeys", TestKeys.verificationKeys(KEY, OTHER));
    AccessTokens loaded = Await.result(AccessTokens.load(vertx, Settings.of(new JsonObject().put("auth", auth))));
    assertThat(loaded.verify(signed(claims())).sessionId()).isEqualTo("session-1");

    auth.put("verificationKeys", new JsonArray());
    assertThat(Await.failure(AccessTokens.load(vertx, Settings.of(new JsonObject().put("auth", auth)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.verificationKeys");

    auth.put("verificationKeys", new JsonArray().add(new JsonObject().put("kid", "k1")
        .put("file", dir.resolve("missing.pem").toString())));
    assertThat(Await.failure(AccessTokens.load(vertx, Settings.of(new JsonObject().put("auth", auth)))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.verificationKeys[0].file").hasMessageContaining("missing.pem");

    Path notAKey = Files.writeString(dir.resolve("private.pem"), Files.readString(KEY.privatePem()));
    auth.put("verificationKeys", new JsonArray().add(new JsonObject().put("kid", "k1").put("file", notAKey.toString())));
    assertThat(Await.failure(AccessTokens.load(vertx, Settings.of(new JsonObject().put("auth", auth)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not an EC P-256 public key");

    auth.put("verificationKeys", new JsonArray().add(new JsonObject().put("kid", "k1")));
    assertThatThrownBy(() -> VerificationKeys.files(Settings.of(new JsonObject().put("auth", auth))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.verificationKeys[0]");
  }
}
