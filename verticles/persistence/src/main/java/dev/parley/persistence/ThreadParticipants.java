package dev.parley.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who follows a thread, for notifications of its replies (issue 13): the root's author and everyone who replied
 * in it before the reply (the notifier may read after later replies were stored), as long as they are still
 * members of the room. Read on the rooms' shards.
 */
final class ThreadParticipants {

  private static final String PARTICIPANTS = "SELECT DISTINCT m.sender_id FROM messages m"
      + " JOIN room_members rm ON rm.room_id = m.room_id AND rm.user_id = m.sender_id"
      + " WHERE m.room_id = ? AND (m.seq = ? OR m.seq IN (SELECT t.seq FROM message_thread_replies t"
      + " WHERE t.room_id = ? AND t.root_seq = ? AND t.seq < ?))";

  private ThreadParticipants() {
  }

  /** Per {@code "roomId/rootSeq/replySeq"}, the participants of each thread before each named reply. */
  static Future<Map<String, Set<Long>>> of(Shards shards, Collection<long[]> roots) {
    Map<String, Set<Long>> participants = new HashMap<>();
    List<Future<?>> reads = new ArrayList<>(roots.size());
    for (long[] root : roots) {
      String key = key(root[0], root[1], root[2]);
      if (participants.putIfAbsent(key, new LinkedHashSet<>()) != null) {
        continue;
      }
      reads.add(shards.ofRoom(root[0]).pool().preparedQuery(PARTICIPANTS)
          .execute(Tuple.of(root[0], root[1], root[0], root[1], root[2]))
          .onSuccess(rows -> rows.forEach(row -> participants.get(key).add(row.getLong("sender_id")))));
    }
    return Future.all(reads).map(participants);
  }

  static String key(long roomId, long root, long reply) {
    return roomId + "/" + root + "/" + reply;
  }
}
