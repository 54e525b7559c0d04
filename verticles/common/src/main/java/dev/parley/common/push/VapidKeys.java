package dev.parley.common.push;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.common.auth.PemKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The server's VAPID key pair (RFC 8292, EC P-256) from {@code push.vapid.publicKeyFile} and
 * {@code push.vapid.privateKeyFile} (SPKI and PKCS#8 PEM, as {@code scripts/run} creates them in
 * {@code conf/dev-keys/}). Missing files mean Web Push is off on this node (a warning, not a failure: Matrix
 * push gateways still work); files that are there but unreadable as P-256 keys stop the start, naming the key.
 */
public record VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey, String subject) {

  /** The public key as {@code PushManager.subscribe} takes it: the uncompressed point, base64url without padding. */
  public String publicKeyBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(P256.uncompressed(publicKey));
  }

  /** The pair, or null when either file is missing; the private key is read only when {@code withPrivate}. */
  public static Future<VapidKeys> load(Vertx vertx, Settings settings, boolean withPrivate) {
    String publicFile = settings.string("push.vapid.publicKeyFile", "");
    String privateFile = settings.string("push.vapid.privateKeyFile", "");
    String subject = settings.string("push.vapid.subject", "mailto:admin@localhost");
    if (!subject.startsWith("mailto:") && !subject.startsWith("https:")) {
      return Future.failedFuture(new ConfigException("key 'push.vapid.subject' must be a mailto: or https: URL"));
    }
    FileSystem files = vertx.fileSystem();
    if (publicFile.isBlank() || (withPrivate && privateFile.isBlank())) {
      return Future.succeededFuture(null);
    }
    return Future.all(files.exists(publicFile), withPrivate ? files.exists(privateFile) : Future.succeededFuture(true))
        .compose(exist -> !exist.<Boolean>resultAt(0) || !exist.<Boolean>resultAt(1) ? Future.succeededFuture(null)
            : Future.all(files.readFile(publicFile), withPrivate ? files.readFile(privateFile)
                : Future.succeededFuture(null)).map(read -> {
                  ECPublicKey publicKey;
                  try {
                    publicKey = PemKeys.publicKey(read.<io.vertx.core.buffer.Buffer>resultAt(0)
                        .toString(StandardCharsets.US_ASCII));
                  } catch (IllegalArgumentException bad) {
                    throw new ConfigException("key 'push.vapid.publicKeyFile': " + publicFile
                        + " is not an EC P-256 public key (SPKI PEM)");
                  }
                  ECPrivateKey privateKey = null;
                  if (withPrivate) {
                    try {
                      privateKey = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                          PemKeys.der(read.<io.vertx.core.buffer.Buffer>resultAt(1).toString(StandardCharsets.US_ASCII),
                              "PRIVATE KEY")));
                    } catch (Exception bad) {
                      throw new ConfigException("key 'push.vapid.privateKeyFile': " + privateFile
                          + " is not an EC P-256 private key (PKCS#8 PEM)");
                    }
                  }
                  return new VapidKeys(publicKey, privateKey, subject);
                }));
  }
}
