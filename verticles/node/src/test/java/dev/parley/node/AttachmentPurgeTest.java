package dev.parley.node;

import static dev.parley.node.AttachmentNode.pdf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The purge job on a node whose orphan TTL is 0 hours: an upload never attached is gone (row and blob) at the next
 * round, and so is the attachment of a deleted message, while an attached one stays.
 */
class AttachmentPurgeTest {

  private static AttachmentNode node;
  private static ApiClient api;
  private static Path blobs;

  @BeforeAll
  static void start() {
    node = AttachmentNode.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""",
        Map.of("PARLEY_ATTACHMENTS_ORPHANTTLHOURS", "0", "PARLEY_ATTACHMENTS_PURGEINTERVALMS", "3000"));
    api = node.api;
    blobs = Path.of(node.env.get("PARLEY_ATTACHMENTS_LOCALPATH"));
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  @Test
  void orphansAndTheAttachmentsOfDeletedMessagesAreRemovedAndAttachedOnesStay() {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    String orphan = api.uploaded(owner, room, ApiClient.file(pdf(700)), "o.pdf",
        "application/pdf").getString("id");
    assertThat(blobExists(orphan)).isTrue();
    api.await(() -> api.get("/attachments/" + orphan, owner).statusCode(), status -> status == 404,
        Duration.ofSeconds(20));
    api.await(() -> blobExists(orphan), exists -> !exists, Duration.ofSeconds(10));

    // A round just ran: the next one is 3 s away, time enough to attach the next upload.
    String kept = api.uploaded(owner, room, ApiClient.file(pdf(700)), "k.pdf", "application/pdf")
        .getString("id");
    String deleted = api.uploaded(owner, room, ApiClient.file(pdf(700)), "d.pdf",
        "application/pdf").getString("id");
    assertThat(api.sendWith(owner, room, "keep", "kept", kept).statusCode()).isEqualTo(201);
    long seq = api.sendWith(owner, room, "gone", "deleted", deleted).bodyAsJsonObject().getLong("seq");
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/" + seq, owner, null).statusCode())
        .isEqualTo(204);
    api.await(() -> blobExists(deleted), exists -> !exists, Duration.ofSeconds(20));
    assertThat(blobExists(kept)).isTrue();
    assertThat(api.get("/attachments/" + kept, owner).statusCode()).isEqualTo(200);
  }

  private static boolean blobExists(String id) {
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.anyMatch(file -> file.getFileName().toString().equals(id));
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }
}
