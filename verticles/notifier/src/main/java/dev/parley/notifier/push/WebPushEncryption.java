package dev.parley.notifier.push;

import dev.parley.common.push.P256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Message encryption for Web Push (RFC 8291 over RFC 8188 {@code aes128gcm}): a fresh ephemeral P-256 key and
 * salt per message, ECDH with the subscription's {@code p256dh}, HKDF (Bouncy Castle) with its {@code auth}
 * secret, one AES-128-GCM record. CPU work (a key pair and an ECDH per message): callers run it on a worker.
 */
final class WebPushEncryption {

  /** Record size; one record holds the whole payload. */
  static final int RECORD_SIZE = 4096;
  /** Plaintext limit: the record minus the padding delimiter and the GCM tag. */
  static final int MAX_PLAINTEXT = RECORD_SIZE - 17;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebPushEncryption() {
  }

  /** The request body: header (salt, record size, sender's public key) then the encrypted record. */
  static byte[] encrypt(byte[] plaintext, byte[] userAgentPublic, byte[] authSecret) throws GeneralSecurityException {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException("push payload over " + MAX_PLAINTEXT + " bytes");
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(P256.params(), RANDOM);
    KeyPair ephemeral = generator.generateKeyPair();
    byte[] serverPublic = P256.uncompressed((ECPublicKey) ephemeral.getPublic());
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(ephemeral.getPrivate());
    agreement.doPhase(P256.publicKey(userAgentPublic), true);
    byte[] sharedSecret = agreement.generateSecret();

    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), userAgentPublic, serverPublic);
    byte[] ikm = hkdf(authSecret, sharedSecret, keyInfo, 32);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);

    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    // 0x02: the last (only) record's padding delimiter, no padding after it.
    byte[] record = cipher.doFinal(concat(plaintext, new byte[] {2}));
    return ByteBuffer.allocate(16 + 4 + 1 + serverPublic.length + record.length)
        .put(salt).putInt(RECORD_SIZE).put((byte) serverPublic.length).put(serverPublic).put(record).array();
  }

  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    for (byte[] part : parts) {
      buffer.put(part);
    }
    return buffer.array();
  }
}
