package dev.parley.common.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** PEM encoding and decoding of the EC P-256 keys access tokens are signed and verified with. */
public final class PemKeys {

  /** The order n of the NIST P-256 group (secp256r1 / prime256v1). */
  public static final BigInteger P256_ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private PemKeys() {
  }

  /** The DER bytes inside a PEM block of the given type ("PUBLIC KEY", "PRIVATE KEY"). */
  public static byte[] der(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no PEM block of type " + type);
    }
    String base64 = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
    return Base64.getDecoder().decode(base64);
  }

  /** A PEM block of the given type around DER bytes, in 64-character lines. */
  public static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** An EC P-256 public key from an SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
  public static ECPublicKey publicKey(String pem) {
    try {
      X509EncodedKeySpec spec = new X509EncodedKeySpec(der(pem, "PUBLIC KEY"));
      if (!(KeyFactory.getInstance("EC").generatePublic(spec) instanceof ECPublicKey key) || !isP256(key.getParams())) {
        throw new IllegalArgumentException("not an EC P-256 public key");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException bad) {
      throw new IllegalArgumentException("not an EC P-256 public key in SPKI PEM form", bad);
    }
  }

  public static boolean isP256(ECParameterSpec params) {
    return params != null && params.getCurve().getField().getFieldSize() == 256 && P256_ORDER.equals(params.getOrder());
  }
}
