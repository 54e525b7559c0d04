package dev.parley.contract;

/**
 * The operations of {@link Addresses#PERSISTENCE_INTEGRATIONS} (bots, their tokens, incoming and outgoing
 * webhooks), in the {@link Addresses#ACTION} header. Ids are strings; {@code userId} is always the caller.
 */
public final class IntegrationActions {

  private IntegrationActions() {
  }

  /**
   * A bot owned by the caller: {@code {userId, username, displayName, kind: "api"|"webhook", tokenHash?, sessionId?}}
   * -> {@code {bot: {id, username, displayName, bot: true}}}; with a token hash, the token opens session
   * {@code sessionId}. 409 when the username is taken.
   */
  public static final String CREATE_BOT = "createBot";
  /** The caller's API bots: {@code {userId}} -> {@code {bots: [{id, username, displayName, createdAt}]}}. */
  public static final String LIST_BOTS = "listBots";
  /**
   * Deletes a bot of the caller and revokes its tokens: {@code {userId, botId}} -> {@code {botId, sessionIds}}
   * (the sessions to announce revoked); 404 for a bot that is not the caller's.
   */
  public static final String DELETE_BOT = "deleteBot";
  /**
   * Who a bot token is: {@code {tokenHash}} -> {@code {found, userId?, sessionId?, username?}}.
   */
  public static final String BOT_TOKEN = "botToken";

  /**
   * An incoming webhook of a room whose bot is already a member: {@code {userId, roomId, botId, name, secretHash}}
   * -> {@code {id, roomId, name, botId}}; the caller's role (owner/admin) is checked in the writing transaction.
   */
  public static final String CREATE_WEBHOOK = "createWebhook";
  /** A room's incoming webhooks (owner/admin): {@code {userId, roomId}} -> {@code {webhooks: [{id, name, botId, createdAt}]}}. */
  public static final String LIST_WEBHOOKS = "listWebhooks";
  /** Deletes an incoming webhook (owner/admin): {@code {userId, roomId, hookId}} -> {@code {botId}}. */
  public static final String DELETE_WEBHOOK = "deleteWebhook";
  /** An incoming webhook by its id and secret: {@code {hookId, secretHash}} -> {@code {roomId, botId}}; else 404. */
  public static final String WEBHOOK_BY_SECRET = "webhookBySecret";

  /**
   * An outgoing hook (owner/admin, checked in the writing transaction):
   * {@code {userId, roomId, url, events: [..], secret}} -> the hook {@code {id, roomId, url, events, createdAt}}.
   */
  public static final String CREATE_HOOK = "createHook";
  /** A room's outgoing hooks (owner/admin): {@code {userId, roomId}} -> {@code {hooks: [hook + {disabled?}]}}. */
  public static final String LIST_HOOKS = "listHooks";
  /** Deletes an outgoing hook (owner/admin): {@code {userId, roomId, hookId}} -> {@code {}}. */
  public static final String DELETE_HOOK = "deleteHook";
  /**
   * Every enabled outgoing hook of every shard, with its secret, for the delivering verticle:
   * {@code {}} -> {@code {hooks: [{id, roomId, url, events, secret}]}}.
   */
  public static final String ACTIVE_HOOKS = "activeHooks";
  /**
   * Disables an outgoing hook: {@code {hookId, reason}} -> {@code {disabled: bool, admins: [userId]}} (the owner
   * and admins of its room, to tell).
   */
  public static final String DISABLE_HOOK = "disableHook";

  /**
   * The user event the room's owner and admins get when one of its outgoing hooks is disabled:
   * {@code {type: "hook.disabled", hookId, room, reason}}.
   */
  public static final String HOOK_DISABLED_EVENT = "hook.disabled";
}
