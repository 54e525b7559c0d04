package dev.parley.http.auth;

import dev.parley.contract.ParleyException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reading and checking the bodies of the accounts endpoints against the contract's limits. Every refusal is a
 * 400 bad_request naming the field; no message ever echoes a value (it could be a password).
 */
public final class AuthRequests {

  static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9_.-]{3,32}");
  static final Pattern USERNAME_CHARS = Pattern.compile("[a-zA-Z0-9_.-]+");
  static final int PASSWORD_MIN = 8;
  static final int PASSWORD_MAX = 128;
  static final int DISPLAY_NAME_MAX = 64;
  static final int SEARCH_PREFIX_MAX = 32;
  static final int SEARCH_LIMIT_DEFAULT = 20;
  static final int SEARCH_LIMIT_MAX = 50;

  private AuthRequests() {
  }

  /**
   * The body as a JSON object. Parsed here rather than by RequestBody.asJsonObject so that a parser message,
   * which quotes the input, can never reach a log or a client.
   */
  static JsonObject body(RoutingContext ctx) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw ParleyException.badRequest(null, "the body must be a JSON object");
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException malformed) {
      throw ParleyException.badRequest(null, "malformed JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw ParleyException.badRequest(null, "the body must be a JSON object");
    }
    return object;
  }

  static String requiredString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      throw ParleyException.badRequest(field, field + " is required");
    }
    if (!(value instanceof String text)) {
      throw ParleyException.badRequest(field, field + " must be a string");
    }
    return text;
  }

  public static String username(JsonObject body) {
    String username = requiredString(body, "username");
    if (!USERNAME.matcher(username).matches()) {
      throw ParleyException.badRequest("username",
          "username must be 3-32 characters of letters, digits, '_', '.' and '-'");
    }
    return username;
  }

  static String password(JsonObject body) {
    String password = requiredString(body, "password");
    int length = password.codePointCount(0, password.length());
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw ParleyException.badRequest("password",
          "password must be " + PASSWORD_MIN + "-" + PASSWORD_MAX + " characters");
    }
    return password;
  }

  /** The display name (trimmed), or the username when none is given. */
  public static String displayName(JsonObject body, String username) {
    if (body.getValue("displayName") == null) {
      return username;
    }
    String name = requiredString(body, "displayName").strip();
    if (name.isEmpty() || name.codePointCount(0, name.length()) > DISPLAY_NAME_MAX
        || name.codePoints().anyMatch(Character::isISOControl)) {
      throw ParleyException.badRequest("displayName",
          "displayName must be 1-" + DISPLAY_NAME_MAX + " characters without control characters");
    }
    return name;
  }

  static String lower(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  /** {@code q} of {@code GET /users}: 1-32 characters. */
  static String searchPrefix(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    if (q == null || q.isEmpty()) {
      throw ParleyException.badRequest("q", "q (a username prefix) is required");
    }
    if (q.length() > SEARCH_PREFIX_MAX) {
      throw ParleyException.badRequest("q", "q must be at most " + SEARCH_PREFIX_MAX + " characters");
    }
    return q;
  }

  static int searchLimit(RoutingContext ctx) {
    String limit = ctx.request().getParam("limit");
    if (limit == null || limit.isEmpty()) {
      return SEARCH_LIMIT_DEFAULT;
    }
    try {
      int value = Integer.parseInt(limit);
      if (value >= 1 && value <= SEARCH_LIMIT_MAX) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw ParleyException.badRequest("limit", "limit must be a whole number from 1 to " + SEARCH_LIMIT_MAX);
  }
}
