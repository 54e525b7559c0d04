package dev.parley.rooms;

import dev.parley.common.HealthChecks;
import dev.parley.common.RedisSupport;
import dev.parley.common.Replies;
import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.RoomStanding;
import dev.parley.contract.UserEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms and membership: checks the shape of each request, has persistence decide it (role checks run there,
 * under the room lock, in the transaction that writes; {@link RoomStanding}), then announces the change — on the room's address for its members' sockets and as
 * a user event for each affected user, so that user's open sockets start or stop following the room. Membership
 * lookups for other verticles (sockets, search) are answered from a Redis cache over MySQL.
 */
public final class RoomsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoomsVerticle.class);

  private Redis redis;
  private MembershipCache cache;
  private ServiceRequests toPersistence;
  private MessageConsumer<JsonObject> healthCheck;
  private final Map<String, Function<JsonObject, Future<?>>> actions = Map.ofEntries(
      Map.entry(RoomActions.CREATE, this::create),
      Map.entry(RoomActions.DIRECT, this::direct),
      Map.entry(RoomActions.LIST_MINE, request -> persistence(RoomActions.LIST_MINE, request)),
      Map.entry(RoomActions.LIST_PUBLIC, request -> persistence(RoomActions.LIST_PUBLIC, request)),
      Map.entry(RoomActions.GET, this::get),
      Map.entry(RoomActions.UPDATE, this::update),
      Map.entry(RoomActions.DELETE, this::delete),
      Map.entry(RoomActions.JOIN, this::join),
      Map.entry(RoomActions.LEAVE, this::leave),
      Map.entry(RoomActions.MEMBERS, this::members),
      Map.entry(RoomActions.ADD_MEMBER, this::addMember),
      Map.entry(RoomActions.REMOVE_MEMBER, this::removeMember),
      Map.entry(RoomActions.SET_ROLE, this::setRole),
      Map.entry(RoomActions.BAN, this::ban),
      Map.entry(RoomActions.UNBAN, this::unban),
      Map.entry(RoomActions.BANS, this::bans),
      Map.entry(RoomActions.MEMBERSHIP, this::membership),
      Map.entry(RoomActions.USER_ROOMS, this::userRooms));

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    redis = RedisSupport.client(vertx, settings);
    RedisAPI api = RedisAPI.api(redis);
    cache = new MembershipCache(api, RedisSupport.keyPrefix(settings), settings.integer("rooms.cacheTtlSeconds", 300));
    toPersistence = new ServiceRequests(vertx, settings.integer("rooms.requestTimeoutMs", 10_000));
    Future<Void> consumer = vertx.eventBus().<JsonObject>consumer(Addresses.ROOMS, this::dispatch).completion();
    return Future.all(consumer, HealthChecks.register(vertx, "redis", () -> RedisSupport.ping(api))
            .onSuccess(registered -> healthCheck = registered))
        .onSuccess(started -> LOG.info("rooms verticle started"));
  }

  @Override
  public Future<?> stop() {
    return HealthChecks.unregister(vertx, healthCheck).eventually(() -> {
      redis.close();
      return Future.succeededFuture();
    });
  }

  private void dispatch(Message<JsonObject> request) {
    Replies.dispatch(request, actions, ParleyException::from);
  }

  // --- operations ---------------------------------------------------------------------------------------

  private Future<JsonObject> create(JsonObject request) {
    String userId = request.getString("userId");
    JsonObject room = new JsonObject()
        .put("userId", userId)
        .put("name", RoomRules.name(request.getValue("name"), true))
        .put("visibility", RoomRules.visibility(request.getValue("visibility"), "private"))
        .put("members", memberIds(request.getValue("members")));
    return this.<JsonObject>persistence(RoomActions.CREATE, room).compose(created -> {
      String roomId = created.getString("id");
      List<String> members = new java.util.ArrayList<>(List.of(userId));
      room.getJsonArray("members").forEach(id -> {
        if (!members.contains(String.valueOf(id))) {
          members.add(String.valueOf(id));
        }
      });
      return joined(roomId, members).map(created);
    });
  }

  private Future<JsonObject> direct(JsonObject request) {
    String userId = request.getString("userId");
    Object other = request.getValue("otherId");
    if (!(other instanceof String otherId) || otherId.isBlank()) {
      throw ParleyException.badRequest("userId", "userId of the other user is required");
    }
    return this.<JsonObject>persistence(RoomActions.DIRECT, new JsonObject().put("userId", userId).put("otherId", otherId))
        .compose(result -> result.getBoolean("created")
            ? joined(result.getJsonObject("room").getString("id"), List.of(userId, otherId)).map(result)
            : Future.succeededFuture(result));
  }

  private Future<JsonObject> get(JsonObject request) {
    return standing(request).map(standing -> standing.requireVisible().room().copy()
        .put("role", standing.role()));
  }

  private Future<JsonObject> update(JsonObject request) {
    String name = RoomRules.name(request.getValue("name"), false);
    String visibility = RoomRules.visibility(request.getValue("visibility"), null);
    Integer slowMode = RoomRules.slowModeSeconds(request.getValue("slowModeSeconds"));
    if (name == null && visibility == null && slowMode == null) {
      throw ParleyException.badRequest("name", "nothing to change: give name, visibility and/or slowModeSeconds");
    }
    return this.<JsonObject>persistence(RoomActions.UPDATE, caller(request).put("name", name).put("visibility", visibility)
            .put("slowModeSeconds", slowMode))
        .onSuccess(room -> publishRoom(room.getString("id"), RoomEvent.ROOM_UPDATED,
            room.copy().put("room", room.getString("id"))));
  }

  private Future<Void> delete(JsonObject request) {
    String roomId = request.getString("roomId");
    return this.<JsonObject>persistence(RoomActions.DELETE, caller(request)).compose(result -> {
      List<String> memberIds = strings(result.getJsonArray("memberIds"));
      JsonObject event = new JsonObject().put("room", roomId);
      publishRoom(roomId, RoomEvent.ROOM_DELETED, event);
      memberIds.forEach(member -> publishUser(member, roomId, RoomEvent.ROOM_DELETED, event));
      return cache.invalidate(roomId, memberIds);
    });
  }

  private Future<JsonObject> join(JsonObject request) {
    String roomId = request.getString("roomId");
    return this.<JsonObject>persistence(RoomActions.JOIN, caller(request)).compose(result -> result.getBoolean("joined")
        ? joined(roomId, List.of(request.getString("userId"))).map(result.getJsonObject("room"))
        : Future.succeededFuture(result.getJsonObject("room")));
  }

  private Future<Void> leave(JsonObject request) {
    return this.<JsonObject>persistence(RoomActions.LEAVE, caller(request))
        .compose(result -> removed(request.getString("roomId"), request.getString("userId"), result));
  }

  private Future<JsonObject> members(JsonObject request) {
    return standing(request).compose(standing -> {
      standing.requireVisible();
      return persistence(RoomActions.MEMBERS, new JsonObject().put("roomId", standing.roomId()));
    });
  }

  private Future<JsonObject> addMember(JsonObject request) {
    String memberId = requiredUserId(request.getValue("memberId"));
    String role = RoomRules.role(request.getValue("role"), RoomStanding.MEMBER);
    return this.<JsonObject>persistence(RoomActions.ADD_MEMBER, caller(request).put("memberId", memberId).put("role", role))
        .compose(member -> joined(request.getString("roomId"), List.of(memberId)).map(member));
  }

  private Future<Void> removeMember(JsonObject request) {
    String memberId = requiredUserId(request.getValue("memberId"));
    return this.<JsonObject>persistence(RoomActions.REMOVE_MEMBER, caller(request).put("memberId", memberId))
        .compose(result -> removed(request.getString("roomId"), memberId, result));
  }

  private Future<JsonObject> setRole(JsonObject request) {
    String memberId = requiredUserId(request.getValue("memberId"));
    String role = RoomRules.role(request.getValue("role"), null);
    String roomId = request.getString("roomId");
    return this.<JsonObject>persistence(RoomActions.SET_ROLE, caller(request).put("memberId", memberId).put("role", role))
        .compose(member -> {
          // Persistence checked under the room lock that the caller was the owner: now they are an admin.
          List<String> changed = RoomStanding.OWNER.equals(role) ? List.of(memberId, request.getString("userId"))
              : List.of(memberId);
          return cache.invalidate(roomId, changed).map(member);
        })
        .onSuccess(member -> publishRoom(roomId, RoomEvent.ROOM_UPDATED, new JsonObject()
            .put("room", roomId).put("member", member)));
  }

  /** Persistence bans under the room lock; a member banned is removed, which stops their streams everywhere. */
  private Future<JsonObject> ban(JsonObject request) {
    String memberId = requiredUserId(request.getValue("memberId"));
    String reason = RoomRules.reason(request.getValue("reason"));
    return this.<JsonObject>persistence(RoomActions.BAN, caller(request).put("memberId", memberId).put("reason", reason))
        .compose(result -> removed(request.getString("roomId"), memberId, result).map(result.getJsonObject("ban")));
  }

  private Future<JsonObject> unban(JsonObject request) {
    String memberId = requiredUserId(request.getValue("memberId"));
    return persistence(RoomActions.UNBAN, caller(request).put("memberId", memberId));
  }

  private Future<JsonObject> bans(JsonObject request) {
    return standing(request).compose(standing -> {
      standing.requireAdmin();
      return persistence(RoomActions.BANS, new JsonObject().put("roomId", standing.roomId()));
    });
  }

  private Future<JsonObject> membership(JsonObject request) {
    String roomId = request.getString("roomId");
    String userId = request.getString("userId");
    return cache.membership(roomId, userId, () -> persistence(RoomActions.MEMBERSHIP,
        new JsonObject().put("roomId", roomId).put("userId", userId)));
  }

  private Future<JsonObject> userRooms(JsonObject request) {
    String userId = request.getString("userId");
    return cache.userRooms(userId, () -> this.<JsonObject>persistence(RoomActions.USER_ROOMS,
            new JsonObject().put("userId", userId)).map(result -> result.getJsonArray("roomIds")))
        .map(roomIds -> new JsonObject().put("roomIds", roomIds));
  }

  // --- helpers ------------------------------------------------------------------------------------------

  private Future<RoomStanding> standing(JsonObject request) {
    return this.<JsonObject>persistence(RoomActions.ACCESS, caller(request)).map(RoomStanding::of);
  }

  /** The caller and the room a request is about: what persistence decides role-dependent writes on. */
  private static JsonObject caller(JsonObject request) {
    return new JsonObject().put("userId", request.getString("userId")).put("roomId", request.getString("roomId"));
  }

  /** Announces new members and forgets their cached membership. */
  private Future<Void> joined(String roomId, List<String> userIds) {
    return cache.invalidate(roomId, userIds).onSuccess(done -> userIds.forEach(userId -> {
      JsonObject event = new JsonObject().put("room", roomId).put("userId", userId);
      // The member's own sockets get the user event (it makes them follow the room), not the room copy.
      vertx.eventBus().publish(Addresses.room(roomId), RoomEvent.by(userId, roomId, RoomEvent.MEMBER_JOINED, event));
      publishUser(userId, roomId, RoomEvent.MEMBER_JOINED, event);
    }));
  }

  /** After persistence removed a member (a kick or a leave): forgets and announces it. */
  private Future<Void> removed(String roomId, String userId, JsonObject result) {
    if (!result.getBoolean("removed")) {
      return Future.succeededFuture();
    }
    return cache.invalidate(roomId, List.of(userId))
        .onSuccess(done -> {
          JsonObject event = new JsonObject().put("room", roomId).put("userId", userId);
          // Once, through the user event, for the member who left; the room copy for everyone else.
          vertx.eventBus().publish(Addresses.room(roomId), RoomEvent.by(userId, roomId, RoomEvent.MEMBER_LEFT, event));
          publishUser(userId, roomId, RoomEvent.MEMBER_LEFT, event);
        });
  }

  private void publishRoom(String roomId, String type, JsonObject body) {
    vertx.eventBus().publish(Addresses.room(roomId), RoomEvent.of(roomId, type, 0, body));
  }

  private void publishUser(String userId, String roomId, String type, JsonObject body) {
    vertx.eventBus().publish(Addresses.USER_EVENTS, UserEvent.of(userId, type, roomId, body));
  }

  private <T> Future<T> persistence(String action, JsonObject body) {
    return RoomActions.READS.contains(action)
        ? toPersistence.idempotent(Addresses.PERSISTENCE_ROOMS, action, body)
        : toPersistence.request(Addresses.PERSISTENCE_ROOMS, action, body);
  }

  private static JsonArray memberIds(Object value) {
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array) || array.size() > 1000) {
      throw ParleyException.badRequest("members", "members must be a list of at most 1000 user ids");
    }
    JsonArray ids = new JsonArray();
    for (Object id : array) {
      if (!(id instanceof String) && !(id instanceof Number)) {
        throw ParleyException.badRequest("members", "members must be a list of user ids");
      }
      ids.add(String.valueOf(id));
    }
    return ids;
  }

  private static String requiredUserId(Object value) {
    if (!(value instanceof String id) || id.isBlank()) {
      throw ParleyException.badRequest("userId", "userId is required");
    }
    return id;
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String::valueOf).toList();
  }
}
