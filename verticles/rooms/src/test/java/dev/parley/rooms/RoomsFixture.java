package dev.parley.rooms;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.Codecs;
import dev.parley.contract.RoomActions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** One Vert.x running the persistence and rooms verticles on this run's database, and helpers to drive rooms. */
final class RoomsFixture {

  final Vertx vertx = Vertx.vertx();
  final JsonObject config;
  private final Pool db;

  private RoomsFixture(JsonObject config) {
    this.config = config;
    Codecs.registerAll(vertx);
    JsonObject mysql = config.getJsonObject("mysql");
    db = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost(mysql.getString("host"))
            .setPort(mysql.getInteger("port")).setUser(mysql.getString("user"))
            .setPassword(mysql.getString("password")).setDatabase(mysql.getString("database")))
        .using(vertx).build();
  }

  static RoomsFixture deploy() {
    return deploy(TestConfig.config());
  }

  static RoomsFixture deploy(JsonObject config) {
    RoomsFixture fixture = new RoomsFixture(config);
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    Await.result(fixture.vertx.deployVerticle("dev.parley.persistence.PersistenceVerticle", options)
        .compose(persistence -> fixture.vertx.deployVerticle(new RoomsVerticle(), options)));
    return fixture;
  }

  /** Users are created through SQL: accounts have their own tests and API. */
  List<String> users(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
      long id = Await.result(db.preparedQuery(
              "INSERT INTO users (username, username_lower, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
          .execute(Tuple.of(name, name, name, "x", System.currentTimeMillis()))
          .map(rows -> rows.property(MySQLClient.LAST_INSERTED_ID)));
      ids.add(String.valueOf(id));
    }
    return ids;
  }

  /** A private group room of {@code owner} with {@code admin} as admin and the others as members. */
  String room(String owner, String admin, String... members) {
    JsonArray all = new JsonArray().add(admin);
    List.of(members).forEach(all::add);
    String room = Await.result(this.<JsonObject>rooms(RoomActions.CREATE, new JsonObject().put("userId", owner).put("name", "race")
        .put("members", all))).getString("id");
    Await.result(setRole(owner, room, admin, "admin"));
    return room;
  }

  Future<JsonObject> setRole(String actor, String room, String memberId, String role) {
    return rooms(RoomActions.SET_ROLE, new JsonObject().put("userId", actor).put("roomId", room)
        .put("memberId", memberId).put("role", role));
  }

  Future<JsonObject> removeMember(String actor, String room, String memberId) {
    return rooms(RoomActions.REMOVE_MEMBER, new JsonObject().put("userId", actor).put("roomId", room)
        .put("memberId", memberId));
  }

  Future<JsonObject> addMember(String actor, String room, String memberId) {
    return rooms(RoomActions.ADD_MEMBER, new JsonObject().put("userId", actor).put("roomId", room)
        .put("memberId", memberId));
  }

  Future<JsonObject> leave(String actor, String room) {
    return rooms(RoomActions.LEAVE, new JsonObject().put("userId", actor).put("roomId", room));
  }

  Future<JsonObject> join(String actor, String room) {
    return rooms(RoomActions.JOIN, new JsonObject().put("userId", actor).put("roomId", room));
  }

  <T> Future<T> rooms(String action, JsonObject body) {
    return vertx.eventBus().<T>request(Addresses.ROOMS, body, new DeliveryOptions().addHeader(Addresses.ACTION, action))
        .map(Message::body);
  }

  /** Runs {@code start} on one event-loop context, so the requests it fires leave together. */
  <T> Future<T> onContext(Supplier<Future<T>> start) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(ignored -> start.get().onComplete(done));
    return done.future();
  }

  /** How many members of a live room hold the owner role, read straight from MySQL. */
  int owners(String room) {
    return Await.result(db.preparedQuery("""
            SELECT COUNT(*) AS owners FROM room_members m JOIN rooms r ON r.id = m.room_id
            WHERE m.room_id = ? AND m.role = 'owner' AND r.deleted_at IS NULL""")
        .execute(Tuple.of(Long.parseLong(room))).map(rows -> rows.iterator().next().getInteger("owners")));
  }

  void close() {
    Await.result(db.close());
    Await.result(TestDatabases.drop(vertx, config));
    Await.result(vertx.close());
  }
}
