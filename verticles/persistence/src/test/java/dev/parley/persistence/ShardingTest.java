package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.Settings;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.NotificationActions;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.StreamActions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two MySQL shards (two databases on the test server): rooms land on both, each room's data lives on its shard,
 * and everything that spans rooms (a user's rooms, public rooms, direct rooms, last seqs, mentions) stays right.
 */
class ShardingTest {

  private static final long SHARD_1_FIRST_ID = (1L << 40) + 1;

  private static PersistenceFixture fixture;
  private static List<Pool> databases;
  private static List<String> users;
  /** Group rooms of users 0 and 1, by shard. */
  private static final Map<Integer, List<String>> roomsByShard = new HashMap<>();
  private static String room0;
  private static String room1;

  @BeforeAll
  static void seed() {
    Map<String, String> env = TestConfig.environment();
    env.put("PARLEY_MYSQL_SHARDS", TestConfig.shardsVariable(TestConfig.databaseName(), 2));
    fixture = PersistenceFixture.deploy(TestConfig.config(env), 2);
    List<MysqlConfig> shards = MysqlConfig.shards(Settings.of(fixture.config));
    databases = shards.stream().map(mysql -> mysql.pool(fixture.vertx, mysql.database(), 2)).toList();
    users = fixture.users(3);
    // Placement is random: create until both shards hold some (each attempt is a coin toss).
    for (int attempt = 0; attempt < 64 && (roomsByShard.size() < 2 || roomsByShard.get(1).size() < 2
        || roomsByShard.get(0).size() < 2); attempt++) {
      String room = fixture.room(users.subList(0, 2));
      roomsByShard.computeIfAbsent(Shards.indexOf(Long.parseLong(room)), shard -> new ArrayList<>()).add(room);
    }
    assertThat(roomsByShard.keySet()).containsExactlyInAnyOrder(0, 1);
    room0 = roomsByShard.get(0).get(0);
    room1 = roomsByShard.get(1).get(0);
    // Interleaved sends to both shards: each shard commits its own batches.
    List<Future<?>> sends = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sends.add(fixture.send(room0, users.get(i % 2), "a" + i, "shard zero " + i));
      sends.add(fixture.send(room1, users.get(i % 2), "b" + i, "shard one @" + username(2) + " " + i));
    }
    Await.result(Future.all(sends));
  }

  @AfterAll
  static void close() {
    databases.forEach(Pool::close);
    fixture.close();
  }

  @Test
  void roomsLiveOnTheShardTheirIdNames() {
    assertThat(Long.parseLong(room1)).isGreaterThanOrEqualTo(SHARD_1_FIRST_ID);
    assertThat(Long.parseLong(room0)).isLessThan(SHARD_1_FIRST_ID);
    for (int shard = 0; shard < 2; shard++) {
      for (String room : roomsByShard.get(shard)) {
        assertThat(count(databases.get(shard), "SELECT COUNT(*) FROM rooms WHERE id = ?", room)).isEqualTo(1);
        assertThat(count(databases.get(1 - shard), "SELECT COUNT(*) FROM rooms WHERE id = ?", room)).isZero();
      }
    }
    assertThat(count(databases.get(1), "SELECT COUNT(*) FROM messages WHERE room_id = ?", room1)).isEqualTo(50);
    assertThat(count(databases.get(0), "SELECT COUNT(*) FROM messages WHERE room_id = ?", room1)).isZero();
    assertThat(count(databases.get(1), "SELECT COUNT(*) FROM message_events WHERE room_id = ?", room1)).isEqualTo(50);
    // Accounts stay on shard 0 only.
    assertThat(count(databases.get(1), "SELECT COUNT(*) FROM users WHERE id = ?", users.get(0))).isZero();
  }

  @Test
  void historyOnEachShardHasEverySeqInOrder() {
    for (String room : List.of(room0, room1)) {
      JsonObject page = Await.result(fixture.messages(RoomActions.HISTORY,
          new JsonObject().put("userId", users.get(0)).put("roomId", room).put("limit", 200)));
      JsonArray messages = page.getJsonArray("messages");
      assertThat(messages).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(messages.getJsonObject(i).getLong("seq")).isEqualTo(i + 1L);
        assertThat(messages.getJsonObject(i).getString("roomId")).isEqualTo(room);
      }
      assertThat(page.getLong("lastSeq")).isEqualTo(50L);
    }
  }

  @Test
  void aUsersRoomsComeFromEveryShardMostRecentFirst() {
    JsonArray mine = Await.result(fixture.<JsonObject>rooms(RoomActions.LIST_MINE,
        new JsonObject().put("userId", users.get(1)))).getJsonArray("rooms");
    List<String> ids = new ArrayList<>();
    List<Long> activity = new ArrayList<>();
    for (int i = 0; i < mine.size(); i++) {
      JsonObject room = mine.getJsonObject(i);
      ids.add(room.getString("id"));
      activity.add(room.containsKey("lastMessage") ? room.getJsonObject("lastMessage").getLong("ts")
          : room.getLong("createdAt"));
    }
    List<String> expected = new ArrayList<>(roomsByShard.get(0));
    expected.addAll(roomsByShard.get(1));
    assertThat(ids).containsAll(expected);
    assertThat(activity).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(ids.subList(0, 2)).containsExactlyInAnyOrder(room0, room1);

    JsonArray roomIds = Await.result(fixture.<JsonObject>rooms(RoomActions.USER_ROOMS,
        new JsonObject().put("userId", users.get(1)))).getJsonArray("roomIds");
    assertThat(roomIds.getList()).containsAll(expected);

    String nowhere = String.valueOf((5L << 40) + 1);
    JsonObject lastSeqs = Await.result(fixture.<JsonObject>rooms(RoomActions.LAST_SEQS,
        new JsonObject().put("roomIds", new JsonArray().add(room0).add(room1).add(nowhere)))).getJsonObject("lastSeqs");
    assertThat(lastSeqs.getMap()).containsOnlyKeys(room0, room1);
    assertThat(lastSeqs.getLong(room0)).isEqualTo(50L);
    assertThat(lastSeqs.getLong(room1)).isEqualTo(50L);
  }

  @Test
  void membersOfARoomOnAnotherShardKeepTheirUsernames() {
    String room = roomsByShard.get(1).get(1);
    JsonObject added = Await.result(fixture.rooms(RoomActions.ADD_MEMBER,
        new JsonObject().put("userId", users.get(0)).put("roomId", room).put("memberId", users.get(2)).put("role", "member")));
    assertThat(added.getString("username")).isEqualTo(username(2));
    JsonArray members = Await.result(fixture.<JsonObject>rooms(RoomActions.MEMBERS,
        new JsonObject().put("roomId", room))).getJsonArray("members");
    assertThat(members.stream().map(member -> ((JsonObject) member).getString("username")).toList())
        .containsExactlyInAnyOrder(username(0), username(1), username(2));

    ParleyException unknownUser = ParleyException.from(Await.failure(fixture.rooms(RoomActions.ADD_MEMBER,
        new JsonObject().put("userId", users.get(0)).put("roomId", room).put("memberId", "999999999").put("role", "member"))));
    assertThat(unknownUser.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void aPairHasOneDirectRoomWhicheverShardItIsOn() {
    List<Future<JsonObject>> racing = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racing.add(fixture.rooms(RoomActions.DIRECT, new JsonObject().put("userId", users.get(i % 2 == 0 ? 0 : 2))
          .put("otherId", users.get(i % 2 == 0 ? 2 : 0))));
    }
    Await.result(Future.all(racing));
    List<String> ids = racing.stream().map(done -> done.result().getJsonObject("room").getString("id")).distinct()
        .toList();
    assertThat(ids).hasSize(1);
    assertThat(racing.stream().filter(done -> done.result().getBoolean("created")).count()).isEqualTo(1);
  }

  @Test
  void publicRoomsOfBothShardsAreListedByName() {
    String prefix = "pub" + TestConfig.RUN_ID + "-";
    Map<Integer, Integer> perShard = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40 && (perShard.size() < 2 || names.size() < 6); i++) {
      String name = prefix + (char) ('z' - i % 26) + i;
      JsonObject room = Await.result(fixture.rooms(RoomActions.CREATE, new JsonObject().put("userId", users.get(0))
          .put("name", name).put("visibility", "public").put("members", new JsonArray())));
      perShard.merge(Shards.indexOf(Long.parseLong(room.getString("id"))), 1, Integer::sum);
      names.add(name);
    }
    assertThat(perShard).containsOnlyKeys(0, 1);
    JsonArray listed = Await.result(fixture.<JsonObject>rooms(RoomActions.LIST_PUBLIC,
        new JsonObject().put("q", prefix).put("limit", 100))).getJsonArray("rooms");
    List<String> listedNames = listed.stream().map(room -> ((JsonObject) room).getString("name")).toList();
    assertThat(listedNames).containsExactlyElementsOf(names.stream().sorted().toList());
    JsonArray firstThree = Await.result(fixture.<JsonObject>rooms(RoomActions.LIST_PUBLIC,
        new JsonObject().put("q", prefix).put("limit", 3))).getJsonArray("rooms");
    assertThat(firstThree.stream().map(room -> ((JsonObject) room).getString("name")).toList())
        .containsExactlyElementsOf(listedNames.subList(0, 3));
  }

  @Test
  void anIdOfNoShardNamesNoRoom() {
    String nowhere = String.valueOf((7L << 40) + 1);
    ParleyException missing = ParleyException.from(Await.failure(fixture.messages(RoomActions.HISTORY,
        new JsonObject().put("userId", users.get(0)).put("roomId", nowhere))));
    assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
    ParleyException send = ParleyException.from(Await.failure(fixture.send(nowhere, users.get(0), "x", "hello")));
    assertThat(send.code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void eachShardHasItsOwnEventStream() {
    JsonArray events = Await.result(fixture.<JsonObject>request(Addresses.PERSISTENCE_EVENTS, StreamActions.READ,
        new JsonObject().put("shard", 1).put("after", 0).put("limit", 2000))).getJsonArray("events");
    assertThat(events).isNotEmpty();
    for (Object event : events) {
      assertThat(((JsonObject) event).getInteger("shard")).isEqualTo(1);
      assertThat(Shards.indexOf(Long.parseLong(((JsonObject) event).getString("roomId")))).isEqualTo(1);
    }
    assertThat(events.stream().filter(event -> room1.equals(((JsonObject) event).getString("roomId"))).count())
        .isEqualTo(50);
    JsonObject head = Await.result(fixture.request(Addresses.PERSISTENCE_EVENTS, StreamActions.HEAD,
        new JsonObject().put("shard", 1)));
    assertThat(head.getLong("maxId")).isGreaterThanOrEqualTo(50L);
    assertThat(head.getInteger("shards")).as("readers compare it with their own list").isEqualTo(2);
    ParleyException noShard = ParleyException.from(Await.failure(fixture.request(Addresses.PERSISTENCE_EVENTS,
        StreamActions.HEAD, new JsonObject().put("shard", 2))));
    assertThat(noShard.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(noShard.field()).isEqualTo("shard");
  }

  @Test
  void mentionsInARoomOnShardOneNotifyItsMembers() {
    String room = roomsByShard.get(1).get(0);
    Await.result(fixture.rooms(RoomActions.ADD_MEMBER,
        new JsonObject().put("userId", users.get(0)).put("roomId", room).put("memberId", users.get(2)).put("role", "member"))
        .recover(alreadyMember -> Future.succeededFuture()));
    JsonArray created = Await.result(fixture.<JsonObject>request(Addresses.PERSISTENCE_NOTIFICATIONS,
        NotificationActions.DELIVER, new JsonObject().put("items", new JsonArray().add(new JsonObject()
            .put("roomId", room).put("seq", 1).put("from", users.get(0)).put("ts", 1L).put("text", "hi")
            .put("direct", false).put("mentions", new JsonArray().add(username(2).toUpperCase())))))).getJsonArray("created");
    assertThat(created).hasSize(1);
    assertThat(created.getJsonObject(0).getString("userId")).isEqualTo(users.get(2));
    assertThat(created.getJsonObject(0).getString("fromUsername")).isEqualTo(username(0));
    assertThat(count(databases.get(0), "SELECT COUNT(*) FROM notifications WHERE room_id = ?", room)).isEqualTo(1);
  }

  @Test
  void reorderedShardsRefuseToStart() {
    Map<String, String> env = TestConfig.environment();
    JsonArray reversed = new JsonArray(TestConfig.shardsVariable(TestConfig.databaseName(), 2));
    env.put("PARLEY_MYSQL_SHARDS", new JsonArray().add(reversed.getValue(1)).add(reversed.getValue(0)).encode());
    Throwable refused = Await.failure(fixture.vertx.deployVerticle(PersistenceVerticle.class,
        new DeploymentOptions().setConfig(TestConfig.config(env))));
    assertThat(refused).hasMessageContaining("mysql.shards").hasMessageContaining("order of the shards");
  }

  @Test
  void aDatabaseListedTwiceIsRefused() {
    Map<String, String> env = TestConfig.environment();
    env.put("PARLEY_MYSQL_SHARDS", "[{}, {\"database\": \"" + TestConfig.databaseName() + "\"}]");
    Throwable refused = Await.failure(fixture.vertx.deployVerticle(PersistenceVerticle.class,
        new DeploymentOptions().setConfig(TestConfig.config(env))));
    assertThat(refused).hasMessageContaining("mysql.shards").hasMessageContaining("same database twice");
  }

  private static String username(int user) {
    return Await.result(databases.get(0).preparedQuery("SELECT username FROM users WHERE id = ?")
        .execute(Tuple.of(Long.parseLong(users.get(user)))).map(rows -> rows.iterator().next().getString(0)));
  }

  private static long count(Pool pool, String sql, String id) {
    return Await.result(pool.preparedQuery(sql).execute(Tuple.of(Long.parseLong(id)))
        .map(rows -> rows.iterator().next().getLong(0)));
  }
}
