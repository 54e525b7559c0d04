package dev.parley.contract;

import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A daily span without pushes, in the user's own time zone: from {@code start} (inclusive) to {@code end}
 * (exclusive), wrapping past midnight when {@code end} is earlier than {@code start} (22:00-07:00).
 */
public record QuietHours(LocalTime start, LocalTime end, ZoneId timeZone) {

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  public QuietHours {
    if (start.equals(end)) {
      throw ParleyException.badRequest("quietHours.end", "quietHours.end must differ from start");
    }
  }

  /** Whether {@code at} falls inside the quiet hours, judged by the wall clock of the user's zone on that day. */
  public boolean contains(Instant at) {
    LocalTime local = at.atZone(timeZone).toLocalTime();
    return start.isBefore(end)
        ? !local.isBefore(start) && local.isBefore(end)
        : !local.isBefore(start) || local.isBefore(end);
  }

  public JsonObject toJson() {
    return new JsonObject().put("start", HH_MM.format(start)).put("end", HH_MM.format(end))
        .put("timeZone", timeZone.getId());
  }

  /** {@code {start: "HH:MM", end: "HH:MM", timeZone: "<IANA zone>"}}; a bad field is a 400 naming it. */
  public static QuietHours fromJson(Object value) {
    if (!(value instanceof JsonObject json)) {
      throw ParleyException.badRequest("quietHours", "quietHours must be null or {start, end, timeZone}");
    }
    return new QuietHours(time(json.getValue("start"), "quietHours.start"), time(json.getValue("end"),
        "quietHours.end"), zone(json.getValue("timeZone")));
  }

  private static LocalTime time(Object value, String field) {
    if (value instanceof String text && text.length() == 5) {
      try {
        return LocalTime.parse(text, HH_MM);
      } catch (DateTimeParseException invalid) {
        // reported below
      }
    }
    throw ParleyException.badRequest(field, field + " must be a time HH:MM (00:00-23:59)");
  }

  private static ZoneId zone(Object value) {
    // Region ids only (Europe/Berlin, UTC): a bare offset like +02:00 would ignore daylight saving time.
    if (value instanceof String text) {
      try {
        ZoneId zone = ZoneId.of(text);
        if (!(zone instanceof ZoneOffset)) {
          return zone;
        }
      } catch (DateTimeException unknown) {
        // reported below
      }
    }
    throw ParleyException.badRequest("quietHours.timeZone", "quietHours.timeZone must be an IANA time zone such as Europe/Berlin");
  }
}
