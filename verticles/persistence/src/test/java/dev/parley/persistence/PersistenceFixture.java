package dev.parley.persistence;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.Codecs;
import dev.parley.contract.RoomActions;
import dev.parley.contract.SendMessage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A Vert.x with the persistence verticle deployed on this run's own database, and helpers to drive it. */
final class PersistenceFixture {

  final Vertx vertx = Vertx.vertx();
  final JsonObject config;
  private Pool direct;

  PersistenceFixture(JsonObject config) {
    this.config = config;
    Codecs.registerAll(vertx);
  }


  static PersistenceFixture deploy(int instances) {
    return deploy(TestConfig.config(), instances);
  }

  static PersistenceFixture deploy(JsonObject config, int instances) {
    PersistenceFixture fixture = new PersistenceFixture(config);
    Await.result(fixture.vertx.deployVerticle(PersistenceVerticle.class,
        new DeploymentOptions().setConfig(config).setInstances(instances)));
    return fixture;
  }

  /** A pool on the test database that bypasses the verticle, to check what is really stored. */
  Pool db() {
    if (direct == null) {
      MysqlConfig mysql = MysqlConfig.from(dev.parley.common.Settings.of(config));
      direct = mysql.pool(vertx, mysql.database(), 2);
    }
    return direct;
  }

  /** Users are created through SQL here: accounts have their own tests and API. */
  List<String> users(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
      long id = Await.result(db().preparedQuery(
              "INSERT INTO users (username, username_lower, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
          .execute(Tuple.of(name, name, name, "x", System.currentTimeMillis()))
          .map(rows -> rows.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID)));
      ids.add(String.valueOf(id));
    }
    return ids;
  }

  /** A room owned by the first user with the others as members. */
  String room(List<String> members) {
    JsonObject room = Await.result(rooms(RoomActions.CREATE, new JsonObject()
        .put("userId", members.get(0)).put("name", "room").put("visibility", "private")
        .put("members", new JsonArray(members.subList(1, members.size())))));
    return room.getString("id");
  }

  <T> Future<T> rooms(String action, JsonObject body) {
    return request(Addresses.PERSISTENCE_ROOMS, action, body);
  }

  <T> Future<T> messages(String action, JsonObject body) {
    return request(Addresses.PERSISTENCE_MESSAGES, action, body);
  }

  <T> Future<T> request(String address, String action, JsonObject body) {
    return vertx.eventBus().<T>request(address, body, new DeliveryOptions().addHeader(Addresses.ACTION, action))
        .map(Message::body);
  }

  Future<Message<ChatMessage>> send(String roomId, String senderId, String clientMsgId, String text) {
    return vertx.eventBus().request(Addresses.PERSISTENCE_SEND, new SendMessage(roomId, senderId, clientMsgId, text, null),
        new DeliveryOptions().setSendTimeout(30_000));
  }

  void close() {
    Await.result(TestDatabases.drop(vertx, config));
    Await.result(vertx.close());
  }
}
