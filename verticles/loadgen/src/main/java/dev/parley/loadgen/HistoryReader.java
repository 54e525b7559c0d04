package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/** A room's stored messages through REST ({@code GET /rooms/{id}/messages?after=}), page after page. */
final class HistoryReader {

  private static final int PAGE = 200;

  private final WebClient web;
  private final Options.Target target;

  HistoryReader(WebClient web, Options.Target target) {
    this.web = web;
    this.target = target;
  }

  /** The messages after seq {@code after} up to seq {@code upTo} (or to the end: {@link Long#MAX_VALUE}). */
  Future<List<JsonObject>> read(Setup.Room room, Setup.User reader, long after, long upTo) {
    return read(room, reader, after, upTo, new ArrayList<>());
  }

  private Future<List<JsonObject>> read(Setup.Room room, Setup.User reader, long after, long upTo,
      List<JsonObject> into) {
    return web.get(target.httpPort(), target.host(),
            "/api/v1/rooms/" + room.id + "/messages?after=" + after + "&limit=" + PAGE)
        .putHeader("Authorization", "Bearer " + reader.token).send().compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("history of room " + room.id + ": HTTP " + response.statusCode() + " "
                + response.bodyAsString());
          }
          JsonArray page = response.bodyAsJsonObject().getJsonArray("messages");
          long last = after;
          for (int i = 0; i < page.size(); i++) {
            JsonObject message = page.getJsonObject(i);
            last = message.getLong("seq");
            if (last > upTo) {
              return Future.succeededFuture(into);
            }
            into.add(message);
          }
          return page.isEmpty() || last >= upTo ? Future.succeededFuture(into) : read(room, reader, last, upTo, into);
        });
  }
}
