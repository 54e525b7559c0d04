package dev.parley.node;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutual TLS on the clustered event bus ({@code cluster.tls.*}): every node presents its certificate and accepts
 * only peers whose certificate the cluster's CA signed, in both directions (the event bus's client and server
 * share these options). Peers are authenticated by the CA alone, not by host name: node addresses change.
 */
final class EventBusTls {

  private EventBusTls() {
  }

  static void apply(Settings settings, EventBusOptions eventBus) {
    if (!settings.bool("cluster.tls.enabled", false)) {
      return;
    }
    eventBus.setSsl(true)
        // EventBusOptions trusts every server by default: the client must check the server's certificate too.
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(readable(settings, "cluster.tls.certFile"))
            .setKeyPath(readable(settings, "cluster.tls.keyFile")))
        .setTrustOptions(new PemTrustOptions().addCertPath(readable(settings, "cluster.tls.caFile")));
  }

  private static String readable(Settings settings, String key) {
    String file = settings.string(key, null);
    if (file == null) {
      throw new ConfigException("key '" + key + "' is required when cluster.tls.enabled is true");
    }
    if (!Files.isReadable(Path.of(file))) {
      throw new ConfigException("key '" + key + "': cannot read " + file);
    }
    return file;
  }
}
