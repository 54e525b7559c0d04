package dev.parley.notifier.push;

import dev.parley.common.push.VapidKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code Authorization: vapid t=<JWT>, k=<public key>} header of RFC 8292: an ES256 JWT with the push
 * service's origin as {@code aud}, {@code exp} 12 h ahead (the limit is 24 h) and {@code push.vapid.subject}
 * as {@code sub}. One token per origin is reused until half its lifetime has passed, so the sign cost is paid
 * once per push service, not per push. Confined to one event loop (not thread safe).
 */
final class VapidSigner {

  static final long LIFETIME_SECONDS = 12 * 3600;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = BASE64URL.encodeToString(
      "{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));

  private record Token(String header, long renewAt) {
  }

  private final VapidKeys keys;
  private final Clock clock;
  private final String publicKey;
  private final Map<String, Token> byOrigin = new HashMap<>();

  VapidSigner(VapidKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
    this.publicKey = keys.publicKeyBase64Url();
  }

  String authorization(URI endpoint) throws GeneralSecurityException {
    String origin = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
    long now = clock.millis() / 1000;
    Token token = byOrigin.get(origin);
    if (token == null || now >= token.renewAt()) {
      if (byOrigin.size() > 1000) {
        byOrigin.clear();
      }
      token = new Token("vapid t=" + jwt(origin, now + LIFETIME_SECONDS) + ", k=" + publicKey,
          now + LIFETIME_SECONDS / 2);
      byOrigin.put(origin, token);
    }
    return token.header();
  }

  private String jwt(String audience, long expires) throws GeneralSecurityException {
    String claims = BASE64URL.encodeToString(new JsonObject().put("aud", audience).put("exp", expires)
        .put("sub", keys.subject()).encode().getBytes(StandardCharsets.UTF_8));
    String signingInput = HEADER + "." + claims;
    // JWS wants the raw r||s form (64 bytes), which is what the P1363 variant produces.
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(keys.privateKey());
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + BASE64URL.encodeToString(signer.sign());
  }
}
