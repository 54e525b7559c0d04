package dev.parley.common.testing;

import dev.parley.common.auth.Es256Signatures;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Builds arbitrary compact JWS strings, valid or deliberately broken, for the bad-token tests: any header and
 * claims, ES256-signed with any key, or unsigned ({@code alg: none}).
 */
public final class TestJwt {

  private TestJwt() {
  }

  /** Claims a Parley node accepts (given the same issuer and audience), valid for 15 minutes from now. */
  public static JsonObject claims(String issuer, String audience, String userId, String sessionId) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject()
        .put("iss", issuer)
        .put("aud", audience)
        .put("sub", userId)
        .put("sid", sessionId)
        .put("preferred_username", "user" + userId)
        .put("iat", now)
        .put("exp", now + 900);
  }

  public static JsonObject header(String kid) {
    return new JsonObject().put("alg", "ES256").put("typ", "JWT").put("kid", kid);
  }

  /** ES256 over header and claims with {@code key}, in the canonical low-S form a Parley issuer sends. */
  public static String sign(JsonObject header, JsonObject claims, PrivateKey key) {
    String input = part(header) + "." + part(claims);
    try {
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(Es256Signatures.lowS(signer.sign()));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** An unsigned token: {@code alg: none} and an empty signature. */
  public static String unsigned(JsonObject claims, String kid) {
    JsonObject header = new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", kid);
    return part(header) + "." + part(claims) + ".";
  }

  public static String part(JsonObject json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
