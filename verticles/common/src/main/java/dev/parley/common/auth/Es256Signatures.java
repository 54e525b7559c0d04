package dev.parley.common.auth;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The one accepted form of an ES256 signature: the JWS encoding r||s (RFC 7518 section 3.4, 64 bytes) with r and
 * s in [1, n-1] and s in the lower half (s <= n/2). ECDSA also verifies (r, n - s), so without that last rule
 * anyone holding a token can mint a second valid string for it (issue 18); DER-encoded signatures, which JCA
 * verifiers also take, are refused by the length rule.
 */
public final class Es256Signatures {

  private static final int LENGTH = 64;
  private static final BigInteger HALF_ORDER = PemKeys.P256_ORDER.shiftRight(1);

  private Es256Signatures() {
  }

  public static boolean canonical(byte[] signature) {
    if (signature.length != LENGTH) {
      return false;
    }
    BigInteger r = r(signature);
    BigInteger s = s(signature);
    return r.signum() > 0 && r.compareTo(PemKeys.P256_ORDER) < 0 && s.signum() > 0 && s.compareTo(HALF_ORDER) <= 0;
  }

  /** The low-S form of a valid r||s signature: what a signer must send, since JCA signs either half. */
  public static byte[] lowS(byte[] signature) {
    BigInteger s = s(signature);
    return s.compareTo(HALF_ORDER) <= 0 ? signature : withS(signature, PemKeys.P256_ORDER.subtract(s));
  }

  /** The same signature with the other S, n - s: valid too for plain ECDSA. For tests of malleability. */
  public static byte[] twin(byte[] signature) {
    return withS(signature, PemKeys.P256_ORDER.subtract(s(signature)));
  }

  private static BigInteger r(byte[] signature) {
    return new BigInteger(1, Arrays.copyOfRange(signature, 0, LENGTH / 2));
  }

  private static BigInteger s(byte[] signature) {
    return new BigInteger(1, Arrays.copyOfRange(signature, LENGTH / 2, LENGTH));
  }

  private static byte[] withS(byte[] signature, BigInteger s) {
    byte[] result = Arrays.copyOf(signature, LENGTH);
    byte[] bytes = s.toByteArray();
    // toByteArray is big-endian two's complement: drop a leading sign byte, left-pad to 32 bytes.
    int from = bytes.length > LENGTH / 2 ? bytes.length - LENGTH / 2 : 0;
    int length = bytes.length - from;
    Arrays.fill(result, LENGTH / 2, LENGTH, (byte) 0);
    System.arraycopy(bytes, from, result, LENGTH - length, length);
    return result;
  }
}
