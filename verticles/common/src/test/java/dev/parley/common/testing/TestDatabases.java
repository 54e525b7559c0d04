package dev.parley.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/** Drops the per-run databases (with every listed shard's) a test created, so the shared MariaDB does not collect them. */
public final class TestDatabases {

  private TestDatabases() {
  }

  public static Future<Void> drop(Vertx vertx, JsonObject config) {
    JsonObject mysql = config.getJsonObject("mysql");
    List<String> databases = new ArrayList<>();
    databases.add(mysql.getString("database"));
    mysql.getJsonArray("shards", new JsonArray()).forEach(shard ->
        databases.add(((JsonObject) shard).getString("database", mysql.getString("database"))));
    for (String database : databases) {
      if (!database.startsWith("parley_test_")) {
        return Future.failedFuture("refusing to drop non-test database " + database);
      }
    }
    Pool pool = MySQLBuilder.pool()
        .connectingTo(new MySQLConnectOptions()
            .setHost(mysql.getString("host"))
            .setPort(mysql.getInteger("port"))
            .setUser(mysql.getString("user"))
            .setPassword(mysql.getString("password")))
        .using(vertx)
        .build();
    Future<Void> dropped = Future.succeededFuture();
    for (String database : new java.util.LinkedHashSet<>(databases)) {
      dropped = dropped.compose(previous -> pool.query("DROP DATABASE IF EXISTS `" + database + "`").execute()
          .mapEmpty());
    }
    return dropped.eventually(pool::close);
  }
}
