package dev.parley.search;

import dev.parley.contract.ParleyException;
import io.vertx.core.json.JsonObject;

/**
 * A {@code parley.search} request, checked: {@code {userId, q, limit?, roomId?}}. Bad input fails with the
 * contract's {@code bad_request} naming the field.
 *
 * @param roomId the one room to search, or null for every room of the caller
 */
record SearchRequest(String userId, String query, int limit, String roomId) {

  static SearchRequest parse(JsonObject body, SearchSettings options) {
    Object rawQuery = body.getValue("q");
    if (!(rawQuery instanceof String text) || text.isBlank()) {
      throw ParleyException.badRequest("q", "q is required");
    }
    String query = text.strip();
    if (query.codePointCount(0, query.length()) > options.maxQueryChars()) {
      throw ParleyException.badRequest("q", "q must be at most " + options.maxQueryChars() + " characters");
    }
    Object rawLimit = body.getValue("limit");
    int limit;
    if (rawLimit == null) {
      limit = options.defaultLimit();
    } else if (rawLimit instanceof Number number && number.doubleValue() == number.longValue()
        && number.longValue() >= 1 && number.longValue() <= options.maxLimit()) {
      limit = number.intValue();
    } else {
      throw ParleyException.badRequest("limit", "limit must be between 1 and " + options.maxLimit());
    }
    Object rawRoom = body.getValue("roomId");
    if (rawRoom != null && (!(rawRoom instanceof String room) || room.isBlank())) {
      throw ParleyException.badRequest("roomId", "roomId must be a room id");
    }
    return new SearchRequest(body.getString("userId"), query, limit, (String) rawRoom);
  }
}
