package dev.parley.http;

import dev.parley.contract.ParleyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reading request bodies and query parameters, with contract errors that name the field. */
public final class Requests {

  private Requests() {
  }

  /** The body as a JSON object; malformed JSON or anything but an object is bad_request. */
  public static JsonObject jsonBody(RoutingContext ctx) {
    try {
      Object value = ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0 ? null
          : ctx.body().asJsonObject();
      if (value == null) {
        throw ParleyException.badRequest(null, "the body must be a JSON object");
      }
      return (JsonObject) value;
    } catch (DecodeException | ClassCastException malformed) {
      throw ParleyException.badRequest(null, "the body must be a JSON object");
    }
  }

  /** An optional string field; any other JSON type is bad_request naming the field. */
  public static String optionalString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ParleyException.badRequest(field, field + " must be a string");
    }
    return text;
  }

  public static String requiredString(JsonObject body, String field) {
    String value = optionalString(body, field);
    if (value == null) {
      throw ParleyException.badRequest(field, field + " is required");
    }
    return value;
  }

  /** An optional whole number, given as a JSON number or a numeric string. */
  public static Long optionalLong(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    return parseLong(value.toString(), field, value instanceof Number number && number.doubleValue() % 1 != 0);
  }

  /** An optional whole-number query parameter. */
  public static Long queryLong(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isEmpty() ? null : parseLong(value, name, false);
  }

  private static Long parseLong(String text, String field, boolean fractional) {
    try {
      if (!fractional) {
        return Long.parseLong(text.trim());
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw ParleyException.badRequest(field, field + " must be a whole number");
  }
}
