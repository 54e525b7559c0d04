package dev.parley.hooks;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.IntegrationActions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The enabled outgoing hooks, read from persistence ({@code activeHooks}) at start, on every
 * {@link Addresses#HOOKS_CHANGED} announcement and every {@code hooks.reloadMs}; one {@link HookQueue} per hook, kept
 * across reloads. A hook that is gone (deleted, disabled, its room deleted) has its queue closed and what was still
 * waiting handed to {@code dropped}. Event-loop confined.
 */
final class HookRegistry {

  private final Vertx vertx;
  private final HooksConfig config;
  private final HookSender sender;
  private final ServiceRequests requests;
  private final HookQueue.Listener listener;
  private final Consumer<List<HookQueue.Delivery>> dropped;
  private final Map<String, HookQueue> byId = new HashMap<>();
  private final Map<String, List<HookQueue>> byRoom = new HashMap<>();
  private Future<Void> reloading = Future.succeededFuture();
  /** The reload asked for while one ran (null when none waits). */
  private Promise<Void> again;

  HookRegistry(Vertx vertx, HooksConfig config, HookSender sender, ServiceRequests requests,
      HookQueue.Listener listener, Consumer<List<HookQueue.Delivery>> dropped) {
    this.vertx = vertx;
    this.config = config;
    this.sender = sender;
    this.requests = requests;
    this.listener = listener;
    this.dropped = dropped;
  }

  /** Completes when the hooks of the latest reload requested so far are in place. */
  Future<Void> ready() {
    return again != null ? again.future() : reloading;
  }

  /**
   * Reads the hooks again; completes when what MySQL held at this call is in place. Reloads asked for while one
   * runs are done together, once, right after it (the running one may have read before their change).
   */
  Future<Void> reload() {
    if (!reloading.isComplete()) {
      if (again == null) {
        again = Promise.promise();
      }
      return again.future();
    }
    reloading = requests.<JsonObject>idempotent(Addresses.PERSISTENCE_INTEGRATIONS, IntegrationActions.ACTIVE_HOOKS,
            new JsonObject())
        .map(answer -> {
          List<Hook> hooks = answer.getJsonArray("hooks").stream().map(JsonObject.class::cast).map(Hook::fromJson).toList();
          replace(hooks);
          return (Void) null;
        })
        .eventually(() -> {
          Promise<Void> waiting = again;
          if (waiting != null) {
            again = null;
            vertx.runOnContext(next -> reload().onComplete(waiting));
          }
          return Future.succeededFuture();
        });
    return reloading;
  }

  List<HookQueue> ofRoom(String roomId) {
    return byRoom.getOrDefault(roomId, List.of());
  }

  int hooks() {
    return byId.size();
  }

  int backlog() {
    return byId.values().stream().mapToInt(HookQueue::size).sum();
  }

  /** Stops a hook here (it is being disabled); answers what it still had waiting. */
  List<HookQueue.Delivery> remove(String hookId) {
    HookQueue queue = byId.remove(hookId);
    if (queue == null) {
      return List.of();
    }
    List<HookQueue> room = new ArrayList<>(byRoom.getOrDefault(queue.hook().roomId(), List.of()));
    room.remove(queue);
    if (room.isEmpty()) {
      byRoom.remove(queue.hook().roomId());
    } else {
      byRoom.put(queue.hook().roomId(), List.copyOf(room));
    }
    return queue.close();
  }

  void closeAll() {
    new ArrayList<>(byId.keySet()).forEach(this::remove);
  }

  private void replace(List<Hook> hooks) {
    Map<String, Hook> fresh = new HashMap<>();
    hooks.forEach(hook -> fresh.put(hook.id(), hook));
    for (String gone : new ArrayList<>(byId.keySet())) {
      Hook now = fresh.get(gone);
      if (now == null || !now.equals(byId.get(gone).hook())) {
        dropped.accept(remove(gone));
      }
    }
    for (Hook hook : hooks) {
      if (!byId.containsKey(hook.id())) {
        HookQueue queue = new HookQueue(vertx, hook, config, sender, listener);
        byId.put(hook.id(), queue);
        List<HookQueue> room = new ArrayList<>(byRoom.getOrDefault(hook.roomId(), List.of()));
        room.add(queue);
        byRoom.put(hook.roomId(), List.copyOf(room));
      }
    }
  }
}
