package dev.parley.persistence;

import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attachments a send batch names, locked in its transaction: each may be used by one message only, of its
 * uploader, in its room. A send that names anything else fails alone (bad_request, field attachments); its batch
 * goes on. The claims are written with the batch's messages, so a rolled-back batch attaches nothing.
 */
final class AttachmentClaims {

  private static final String LOCK = "SELECT " + AttachmentStore.COLUMNS + " FROM attachments WHERE id IN (%s) FOR UPDATE";
  private static final String CLAIM = "UPDATE attachments SET message_seq = CASE id %s END WHERE id IN (%s)";

  private final Map<String, Row> rows;
  /** Attachment id -> the seq of the message of this batch that takes it. */
  private final Map<String, Long> claimed = new LinkedHashMap<>();

  private AttachmentClaims(Map<String, Row> rows) {
    this.rows = rows;
  }

  static Future<AttachmentClaims> lock(SqlConnection connection, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(new AttachmentClaims(Map.of()));
    }
    Tuple args = Tuple.tuple();
    ids.forEach(args::addString);
    return connection.preparedQuery(LOCK.formatted(SendBatcher.placeholders(ids.size(), 1))).execute(args)
        .map(found -> {
          Map<String, Row> byId = new HashMap<>();
          found.forEach(row -> byId.put(row.getString("id"), row));
          return new AttachmentClaims(byId);
        });
  }

  /**
   * The metadata the message shows (null for none), or bad_request when one of the ids is not an unused upload of
   * the sender to the room. Nothing is claimed until {@link #claim}.
   */
  JsonArray check(long roomId, long senderId, List<String> ids) {
    if (ids.isEmpty()) {
      return null;
    }
    JsonArray shown = new JsonArray();
    for (String id : ids) {
      Row row = rows.get(id);
      if (row == null || row.getLong("room_id") != roomId || row.getLong("uploader_id") != senderId
          || row.getLong("deleted_at") != null) {
        throw ParleyException.badRequest("attachments", "no attachment " + id + " of yours in this room");
      }
      if (row.getLong("message_seq") != null || claimed.containsKey(id)) {
        throw ParleyException.badRequest("attachments", "attachment " + id + " is already used by a message");
      }
      shown.add(AttachmentStore.inMessage(row));
    }
    return shown;
  }

  void claim(List<String> ids, long seq) {
    ids.forEach(id -> claimed.put(id, seq));
  }

  Future<?> write(SqlConnection connection) {
    if (claimed.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple args = Tuple.tuple();
    StringBuilder cases = new StringBuilder();
    claimed.forEach((id, seq) -> {
      cases.append("WHEN ? THEN ? ");
      args.addString(id).addLong(seq);
    });
    claimed.keySet().forEach(args::addString);
    return connection.preparedQuery(CLAIM.formatted(cases, SendBatcher.placeholders(claimed.size(), 1))).execute(args);
  }
}
