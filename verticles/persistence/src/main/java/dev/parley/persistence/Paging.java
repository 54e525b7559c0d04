package dev.parley.persistence;

import dev.parley.contract.ParleyException;
import io.vertx.core.json.JsonObject;

/** The {@code after} cursor and {@code limit} of the issue-13 lists (threads, readers): bad values are 400s. */
final class Paging {

  private Paging() {
  }

  /** {@code after} (a seq or id, default 0). */
  static long after(JsonObject request) {
    Long after = request.getLong("after");
    if (after != null && after < 0) {
      throw ParleyException.badRequest("after", "after must be 0 or more");
    }
    return after == null ? 0 : after;
  }

  static int limit(JsonObject request, int fallback, int max) {
    Integer limit = request.getInteger("limit");
    if (limit == null) {
      return fallback;
    }
    if (limit < 1 || limit > max) {
      throw ParleyException.badRequest("limit", "limit must be between 1 and " + max);
    }
    return limit;
  }
}
