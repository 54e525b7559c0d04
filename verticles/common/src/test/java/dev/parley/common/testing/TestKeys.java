package dev.parley.common.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * EC P-256 key pairs for tests, written as PEM files to a temp directory (PKCS#8 private, SPKI public, the same
 * forms scripts/run generates with openssl), so tests never depend on conf/dev-keys.
 */
public final class TestKeys {

  /** The pair every test node of this JVM signs with (kid {@link #KID}). */
  public static final String KID = "test-" + TestConfig.RUN_ID;
  private static TestKey shared;
  private static TestKey vapid;

  /** A key pair with its kid and PEM files. */
  public record TestKey(String kid, KeyPair pair, Path privatePem, Path publicPem) {
  }

  private TestKeys() {
  }

  public static synchronized TestKey shared() {
    if (shared == null) {
      shared = generate(KID);
    }
    return shared;
  }

  /** The VAPID pair (Web Push) of every test node of this JVM. */
  public static synchronized TestKey vapid() {
    if (vapid == null) {
      vapid = generate("vapid-" + TestConfig.RUN_ID);
    }
    return vapid;
  }

  public static TestKey generate(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      Path dir = TestConfig.tempDir("keys");
      Path privatePem = dir.resolve(kid + "-private.pem");
      Path publicPem = dir.resolve(kid + "-public.pem");
      Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
      Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
      return new TestKey(kid, pair, privatePem, publicPem);
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    } catch (IOException unwritable) {
      throw new UncheckedIOException(unwritable);
    }
  }

  public static String pem(String type, byte[] der) {
    return dev.parley.common.auth.PemKeys.pem(type, der);
  }

  /** {@code auth.verificationKeys} listing these keys. */
  public static JsonArray verificationKeys(TestKey... keys) {
    JsonArray array = new JsonArray();
    for (TestKey key : keys) {
      array.add(new JsonObject().put("kid", key.kid()).put("file", key.publicPem().toString()));
    }
    return array;
  }

  /** The PARLEY_AUTH_* variables that make a node sign with {@code signing} and accept all of {@code accepted}. */
  public static Map<String, String> environment(TestKey signing, TestKey... accepted) {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_AUTH_SIGNINGKEYID", signing.kid());
    env.put("PARLEY_AUTH_SIGNINGKEYFILE", signing.privatePem().toString());
    env.put("PARLEY_AUTH_VERIFICATIONKEYS", verificationKeys(accepted.length == 0
        ? new TestKey[] {signing} : accepted).encode());
    return env;
  }
}
