package dev.parley.contract;

import io.vertx.core.json.JsonObject;

/**
 * A message shape of the event-bus contract: an immutable record that can write itself as JSON. Its codec
 * (see {@link Codecs}) passes the instance as it is inside one node and JSON between nodes.
 */
public interface JsonShape {

  JsonObject toJson();
}
