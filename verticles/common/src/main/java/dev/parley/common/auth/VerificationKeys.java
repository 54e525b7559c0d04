package dev.parley.common.auth;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The public keys of {@code auth.verificationKeys}, read from their PEM files, by {@code kid}. */
public final class VerificationKeys {

  /** One entry of {@code auth.verificationKeys}. */
  public record KeyFile(String kid, String file, String configKey) {
  }

  private VerificationKeys() {
  }

  /**
   * kid -> key. Fails with a {@link ConfigException} naming the key when none is configured or a file is missing
   * or not an EC P-256 public key.
   */
  public static Future<Map<String, ECPublicKey>> read(Vertx vertx, Settings settings) {
    List<KeyFile> files;
    try {
      files = files(settings);
    } catch (ConfigException bad) {
      return Future.failedFuture(bad);
    }
    List<Future<ECPublicKey>> reads = new ArrayList<>();
    for (KeyFile file : files) {
      reads.add(vertx.fileSystem().readFile(file.file())
          .recover(failure -> Future.failedFuture(new ConfigException(
              "key '" + file.configKey() + "': cannot read " + file.file())))
          .compose(pem -> {
            try {
              return Future.succeededFuture(PemKeys.publicKey(pem.toString(StandardCharsets.US_ASCII)));
            } catch (IllegalArgumentException bad) {
              return Future.failedFuture(new ConfigException(
                  "key '" + file.configKey() + "': " + file.file() + " is not an EC P-256 public key (SPKI PEM)"));
            }
          }));
    }
    return Future.all(reads).map(all -> {
      Map<String, ECPublicKey> keys = new LinkedHashMap<>();
      for (int i = 0; i < files.size(); i++) {
        keys.put(files.get(i).kid(), reads.get(i).result());
      }
      return keys;
    });
  }

  /** {@code auth.verificationKeys}: a non-empty list of {@code {kid, file}} with distinct kids. */
  public static List<KeyFile> files(Settings settings) {
    Object value = settings.json().getJsonObject("auth") == null ? null
        : settings.json().getJsonObject("auth").getValue("verificationKeys");
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new ConfigException("key 'auth.verificationKeys' must list at least one {kid, file}");
    }
    List<KeyFile> files = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "auth.verificationKeys[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException("key '" + where + "' must be an object {kid, file}");
      }
      Settings one = Settings.of(entry);
      String kid;
      String file;
      try {
        kid = one.string("kid");
        file = one.string("file");
      } catch (ConfigException bad) {
        throw new ConfigException(where + ": " + bad.getMessage());
      }
      if (files.stream().anyMatch(known -> known.kid().equals(kid))) {
        throw new ConfigException("key '" + where + ".kid': duplicate kid '" + kid + "'");
      }
      files.add(new KeyFile(kid, file, where + ".file"));
    }
    return files;
  }
}
