package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Addresses;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The AsyncAPI document (contract module, {@code api/asyncapi.json}, served at {@code /api/v1/asyncapi.json})
 * against the code: the client frames the WebSocket handles and the bridge addresses it allows. A failure lists
 * exactly what is missing from the document and what it describes that the code does not do.
 */
class FrameDescriptionsTest {

  private static JsonObject document() throws IOException {
    try (InputStream in = FrameDescriptionsTest.class.getClassLoader().getResourceAsStream("api/asyncapi.json")) {
      assertThat(in).as("api/asyncapi.json on the classpath").isNotNull();
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyClientFrameTheWebSocketHandlesIsDocumentedAndNothingElse() throws IOException {
    JsonObject doc = document();
    JsonObject messages = doc.getJsonObject("components").getJsonObject("messages");
    Set<String> documented = new TreeSet<>();
    doc.getJsonObject("operations").getJsonObject("receiveClientFrames").getJsonArray("messages").forEach(ref -> {
      String key = ((JsonObject) ref).getString("$ref");
      documented.add(messages.getJsonObject(key.substring(key.lastIndexOf('/') + 1)).getString("name"));
    });
    assertDrift("WebSocket client frame types", WebSocketSession.HANDLERS.keySet(), documented);
  }

  @Test
  void everyBridgeAddressIsDocumentedAndNothingElse() throws IOException {
    JsonObject channels = document().getJsonObject("channels");
    Set<String> documented = new TreeSet<>();
    channels.forEach(channel -> {
      String address = ((JsonObject) channel.getValue()).getString("address");
      if (!address.startsWith("/")) {
        documented.add(address);
      }
    });
    Set<String> code = new TreeSet<>(BridgeSession.SEND_ADDRESSES);
    code.add(Addresses.room("{roomId}"));
    code.add(Addresses.user("{userId}"));
    assertDrift("bridge addresses", code, documented);
  }

  /** Fails naming what the code has that the document lacks, and the reverse. */
  static void assertDrift(String what, Set<String> inCode, Set<String> documented) {
    Set<String> missing = new TreeSet<>(inCode);
    missing.removeAll(documented);
    Set<String> absent = new TreeSet<>(documented);
    absent.removeAll(new HashSet<>(inCode));
    assertThat(missing).as(what + " handled by the code but missing from api/asyncapi.json").isEmpty();
    assertThat(absent).as(what + " in api/asyncapi.json that the code does not handle").isEmpty();
  }
}
