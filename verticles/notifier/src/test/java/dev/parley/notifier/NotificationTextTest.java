package dev.parley.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class NotificationTextTest {

  private final NotificationText texts = new NotificationText(40);

  private static JsonArray files(String... namesAndTypes) {
    JsonArray attachments = new JsonArray();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      attachments.add(new JsonObject().put("id", "1-" + i).put("name", namesAndTypes[i])
          .put("contentType", namesAndTypes[i + 1]).put("size", 10));
    }
    return attachments;
  }

  @Test
  void aMessageWithoutAttachmentsIsItsTextCut() {
    assertThat(texts.of("hello @bob", null)).isEqualTo("hello @bob");
    assertThat(texts.of("hello @bob", new JsonArray())).isEqualTo("hello @bob");
    assertThat(texts.of("x".repeat(50), null)).isEqualTo("x".repeat(39) + "…");
  }

  @Test
  void aMessageOfAttachmentsOnlySaysWhatItSent() {
    assertThat(texts.of("", files("report.pdf", "application/pdf"))).isEqualTo("sent a file: report.pdf");
    assertThat(texts.of("", files("cat.png", "image/png"))).isEqualTo("sent an image: cat.png");
    assertThat(texts.of("", files("a.png", "image/png", "b.jpg", "image/jpeg"))).isEqualTo("sent 2 images: a.png, b.jpg");
    assertThat(texts.of(" ", files("a.png", "image/png", "b.pdf", "application/pdf", "c.zip", "application/zip",
        "d.txt", "text/plain"))).isEqualTo("sent 4 files: a.png, b.pdf, c.zip, …");
  }

  @Test
  void aMessageWithTextAndAttachmentsNamesThemAfterIt() {
    assertThat(texts.of("@bob look", files("report.pdf", "application/pdf"))).isEqualTo("@bob look (+ report.pdf)");
    assertThat(texts.of("@bob look", files("a.png", "image/png", "b.pdf", "application/pdf")))
        .isEqualTo("@bob look (+ 2 files)");
    assertThat(texts.of("@bob " + "y".repeat(60), files("report.pdf", "application/pdf"))).hasSize(40).endsWith("…");
  }
}
