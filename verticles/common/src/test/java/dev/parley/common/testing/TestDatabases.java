package dev.parley.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;

/** Drops the per-run database a test created, so the shared MariaDB does not collect them. */
public final class TestDatabases {

  private TestDatabases() {
  }

  public static Future<Void> drop(Vertx vertx, JsonObject config) {
    JsonObject mysql = config.getJsonObject("mysql");
    String database = mysql.getString("database");
    if (!database.startsWith("parley_test_")) {
      return Future.failedFuture("refusing to drop non-test database " + database);
    }
    Pool pool = MySQLBuilder.pool()
        .connectingTo(new MySQLConnectOptions()
            .setHost(mysql.getString("host"))
            .setPort(mysql.getInteger("port"))
            .setUser(mysql.getString("user"))
            .setPassword(mysql.getString("password")))
        .using(vertx)
        .build();
    return pool.query("DROP DATABASE IF EXISTS `" + database + "`").execute()
        .<Void>mapEmpty()
        .eventually(pool::close);
  }
}
