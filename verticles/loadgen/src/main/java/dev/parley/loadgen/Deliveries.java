package dev.parley.loadgen;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loss accounting: every acknowledged message must reach every connected member of its room (the sender's
 * own socket included) exactly once. Counts deliveries per message id.
 */
final class Deliveries {

  private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
  private final Map<String, Setup.Room> ackedRooms = new ConcurrentHashMap<>();

  void delivered(String messageId) {
    deliveries.computeIfAbsent(messageId, id -> new AtomicInteger()).incrementAndGet();
  }

  void acked(Setup.Room room, String messageId) {
    ackedRooms.put(messageId, room);
  }

  /** Deliveries missing for acknowledged messages, given how many sockets of each room are connected. */
  long lost(Map<Setup.Room, Integer> connectedMembers) {
    long lost = 0;
    for (Map.Entry<String, Setup.Room> acked : ackedRooms.entrySet()) {
      AtomicInteger count = deliveries.get(acked.getKey());
      int expected = connectedMembers.getOrDefault(acked.getValue(), 0);
      lost += Math.max(0, expected - (count == null ? 0 : count.get()));
    }
    return lost;
  }

  long expected(Map<Setup.Room, Integer> connectedMembers) {
    long expected = 0;
    for (Setup.Room room : ackedRooms.values()) {
      expected += connectedMembers.getOrDefault(room, 0);
    }
    return expected;
  }
}
