package dev.parley.common.push;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/** EC P-256 public keys in the uncompressed point form Web Push uses (65 bytes: 0x04, X, Y). */
public final class P256 {

  private static final ECParameterSpec PARAMS = params();

  private P256() {
  }

  public static ECParameterSpec params() {
    if (PARAMS != null) {
      return PARAMS;
    }
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  public static byte[] uncompressed(ECPublicKey key) {
    byte[] point = new byte[65];
    point[0] = 4;
    fixed(key.getW().getAffineX(), point, 1);
    fixed(key.getW().getAffineY(), point, 33);
    return point;
  }

  /** The key of an uncompressed point; {@link IllegalArgumentException} when it is not a point of the curve. */
  public static ECPublicKey publicKey(byte[] point) {
    if (point.length != 65 || point[0] != 4) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, PARAMS));
    } catch (GeneralSecurityException notOnTheCurve) {
      throw new IllegalArgumentException("not a P-256 point", notOnTheCurve);
    }
  }

  private static void fixed(BigInteger value, byte[] into, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, into, offset + 32 - length, length);
  }
}
