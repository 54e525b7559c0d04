package dev.parley.http.apidocs;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The REST endpoints a router really serves under {@code /api/v1}, as {@code "METHOD /path"} with OpenAPI path
 * templates ({@code /rooms/{roomId}}): every route with a method and a plain path, sub-routers included; handlers
 * for every path (body, authentication) and wildcards are not endpoints. The HTTP verticle publishes its table in
 * the local map {@link #MAP} (key {@link #KEY}) so that the API-description test compares the document with the
 * running router, not with a copy of it.
 */
public final class RouteTable {

  public static final String MAP = "parley.http.routes";
  public static final String KEY = "api";
  private static final String PREFIX = "/api/v1";

  private RouteTable() {
  }

  public static Set<String> of(Router root) {
    Set<String> endpoints = new TreeSet<>();
    walk(root, "", endpoints);
    return endpoints;
  }

  public static void publish(Vertx vertx, Router root) {
    vertx.sharedData().<String, String>getLocalMap(MAP).put(KEY, String.join("\n", of(root)));
  }

  private static void walk(Router router, String prefix, Set<String> endpoints) {
    List<Route> routes = router.getRoutes();
    for (Route route : routes) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        walk(route.getSubRouter(), prefix + (path == null ? "" : path.replaceAll("/?\\*?$", "")), endpoints);
        continue;
      }
      // A wildcard route ("/x/*") reports its path as "/x/": a prefix, not an endpoint. Routes with parameters
      // (":roomId") are regex routes that still report their path; pure regex routes report none.
      if (path == null || path.contains("*") || path.endsWith("/") || route.methods() == null
          || route.methods().isEmpty()) {
        continue;
      }
      String full = prefix + path;
      if (!full.startsWith(PREFIX + "/")) {
        continue;
      }
      String template = full.substring(PREFIX.length()).replaceAll(":(\\w+)", "{$1}");
      for (HttpMethod method : route.methods()) {
        endpoints.add(method.name() + " " + template);
      }
    }
  }
}
