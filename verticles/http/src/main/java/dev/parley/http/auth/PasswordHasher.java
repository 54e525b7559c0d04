package dev.parley.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle) in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>} (unpadded standard base64), 16-byte
 * random salt, 32-byte hash. Verification reads the parameters from the stored string, so raising them later
 * keeps old hashes working, and compares in constant time.
 *
 * <p>CPU- and memory-heavy by design (tens of milliseconds and {@code memoryKiB} of heap per call): call it only
 * through {@link HashingPool}, never on an event loop. Thread-safe.
 */
public final class PasswordHasher {

  /** Argon2id cost parameters. OWASP's minimum for Argon2id is m=19456 KiB (19 MiB), t=2, p=1. */
  public record Params(int memoryKiB, int iterations, int parallelism) {

    public static final Params OWASP = new Params(19456, 2, 1);

    public Params {
      if (parallelism < 1 || parallelism > 16 || iterations < 1 || iterations > 100
          || memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException("Argon2 parameters out of range: m=" + memoryKiB + ", t=" + iterations
            + ", p=" + parallelism);
      }
    }

    public boolean atLeastOwasp() {
      return memoryKiB >= OWASP.memoryKiB && iterations >= OWASP.iterations;
    }
  }

  /** Stored hashes that ask for more than this (1 GiB) are refused rather than computed. */
  static final int MAX_MEMORY_KIB = 1 << 20;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  private final Params params;
  private final SecureRandom random = new SecureRandom();

  public PasswordHasher(Params params) {
    this.params = params;
  }

  public Params params() {
    return params;
  }

  /** A new PHC string for the password, with a fresh salt. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = argon2(password, salt, params, HASH_BYTES);
    return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p=" + params.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  /** True when the password matches the PHC string; false for a mismatch or a string that is not ours. */
  public boolean verify(String password, String phc) {
    Matcher match = phc == null ? null : PHC.matcher(phc);
    if (match == null || !match.matches()) {
      return false;
    }
    Params stored;
    byte[] salt;
    byte[] expected;
    try {
      stored = new Params(Integer.parseInt(match.group(1)), Integer.parseInt(match.group(2)),
          Integer.parseInt(match.group(3)));
      salt = B64_DECODER.decode(match.group(4));
      expected = B64_DECODER.decode(match.group(5));
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    byte[] actual = argon2(password, salt, stored, expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  /** True when a stored hash was made with weaker parameters than the configured ones. */
  public boolean needsRehash(String phc) {
    return phc == null || !phc.startsWith("$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations()
        + ",p=" + params.parallelism() + "$");
  }

  private static byte[] argon2(String password, byte[] salt, Params params, int length) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(params.memoryKiB())
        .withIterations(params.iterations())
        .withParallelism(params.parallelism())
        .withSalt(salt)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] secret = password.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[length];
    try {
      generator.generateBytes(secret, out);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return out;
  }
}
