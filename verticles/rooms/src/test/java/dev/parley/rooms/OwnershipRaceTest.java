package dev.parley.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Role-dependent writes racing each other on real MariaDB: whatever the interleaving, a live group room keeps
 * exactly one owner. Each round makes a fresh room (owner O, admin A, member M) and fires two requests at once.
 */
class OwnershipRaceTest {

  private static final int ROUNDS = 40;

  private static RoomsFixture fixture;
  private static String owner;
  private static String admin;
  private static String member;

  @BeforeAll
  static void deploy() {
    fixture = RoomsFixture.deploy();
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
    int ownerless = race(room -> fixture.setRole(owner, room, member, "owner"),
        room -> fixture.removeMember(admin, room, member));
    assertThat(ownerless).as("rounds of %d that left the room without exactly one owner", ROUNDS).isZero();
  }

  @Test
  void transferToAMemberWhileTheyLeave() {
    int ownerless = race(room -> fixture.setRole(owner, room, member, "owner"),
        room -> fixture.leave(member, room));
    assertThat(ownerless).as("rounds of %d that left the room without exactly one owner", ROUNDS).isZero();
  }

  @Test
  void transferToAnAdminWhileTheOwnerDemotesThem() {
    int ownerless = race(room -> fixture.setRole(owner, room, admin, "owner"),
        room -> fixture.removeMember(owner, room, admin));
    assertThat(ownerless).as("rounds of %d that left the room without exactly one owner", ROUNDS).isZero();
  }

  /** The number of rounds after which the room does not have exactly one owner (either request may fail). */
  private static int race(java.util.function.Function<String, Future<?>> first,
      java.util.function.Function<String, Future<?>> second) {
    int broken = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String room = fixture.room(owner, admin, member);
      Supplier<Future<Void>> both = () -> Future.join(List.of(first.apply(room), second.apply(room))).mapEmpty();
      Await.result(fixture.onContext(both).otherwiseEmpty());
      if (fixture.owners(room) != 1) {
        broken++;
      }
    }
    return broken;
  }
}
