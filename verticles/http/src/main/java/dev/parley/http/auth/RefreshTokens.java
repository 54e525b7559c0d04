package dev.parley.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Refresh tokens: 256 random bits, base64url (43 characters). Only their SHA-256 is stored, so a database dump
 * does not hand out sessions; a fast hash is right here because the token itself has full entropy.
 */
final class RefreshTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");

  private RefreshTokens() {
  }

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Cheap shape check before touching the database. */
  static boolean wellFormed(String token) {
    return token != null && FORMAT.matcher(token).matches();
  }

  /** Lower-case hex SHA-256: the stored form. */
  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
