package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The room caps of issue 18, with small values: refused past them, inside the writing transaction. */
class RoomCapsTest {

  private static PersistenceFixture fixture;

  @BeforeAll
  static void deploy() {
    Map<String, String> env = new HashMap<>(TestConfig.environment());
    env.put("PARLEY_ROOMS_MAXROOMSPERUSER", "3");
    env.put("PARLEY_ROOMS_MAXMEMBERSPERROOM", "3");
    env.put("PARLEY_ROOMS_MAXCREATEDPERHOUR", "2");
    fixture = PersistenceFixture.deploy(TestConfig.config(env), 1);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  void aUserCreatesAtMostTheHourlyCapOfRoomsThenWaitsForTheOldestToAge() {
    List<String> users = fixture.users(1);
    fixture.room(users);
    fixture.room(users);
    ParleyException third = refused(RoomActions.CREATE, new JsonObject().put("userId", users.get(0))
        .put("name", "third").put("visibility", "private"));
    assertThat(third.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(third.retryAfterSeconds()).isBetween(3500L, 3600L);
  }

  @Test
  void aRoomHoldsAtMostTheMemberCap() {
    List<String> users = fixture.users(4);
    ParleyException tooMany = refused(RoomActions.CREATE, new JsonObject().put("userId", users.get(0))
        .put("name", "big").put("visibility", "private").put("members", new JsonArray(users.subList(1, 4))));
    assertThat(tooMany.code()).isEqualTo(ErrorCode.FORBIDDEN);

    String room = fixture.room(users.subList(0, 3));
    ParleyException full = refused(RoomActions.ADD_MEMBER, new JsonObject().put("userId", users.get(0))
        .put("roomId", room).put("memberId", users.get(3)));
    assertThat(full.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(memberCount(room)).isEqualTo(3);
  }

  @Test
  void aUserIsInAtMostTheRoomCapWhoeverAddsThem() {
    List<String> owners = fixture.users(4);
    String target = fixture.users(1).get(0);
    for (int i = 0; i < 3; i++) {
      fixture.room(List.of(owners.get(i), target));
    }
    String fourth = fixture.room(List.of(owners.get(3)));
    ParleyException added = refused(RoomActions.ADD_MEMBER, new JsonObject().put("userId", owners.get(3))
        .put("roomId", fourth).put("memberId", target));
    assertThat(added.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(added.field()).isEqualTo("userId");
    ParleyException direct = refused(RoomActions.DIRECT, new JsonObject().put("userId", owners.get(3))
        .put("otherId", target));
    assertThat(direct.code()).isEqualTo(ErrorCode.FORBIDDEN);
    ParleyException created = refused(RoomActions.CREATE, new JsonObject().put("userId", owners.get(3))
        .put("name", "with target").put("visibility", "private").put("members", new JsonArray().add(target)));
    assertThat(created.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(created.field()).isEqualTo("members");
  }

  private static ParleyException refused(String action, JsonObject request) {
    return ParleyException.from(Await.failure(fixture.rooms(action, request)));
  }

  private static int memberCount(String room) {
    return Await.result(fixture.db().preparedQuery("SELECT member_count FROM rooms WHERE id = ?")
        .execute(io.vertx.sqlclient.Tuple.of(Long.parseLong(room)))
        .map(rows -> rows.iterator().next().getInteger("member_count")));
  }
}
