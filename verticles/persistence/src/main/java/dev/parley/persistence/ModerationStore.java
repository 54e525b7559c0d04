package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ModerationActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link Addresses#PERSISTENCE_MODERATION}: blocks, reports and the administrators' operations
 * ({@link ModerationActions}). Bans and slow mode are room writes ({@link RoomWrites}, {@link SendBatcher}).
 */
final class ModerationStore {

  private final Vertx vertx;
  private final Blocks blocks;
  private final Map<String, Function<JsonObject, Future<?>>> actions;

  ModerationStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.blocks = new Blocks(shards.global().pool(), new Usernames(shards.global().pool()));
    Reports reports = new Reports(shards);
    Administration administration = new Administration(shards);
    this.actions = Map.of(
        ModerationActions.BLOCK, request -> blocks.block(request).onSuccess(changed -> blocksChanged(request)),
        ModerationActions.UNBLOCK, request -> blocks.unblock(request).onSuccess(changed -> blocksChanged(request)),
        ModerationActions.BLOCKS, blocks::list,
        ModerationActions.REPORT, reports::report,
        ModerationActions.REPORTS, reports::latest,
        ModerationActions.DEACTIVATE, administration::deactivate,
        ModerationActions.REACTIVATE, administration::reactivate,
        ModerationActions.USERS, administration::users,
        ModerationActions.AUDIT, administration::audit,
        ModerationActions.STATS, administration::stats);
  }

  Future<?> register() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_MODERATION, request ->
        Dispatch.handle(request, actions)).completion();
  }

  /** Every socket instance drops its cached copy of the blocker's blocks (presence). */
  private void blocksChanged(JsonObject request) {
    vertx.eventBus().publish(Addresses.BLOCKS_CHANGED, new JsonObject().put("userId", request.getString("userId")));
  }
}
