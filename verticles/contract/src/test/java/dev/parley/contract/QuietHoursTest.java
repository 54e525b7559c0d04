package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Quiet hours judged at given instants (the clock is a parameter), across midnight and time zones. */
class QuietHoursTest {

  private static QuietHours quiet(String start, String end, String zone) {
    return QuietHours.fromJson(new JsonObject().put("start", start).put("end", end).put("timeZone", zone));
  }

  @Test
  void acrossMidnightInTheUsersZone() {
    QuietHours night = quiet("22:00", "07:00", "Asia/Seoul"); // UTC+9, no DST
    assertThat(night.contains(Instant.parse("2026-12-01T12:59:59Z"))).as("21:59:59 KST").isFalse();
    assertThat(night.contains(Instant.parse("2026-12-01T13:00:00Z"))).as("22:00 KST").isTrue();
    assertThat(night.contains(Instant.parse("2026-12-01T15:00:00Z"))).as("00:00 KST").isTrue();
    assertThat(night.contains(Instant.parse("2026-12-01T21:59:00Z"))).as("06:59 KST").isTrue();
    assertThat(night.contains(Instant.parse("2026-12-01T22:00:00Z"))).as("07:00 KST, end exclusive").isFalse();
    assertThat(night.contains(Instant.parse("2026-12-02T03:00:00Z"))).as("12:00 KST").isFalse();
  }

  @Test
  void theSameInstantIsQuietInOneZoneAndNotInAnother() {
    Instant at = Instant.parse("2026-12-01T23:30:00Z");
    assertThat(quiet("22:00", "07:00", "Europe/London").contains(at)).as("23:30 in London").isTrue();
    assertThat(quiet("22:00", "07:00", "America/Los_Angeles").contains(at)).as("15:30 in LA").isFalse();
    assertThat(quiet("22:00", "07:00", "Asia/Tokyo").contains(at)).as("08:30 next day in Tokyo").isFalse();
  }

  @Test
  void aSpanWithinOneDayAndDaylightSavingTime() {
    QuietHours lunch = quiet("12:00", "13:00", "Europe/Berlin");
    assertThat(lunch.contains(Instant.parse("2026-01-15T11:30:00Z"))).as("12:30 CET").isTrue();
    assertThat(lunch.contains(Instant.parse("2026-07-15T11:30:00Z"))).as("13:30 CEST").isFalse();
    assertThat(lunch.contains(Instant.parse("2026-07-15T10:30:00Z"))).as("12:30 CEST").isTrue();
    assertThat(lunch.contains(Instant.parse("2026-07-15T09:59:00Z"))).as("11:59 CEST").isFalse();
  }

  @Test
  void badShapesNameTheirField() {
    assertThatThrownBy(() -> quiet("25:00", "07:00", "Asia/Seoul")).extracting(e -> ((ParleyException) e).field())
        .isEqualTo("quietHours.start");
    assertThatThrownBy(() -> quiet("22:00", "7:00", "Asia/Seoul")).extracting(e -> ((ParleyException) e).field())
        .isEqualTo("quietHours.end");
    assertThatThrownBy(() -> quiet("22:00", "07:00", "Mars/Olympus")).extracting(e -> ((ParleyException) e).field())
        .isEqualTo("quietHours.timeZone");
    assertThatThrownBy(() -> quiet("22:00", "07:00", "+09:00")).extracting(e -> ((ParleyException) e).field())
        .isEqualTo("quietHours.timeZone");
    assertThatThrownBy(() -> quiet("22:00", "22:00", "UTC")).isInstanceOf(ParleyException.class);
    assertThat(quiet("22:00", "07:00", "Asia/Seoul").toJson().encode())
        .isEqualTo("{\"start\":\"22:00\",\"end\":\"07:00\",\"timeZone\":\"Asia/Seoul\"}");
  }
}
