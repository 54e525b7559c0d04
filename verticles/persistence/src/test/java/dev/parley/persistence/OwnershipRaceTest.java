package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.RoomActions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Role-dependent writes racing each other on real MariaDB: whatever the interleaving, a live group room keeps
 * exactly one owner. The role checks run inside persistence's room transactions (the rooms verticle only
 * forwards), so the writes are driven at persistence's room address. Each round makes a fresh room (owner O,
 * admin A, member M) and fires two requests at once from one event-loop context.
 */
class OwnershipRaceTest {

  private static final int ROUNDS = 40;

  private static PersistenceFixture fixture;
  private static String owner;
  private static String admin;
  private static String member;

  @BeforeAll
  static void deploy() {
    fixture = PersistenceFixture.deploy(2);
    List<String> users = fixture.users(3);
    owner = users.get(0);
    admin = users.get(1);
    member = users.get(2);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void transferToAMemberWhileAnAdminKicksThem() {
    assertNoRoundLosesItsOwner(room -> setRole(owner, room, member, "owner"), room -> removeMember(admin, room, member));
  }

  @Test
  void transferToAMemberWhileTheyLeave() {
    assertNoRoundLosesItsOwner(room -> setRole(owner, room, member, "owner"),
        room -> fixture.rooms(RoomActions.LEAVE, caller(member, room)));
  }

  @Test
  void transferToAnAdminWhileTheOwnerRemovesThem() {
    assertNoRoundLosesItsOwner(room -> setRole(owner, room, admin, "owner"), room -> removeMember(owner, room, admin));
  }

  private static void assertNoRoundLosesItsOwner(Function<String, Future<?>> first, Function<String, Future<?>> second) {
    int broken = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String room = fixture.room(List.of(owner, admin, member));
      Await.result(setRole(owner, room, admin, "admin"));
      Promise<Void> both = Promise.promise();
      fixture.vertx.getOrCreateContext().runOnContext(ignored ->
          Future.join(first.apply(room), second.apply(room)).<Void>mapEmpty().onComplete(both));
      Await.result(both.future().otherwiseEmpty());
      if (owners(room) != 1) {
        broken++;
      }
    }
    assertThat(broken).as("rounds of %d that left the room without exactly one owner", ROUNDS).isZero();
  }

  private static Future<JsonObject> setRole(String actor, String room, String memberId, String role) {
    return fixture.rooms(RoomActions.SET_ROLE, caller(actor, room).put("memberId", memberId).put("role", role));
  }

  private static Future<JsonObject> removeMember(String actor, String room, String memberId) {
    return fixture.rooms(RoomActions.REMOVE_MEMBER, caller(actor, room).put("memberId", memberId));
  }

  private static JsonObject caller(String userId, String room) {
    return new JsonObject().put("userId", userId).put("roomId", room);
  }

  /** How many members of a live room hold the owner role, read straight from MySQL. */
  private static int owners(String room) {
    return Await.result(fixture.db().preparedQuery("""
            SELECT COUNT(*) AS owners FROM room_members m JOIN rooms r ON r.id = m.room_id
            WHERE m.room_id = ? AND m.role = 'owner' AND r.deleted_at IS NULL""")
        .execute(Tuple.of(Long.parseLong(room))).map(rows -> rows.iterator().next().getInteger("owners")));
  }
}
