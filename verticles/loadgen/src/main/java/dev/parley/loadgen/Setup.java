package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Registers the run's users and creates their rooms over REST, with bounded concurrency. */
final class Setup {

  /** A user of the run: its account, its room and the members of that room. */
  static final class User {
    final int index;
    final String username;
    String id;
    String token;
    /** Synthetic users carry their token in the URL ({@code ?token=u<id>.r<room>}), as the baseline wants. */
    boolean tokenInUrl;
    Room room;

    User(int index, String username) {
      this.index = index;
      this.username = username;
    }
  }

  static final class Room {
    String id;
    final List<User> members = new ArrayList<>();
  }

  private final Vertx vertx;
  private final Options options;
  private final WebClient web;

  Setup(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(options.setupConcurrency()));
  }

  Future<List<User>> run() {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < options.users(); i++) {
      users.add(new User(i, "lg" + options.runId() + "_" + i));
    }
    List<Room> rooms = new ArrayList<>();
    for (int i = 0; i < users.size(); i += options.roomSize()) {
      Room room = new Room();
      room.members.addAll(users.subList(i, Math.min(users.size(), i + options.roomSize())));
      room.members.forEach(user -> user.room = room);
      rooms.add(room);
    }
    if (options.synthetic()) {
      for (int r = 0; r < rooms.size(); r++) {
        rooms.get(r).id = String.valueOf(r + 1);
      }
      for (User user : users) {
        user.id = String.valueOf(user.index + 1);
        user.token = "u" + user.id + ".r" + user.room.id;
        user.tokenInUrl = true;
      }
      return Future.succeededFuture(users);
    }
    return bounded(users, this::register).compose(registered -> bounded(rooms, this::createRoom)).map(users);
  }

  private Future<Void> register(User user) {
    Options.Target target = options.target(user.index);
    JsonObject body = new JsonObject().put("username", user.username).put("password", options.password());
    return web.post(target.httpPort(), target.host(), "/api/v1/auth/register").sendJsonObject(body)
        .compose(response -> {
          if (response.statusCode() == 409) {
            return web.post(target.httpPort(), target.host(), "/api/v1/auth/login").sendJsonObject(body);
          }
          return Future.succeededFuture(response);
        })
        .compose(response -> {
          if (response.statusCode() != 200 && response.statusCode() != 201) {
            return Future.failedFuture("register " + user.username + ": HTTP " + response.statusCode() + " "
                + response.bodyAsString());
          }
          JsonObject session = response.bodyAsJsonObject();
          user.id = session.getJsonObject("user").getString("id");
          user.token = session.getString("accessToken");
          return Future.succeededFuture();
        });
  }

  private Future<Void> createRoom(Room room) {
    User owner = room.members.get(0);
    JsonArray others = new JsonArray();
    room.members.subList(1, room.members.size()).forEach(member -> others.add(member.id));
    Options.Target target = options.target(owner.index);
    return web.post(target.httpPort(), target.host(), "/api/v1/rooms")
        .putHeader("Authorization", "Bearer " + owner.token)
        .sendJsonObject(new JsonObject().put("name", "load " + options.runId()).put("members", others))
        .compose(response -> {
          if (response.statusCode() != 201) {
            return Future.failedFuture("create room: HTTP " + response.statusCode() + " " + response.bodyAsString());
          }
          room.id = response.bodyAsJsonObject().getString("id");
          return Future.succeededFuture();
        });
  }

  /** Runs the task for every item, at most setupConcurrency at a time; fails on the first failure. */
  private <T> Future<Void> bounded(List<T> items, java.util.function.Function<T, Future<Void>> task) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      int index = next.getAndIncrement();
      if (index >= items.size()) {
        return;
      }
      task.apply(items.get(index)).onComplete(result -> {
        if (result.failed()) {
          done.tryFail(result.cause());
        } else if (finished.incrementAndGet() == items.size()) {
          done.tryComplete();
        } else {
          pump[0].run();
        }
      });
    };
    vertx.runOnContext(start -> {
      for (int i = 0; i < Math.min(options.setupConcurrency(), items.size()); i++) {
        pump[0].run();
      }
    });
    return done.future();
  }
}
