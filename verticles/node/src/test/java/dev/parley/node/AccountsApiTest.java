package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.common.testing.TestJwt;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * The Accounts part of the contract through real nodes: one with persistence and HTTP, a second HTTP-only node
 * in the same cluster, the real MariaDB and Redis. Records every error body and every log line, checked last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccountsApiTest {

  private static final Map<String, String> ENV = environment();
  private static final String PREFIX = ENV.get("PARLEY_REDIS_KEYPREFIX");
  private static final int LOGIN_PER_IP = 40;
  private static final int LOGIN_PER_USERNAME = 5;
  /** The per-username ceiling over all addresses: above the attempts of the lockout test before its last part. */
  private static final int LOGIN_PER_USERNAME_ANYWHERE = 20;

  private static Node first;
  private static Node second;
  private static Vertx client;
  private static WebClient web;
  private static int firstPort;
  private static int secondPort;
  private static ListAppender<ILoggingEvent> logs;
  private static Level parleyLevel;
  /** Every password and token sent or received: none may ever appear in a log line. */
  private static final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private static final List<String> errorBodies = new CopyOnWriteArrayList<>();

  private static Map<String, String> environment() {
    Map<String, String> env = TestConfig.environment();
    // Own rate-limit counters and session keys, so other test classes of this run cannot interfere.
    env.put("PARLEY_REDIS_KEYPREFIX", env.get("PARLEY_REDIS_KEYPREFIX") + "accounts:");
    env.put("PARLEY_AUTH_RATELIMIT_LOGINPERIP_LIMIT", String.valueOf(LOGIN_PER_IP));
    env.put("PARLEY_AUTH_RATELIMIT_LOGINPERUSERNAMEANDIP_LIMIT", String.valueOf(LOGIN_PER_USERNAME));
    env.put("PARLEY_AUTH_RATELIMIT_LOGINPERUSERNAME_LIMIT", String.valueOf(LOGIN_PER_USERNAME_ANYWHERE));
    env.put("PARLEY_AUTH_RATELIMIT_REGISTERPERIP_LIMIT", "200");
    env.put("PARLEY_AUTH_RATELIMIT_REGISTERPERUSERNAME_LIMIT", "10");
    return env;
  }

  private static Map<String, String> secondEnvironment() {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("PARLEY_HTTP_PORT", String.valueOf(TestConfig.freePort()));
    env.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    return env;
  }

  @BeforeAll
  static void start() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Logger parley = (Logger) LoggerFactory.getLogger("dev.parley");
    parleyLevel = parley.getLevel();
    parley.setLevel(Level.DEBUG);

    first = TestNodes.start("""
        [{"verticle": "persistence", "instances": 1}, {"verticle": "http", "instances": 2}]""", ENV);
    Map<String, String> secondEnv = secondEnvironment();
    second = TestNodes.start("[{\"verticle\": \"http\", \"instances\": 1}]", secondEnv);
    firstPort = Integer.parseInt(ENV.get("PARLEY_HTTP_PORT"));
    secondPort = Integer.parseInt(secondEnv.get("PARLEY_HTTP_PORT"));
    client = Vertx.vertx();
    web = WebClient.create(client);
  }

  @AfterAll
  static void stop() {
    try {
      Await.result(TestRedis.deleteKeys(client, TestConfig.config(ENV)));
      Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    } finally {
      Await.result(second.stop());
      Await.result(first.stop());
      Await.result(client.close());
      ((Logger) LoggerFactory.getLogger("dev.parley")).setLevel(parleyLevel);
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }
  }

  // --- HTTP helpers ----------------------------------------------------------------------------------------

  private static HttpResponse<Buffer> call(WebClient via, int port, HttpMethod method, String path, String token,
      Buffer body) {
    HttpRequest<Buffer> request = via.request(method, port, "127.0.0.1", path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    HttpResponse<Buffer> response = Await.result(body == null ? request.send() : request.sendBuffer(body));
    if (response.statusCode() >= 400) {
      errorBodies.add(response.bodyAsString());
    }
    remember(response);
    return response;
  }

  private static HttpResponse<Buffer> post(int port, String path, JsonObject body) {
    return call(web, port, HttpMethod.POST, path, null, body.toBuffer());
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return post(firstPort, path, body);
  }

  private static HttpResponse<Buffer> get(int port, String path, String token) {
    return call(web, port, HttpMethod.GET, path, token, null);
  }

  private static HttpResponse<Buffer> get(String path, String token) {
    return get(firstPort, path, token);
  }

  private static void remember(HttpResponse<Buffer> response) {
    try {
      JsonObject json = response.bodyAsJsonObject();
      if (json != null) {
        for (String field : new String[] {"accessToken", "refreshToken"}) {
          if (json.getString(field) != null) {
            secrets.add(json.getString(field));
          }
        }
      }
    } catch (RuntimeException notAnObject) {
      // error-free non-object bodies carry no secrets
    }
  }

  private static String unique(String stem) {
    return stem + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static String password() {
    String password = "pw-" + UUID.randomUUID();
    secrets.add(password);
    return password;
  }

  private static JsonObject credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  /** A registered user: name, password and the register response. */
  private record Account(String username, String password, JsonObject session) {

    String id() {
      return session.getJsonObject("user").getString("id");
    }

    String accessToken() {
      return session.getString("accessToken");
    }

    String refreshToken() {
      return session.getString("refreshToken");
    }
  }

  private static Account register() {
    String username = unique("user");
    String password = password();
    HttpResponse<Buffer> response = post("/api/v1/auth/register", credentials(username, password));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return new Account(username, password, response.bodyAsJsonObject());
  }

  private static JsonObject login(Account account) {
    HttpResponse<Buffer> response = post("/api/v1/auth/login", credentials(account.username(), account.password()));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> refresh(String refreshToken) {
    return post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", refreshToken));
  }

  private static HttpResponse<Buffer> logout(int port, String token) {
    return call(web, port, HttpMethod.POST, "/api/v1/auth/logout", token, null);
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("field")).isEqualTo(field);
  }

  private static void assertSessionShape(JsonObject session, String username) {
    assertThat(session.fieldNames()).containsExactlyInAnyOrder("user", "accessToken", "refreshToken", "expiresIn");
    assertThat(session.getValue("expiresIn")).isEqualTo(900);
    assertThat(session.getString("refreshToken")).matches("[A-Za-z0-9_-]{43}");
    assertThat(session.getString("accessToken").split("\\.")).hasSize(3);
    JsonObject user = session.getJsonObject("user");
    assertThat(user.fieldNames()).containsExactlyInAnyOrder("id", "username", "displayName");
    assertThat(user.getValue("id")).isInstanceOf(String.class);
    assertThat(user.getString("username")).isEqualTo(username);
  }

  /** Polls (on a timer, no sleeping) until the condition holds; false if the deadline passed first. */
  private static boolean within(Duration deadline, java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Promise<Void> tick = Promise.promise();
      client.setTimer(20, id -> tick.complete());
      Await.result(tick.future());
    }
    return false;
  }

  // --- happy paths -----------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void registerLoginRefreshMeAndLogout() {
    String username = unique("Alice");
    String password = password();

    HttpResponse<Buffer> registered = post("/api/v1/auth/register", credentials(username, password)
        .put("displayName", "  Alice Liddell  "));
    assertThat(registered.statusCode()).isEqualTo(201);
    assertThat(registered.getHeader("cache-control")).isEqualTo("no-store");
    JsonObject first = registered.bodyAsJsonObject();
    assertSessionShape(first, username);
    assertThat(first.getJsonObject("user").getString("displayName")).isEqualTo("Alice Liddell");
    String userId = first.getJsonObject("user").getString("id");

    HttpResponse<Buffer> me = get("/api/v1/users/me", first.getString("accessToken"));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", userId).put("username", username)
        .put("displayName", "Alice Liddell"));

    // Login is case-insensitive on the username and opens a second, independent session.
    HttpResponse<Buffer> loggedIn = post("/api/v1/auth/login", credentials(username.toUpperCase(), password));
    assertThat(loggedIn.statusCode()).isEqualTo(200);
    JsonObject second = loggedIn.bodyAsJsonObject();
    assertSessionShape(second, username);
    assertThat(second.getJsonObject("user").getString("id")).isEqualTo(userId);

    HttpResponse<Buffer> refreshed = refresh(second.getString("refreshToken"));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    JsonObject third = refreshed.bodyAsJsonObject();
    assertSessionShape(third, username);
    assertThat(third.getString("refreshToken")).isNotEqualTo(second.getString("refreshToken"));
    assertThat(get("/api/v1/users/me", third.getString("accessToken")).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> out = logout(firstPort, third.getString("accessToken"));
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.bodyAsString()).isNullOrEmpty();
    assertError(get("/api/v1/users/me", third.getString("accessToken")), 401, "unauthorized", null);
    assertError(get("/api/v1/users/me", second.getString("accessToken")), 401, "unauthorized", null);
    assertError(refresh(third.getString("refreshToken")), 401, "unauthorized", null);
    // The first session is another login: still fine.
    assertThat(get("/api/v1/users/me", first.getString("accessToken")).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(2)
  void displayNameDefaultsToTheUsername() {
    Account account = register();
    assertThat(account.session().getJsonObject("user").getString("displayName")).isEqualTo(account.username());
  }

  @Test
  @Order(3)
  void usersAreSearchedByUsernamePrefixWithoutPasswordData() {
    String stem = unique("find");
    Account account = register();
    for (String suffix : new String[] {"_one", "_two", "three"}) {
      assertThat(post("/api/v1/auth/register", credentials(stem + suffix, password())).statusCode()).isEqualTo(201);
    }

    HttpResponse<Buffer> found = get("/api/v1/users?q=" + stem.toUpperCase(), account.accessToken());
    assertThat(found.statusCode()).isEqualTo(200);
    JsonArray users = found.bodyAsJsonObject().getJsonArray("users");
    assertThat(users).hasSize(3);
    for (Object user : users) {
      assertThat(((JsonObject) user).fieldNames()).containsExactlyInAnyOrder("id", "username", "displayName");
    }
    assertThat(found.bodyAsString()).doesNotContain("argon2").doesNotContain("password");
    assertThat(get("/api/v1/users?q=" + stem + "_&limit=1", account.accessToken()).bodyAsJsonObject()
        .getJsonArray("users")).hasSize(1);
    assertThat(get("/api/v1/users?q=" + stem + "%25", account.accessToken()).bodyAsJsonObject()
        .getJsonArray("users")).isEmpty();
    assertError(get("/api/v1/users", account.accessToken()), 400, "bad_request", "q");
    assertError(get("/api/v1/users?q=a&limit=500", account.accessToken()), 400, "bad_request", "limit");
    assertError(get("/api/v1/users?q=" + stem, null), 401, "unauthorized", null);
  }

  @Test
  @Order(4)
  void unknownApiPathsAre404OnceAuthenticated() {
    Account account = register();
    assertError(get("/api/v1/nowhere", account.accessToken()), 404, "not_found", null);
  }

  // --- bad tokens ------------------------------------------------------------------------------------------

  @Test
  @Order(10)
  void everyBadTokenVariantIs401() {
    Account account = register();
    String sid = sessionOf(account.accessToken());
    PrivateKey key = TestKeys.shared().pair().getPrivate();
    String kid = TestKeys.shared().kid();
    JsonObject auth = TestConfig.config(ENV).getJsonObject("auth");
    String iss = auth.getString("issuer");
    String aud = auth.getString("audience");
    long now = System.currentTimeMillis() / 1000;
    JsonObject good = TestJwt.claims(iss, aud, account.id(), sid);

    // The harness itself forges a token the node accepts, so each refusal below is for its one defect.
    assertThat(get("/api/v1/users/me", TestJwt.sign(TestJwt.header(kid), good, key)).statusCode()).isEqualTo(200);

    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("alg none", TestJwt.unsigned(good, kid));
    bad.put("alg HS256", TestJwt.sign(TestJwt.header(kid).put("alg", "HS256"), good, key));
    bad.put("wrong key, known kid", TestJwt.sign(TestJwt.header(kid), good,
        TestKeys.generate(kid).pair().getPrivate()));
    bad.put("unknown kid", TestJwt.sign(TestJwt.header("someone-else"), good, key));
    bad.put("wrong iss", TestJwt.sign(TestJwt.header(kid), good.copy().put("iss", "evil"), key));
    bad.put("wrong aud", TestJwt.sign(TestJwt.header(kid), good.copy().put("aud", "another-api"), key));
    JsonObject noExp = good.copy();
    noExp.remove("exp");
    bad.put("no exp", TestJwt.sign(TestJwt.header(kid), noExp, key));
    bad.put("expired", TestJwt.sign(TestJwt.header(kid), good.copy().put("iat", now - 2000).put("exp", now - 1000), key));
    bad.put("future nbf", TestJwt.sign(TestJwt.header(kid), good.copy().put("nbf", now + 600), key));
    JsonObject noSid = good.copy();
    noSid.remove("sid");
    bad.put("no sid", TestJwt.sign(TestJwt.header(kid), noSid, key));
    bad.put("unknown session", TestJwt.sign(TestJwt.header(kid), good.copy().put("sid", UUID.randomUUID().toString()), key));
    String[] parts = account.accessToken().split("\\.");
    bad.put("tampered claims", parts[0] + "." + TestJwt.part(good.copy().put("sub", "1")) + "." + parts[2]);
    bad.put("garbage", "not-a-token");

    for (Map.Entry<String, String> variant : bad.entrySet()) {
      HttpResponse<Buffer> response = get("/api/v1/users/me", variant.getValue());
      assertThat(response.statusCode()).as(variant.getKey()).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).as(variant.getKey())
          .isEqualTo("unauthorized");
      assertThat(response.getHeader("WWW-Authenticate")).as(variant.getKey()).startsWith("Bearer");
    }
    assertThat(get("/api/v1/users/me", TestJwt.sign(TestJwt.header(kid), good.copy()
        .put("iat", now - 2000).put("exp", now - 1000), key)).bodyAsJsonObject().getJsonObject("error")
        .getString("message")).isEqualTo("access token expired");

    // No token at all, or not a bearer one.
    assertError(get("/api/v1/users/me", null), 401, "unauthorized", null);
    HttpResponse<Buffer> basic = Await.result(web.get(firstPort, "127.0.0.1", "/api/v1/users/me")
        .putHeader("Authorization", "Basic " + account.accessToken()).send());
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/users/me", account.accessToken()).statusCode()).isEqualTo(200);
  }

  private static String sessionOf(String accessToken) {
    return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8)).getString("sid");
  }

  // --- refresh rotation and revocation ---------------------------------------------------------------------

  @Test
  @Order(20)
  void reusingARefreshTokenRevokesTheWholeSession() {
    Account account = register();
    Account other = register();
    HttpResponse<Buffer> rotated = refresh(account.refreshToken());
    assertThat(rotated.statusCode()).isEqualTo(200);
    String newAccess = rotated.bodyAsJsonObject().getString("accessToken");
    String newRefresh = rotated.bodyAsJsonObject().getString("refreshToken");
    assertThat(get("/api/v1/users/me", newAccess).statusCode()).isEqualTo(200);

    assertError(refresh(account.refreshToken()), 401, "unauthorized", null);

    // Every token of that login session is dead now, on every node.
    assertError(get("/api/v1/users/me", newAccess), 401, "unauthorized", null);
    assertError(get(secondPort, "/api/v1/users/me", newAccess), 401, "unauthorized", null);
    assertError(get("/api/v1/users/me", account.accessToken()), 401, "unauthorized", null);
    assertError(refresh(newRefresh), 401, "unauthorized", null);
    // Other users' sessions are untouched.
    assertThat(get("/api/v1/users/me", other.accessToken()).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(21)
  void twoConcurrentRefreshesWithOneTokenHaveExactlyOneWinner() {
    Account account = register();
    List<Future<HttpResponse<Buffer>>> racing = new ArrayList<>();
    for (int port : new int[] {firstPort, secondPort}) {
      racing.add(web.post(port, "127.0.0.1", "/api/v1/auth/refresh")
          .sendJsonObject(new JsonObject().put("refreshToken", account.refreshToken())));
    }
    Await.result(Future.all(racing));

    List<Integer> statuses = racing.stream().map(response -> response.result().statusCode()).sorted().toList();
    assertThat(statuses).containsExactly(200, 401);
    racing.forEach(response -> remember(response.result()));
  }

  @Test
  @Order(22)
  void logoutKillsTheAccessTokenOnTheOtherNodeWithinOneSecond() {
    Account account = register();
    // The second node has seen the session as active and cached it.
    assertThat(get(secondPort, "/api/v1/users/me", account.accessToken()).statusCode()).isEqualTo(200);

    assertThat(logout(firstPort, account.accessToken()).statusCode()).isEqualTo(204);
    long loggedOut = System.nanoTime();

    assertThat(within(Duration.ofSeconds(1),
        () -> get(secondPort, "/api/v1/users/me", account.accessToken()).statusCode() == 401))
        .as("401 on the second node within 1 s of logout").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - loggedOut)).isLessThan(Duration.ofSeconds(1));
    assertError(get(firstPort, "/api/v1/users/me", account.accessToken()), 401, "unauthorized", null);
    // Logging out again with the dead token is refused like any revoked token.
    assertError(logout(secondPort, account.accessToken()), 401, "unauthorized", null);
  }

  @Test
  @Order(23)
  void afterRedisForgetsEverythingRevokedStaysRevokedAndValidStaysValid() {
    Account active = register();
    Account revoked = register();
    assertThat(logout(secondPort, revoked.accessToken()).statusCode()).isEqualTo(204);

    int deleted = Await.result(TestRedis.deleteKeys(client, TestConfig.config(ENV)));
    assertThat(deleted).isPositive();

    // A node that never saw the revocation broadcast and starts with empty caches asks MySQL.
    Map<String, String> thirdEnv = secondEnvironment();
    Node third = TestNodes.start("[{\"verticle\": \"http\", \"instances\": 1}]", thirdEnv);
    try {
      int thirdPort = Integer.parseInt(thirdEnv.get("PARLEY_HTTP_PORT"));
      for (int port : new int[] {firstPort, secondPort, thirdPort}) {
        assertThat(get(port, "/api/v1/users/me", active.accessToken()).statusCode()).as("port " + port).isEqualTo(200);
        assertError(get(port, "/api/v1/users/me", revoked.accessToken()), 401, "unauthorized", null);
      }
      assertError(refresh(revoked.refreshToken()), 401, "unauthorized", null);
      assertThat(refresh(active.refreshToken()).statusCode()).isEqualTo(200);
    } finally {
      Await.result(third.stop());
    }
  }

  // --- usernames, limits, malformed bodies -----------------------------------------------------------------

  @Test
  @Order(30)
  void takenUsernamesInAnyCaseAre409() {
    String name = unique("Dup");
    assertThat(post("/api/v1/auth/register", credentials(name, password())).statusCode()).isEqualTo(201);

    for (String variant : new String[] {name, name.toLowerCase(), name.toUpperCase()}) {
      assertError(post("/api/v1/auth/register", credentials(variant, password())), 409, "conflict", "username");
    }

    String racing = unique("race");
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (String variant : new String[] {racing, racing.toUpperCase(), racing, "R" + racing.substring(1)}) {
      attempts.add(web.post(firstPort, "127.0.0.1", "/api/v1/auth/register")
          .sendJsonObject(credentials(variant, password())));
    }
    Await.result(Future.all(attempts));
    assertThat(attempts.stream().map(attempt -> attempt.result().statusCode()).sorted().toList())
        .containsExactly(201, 409, 409, 409);
    attempts.forEach(attempt -> {
      remember(attempt.result());
      if (attempt.result().statusCode() >= 400) {
        errorBodies.add(attempt.result().bodyAsString());
      }
    });
  }

  @Test
  @Order(31)
  void fieldsOutsideTheLimitsAre400NamingTheField() {
    String ok = unique("ok");
    String register = "/api/v1/auth/register";
    assertError(post(register, new JsonObject().put("password", password())), 400, "bad_request", "username");
    assertError(post(register, credentials("ab", password())), 400, "bad_request", "username");
    assertError(post(register, credentials("a".repeat(33), password())), 400, "bad_request", "username");
    assertError(post(register, credentials("bad name!", password())), 400, "bad_request", "username");
    assertError(post(register, credentials("한글이름", password())), 400, "bad_request", "username");
    assertError(post(register, new JsonObject().put("username", 12345).put("password", password())),
        400, "bad_request", "username");
    assertError(post(register, new JsonObject().put("username", ok)), 400, "bad_request", "password");
    assertError(post(register, credentials(ok, "short7!")), 400, "bad_request", "password");
    assertError(post(register, credentials(ok, "p".repeat(129))), 400, "bad_request", "password");
    assertError(post(register, credentials(ok, password()).put("displayName", "d".repeat(65))),
        400, "bad_request", "displayName");
    assertError(post(register, credentials(ok, password()).put("displayName", "   ")), 400, "bad_request", "displayName");
    assertError(post(register, credentials(ok, password()).put("displayName", 7)), 400, "bad_request", "displayName");

    // Exactly at the limits is fine.
    String longest = unique("L") + "x".repeat(21);
    assertThat(post(register, credentials(longest, "p".repeat(128)).put("displayName", "d".repeat(64)))
        .statusCode()).isEqualTo(201);
    assertThat(post(register, credentials(unique("m").substring(0, 3), "p".repeat(8))).statusCode()).isEqualTo(201);

    assertError(post("/api/v1/auth/login", new JsonObject().put("username", ok)), 400, "bad_request", "password");
    assertError(post("/api/v1/auth/login", new JsonObject().put("password", password())), 400, "bad_request", "username");
    assertError(post("/api/v1/auth/refresh", new JsonObject()), 400, "bad_request", "refreshToken");
    assertError(post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", 5)), 400, "bad_request", "refreshToken");
    assertError(post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", "forged")), 401, "unauthorized", null);
    assertError(post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", "A".repeat(43))),
        401, "unauthorized", null);
  }

  @Test
  @Order(32)
  void malformedAndOversizedBodiesAreRefusedBeforeAnyWork() {
    String password = password();
    for (String path : new String[] {"/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh"}) {
      assertError(call(web, firstPort, HttpMethod.POST, path, null,
          Buffer.buffer("{\"username\": \"x\", \"password\": \"" + password + "\"")), 400, "bad_request", null);
      assertError(call(web, firstPort, HttpMethod.POST, path, null, Buffer.buffer("[1, 2]")), 400, "bad_request", null);
      assertError(call(web, firstPort, HttpMethod.POST, path, null, Buffer.buffer("null")), 400, "bad_request", null);
      assertError(call(web, firstPort, HttpMethod.POST, path, null, null), 400, "bad_request", null);
    }
    String huge = "x".repeat(70 * 1024);
    String name = unique("big");
    HttpResponse<Buffer> tooLarge = call(web, firstPort, HttpMethod.POST, "/api/v1/auth/register", null,
        credentials(name, password).put("displayName", huge).toBuffer());
    assertError(tooLarge, 413, "too_large", null);
    // Nothing was created.
    assertError(post("/api/v1/auth/login", credentials(name, password)), 401, "unauthorized", null);
  }

  // --- credentials and brute force -------------------------------------------------------------------------

  @Test
  @Order(40)
  void unknownUserAndWrongPasswordAnswerTheSame() {
    Account account = register();
    HttpResponse<Buffer> wrong = post("/api/v1/auth/login", credentials(account.username(), password()));
    HttpResponse<Buffer> unknown = post("/api/v1/auth/login", credentials(unique("ghost"), password()));

    assertError(wrong, 401, "unauthorized", null);
    assertThat(unknown.statusCode()).isEqualTo(wrong.statusCode());
    assertThat(unknown.bodyAsString()).isEqualTo(wrong.bodyAsString());
  }

  @Test
  @Order(41)
  void bruteForceOnOneUsernameIs429WithRetryAfter() {
    Account account = register();
    // From another loopback address, so that the per-IP limit of the other tests is not what trips.
    WebClient attacker = WebClient.create(client, new WebClientOptions().setLocalAddress("127.0.0.3"));
    try {
      for (int i = 0; i < LOGIN_PER_USERNAME; i++) {
        assertError(call(attacker, firstPort, HttpMethod.POST, "/api/v1/auth/login", null,
            credentials(account.username(), password()).toBuffer()), 401, "unauthorized", null);
      }
      // Over the limit even the right password is refused, on any node, in any case of the username.
      HttpResponse<Buffer> limited = call(attacker, secondPort, HttpMethod.POST, "/api/v1/auth/login", null,
          credentials(account.username().toUpperCase(), account.password()).toBuffer());
      assertError(limited, 429, "rate_limited", null);
      // The per-username window is 300 s and started with the first failed attempt.
      assertThat(Long.parseLong(limited.getHeader("Retry-After"))).isBetween(240L, 300L);
    } finally {
      attacker.close();
    }
    // The account itself is fine: its tokens keep working.
    assertThat(get("/api/v1/users/me", account.accessToken()).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(43)
  void wrongPasswordsFromTenAddressesDoNotLockTheRealUserOut() {
    Account account = register();
    // Guessing from one address is limited...
    for (int i = 0; i < LOGIN_PER_USERNAME; i++) {
      assertThat(wrongPasswordFrom("127.0.1.1", account).statusCode()).isEqualTo(401);
    }
    assertThat(wrongPasswordFrom("127.0.1.1", account).statusCode()).isEqualTo(429);
    // ...and guesses from 10 other addresses neither are refused nor lock the account.
    for (int i = 0; i < 10; i++) {
      assertError(wrongPasswordFrom("127.0.1." + (10 + i), account), 401, "unauthorized", null);
    }
    // The real user, from their own address, still gets in.
    assertThat(post("/api/v1/auth/login", credentials(account.username(), account.password())).statusCode())
        .isEqualTo(200);

    // Guessing from yet more addresses meets the per-username ceiling.
    int refused = 0;
    for (int i = 0; i < 10; i++) {
      if (wrongPasswordFrom("127.0.2." + (10 + i), account).statusCode() == 429) {
        refused++;
      }
    }
    int attempts = LOGIN_PER_USERNAME + 1 + 10 + 1 + 10;
    assertThat(refused).isEqualTo(attempts - LOGIN_PER_USERNAME_ANYWHERE);
  }

  private static HttpResponse<Buffer> wrongPasswordFrom(String address, Account account) {
    WebClient attacker = WebClient.create(client, new WebClientOptions().setLocalAddress(address));
    try {
      return call(attacker, firstPort, HttpMethod.POST, "/api/v1/auth/login", null,
          credentials(account.username(), password()).toBuffer());
    } finally {
      attacker.close();
    }
  }

  @Test
  @Order(42)
  void bruteForceFromOneAddressIs429WithRetryAfter() {
    WebClient attacker = WebClient.create(client, new WebClientOptions().setLocalAddress("127.0.0.2"));
    try {
      for (int i = 0; i < LOGIN_PER_IP; i++) {
        assertError(call(attacker, i % 2 == 0 ? firstPort : secondPort, HttpMethod.POST, "/api/v1/auth/login", null,
            credentials(unique("spray"), password()).toBuffer()), 401, "unauthorized", null);
      }
      HttpResponse<Buffer> limited = call(attacker, firstPort, HttpMethod.POST, "/api/v1/auth/login", null,
          credentials(unique("spray"), password()).toBuffer());
      assertError(limited, 429, "rate_limited", null);
      assertThat(Long.parseLong(limited.getHeader("Retry-After"))).isBetween(20L, 60L);
    } finally {
      attacker.close();
    }
  }

  // --- what must never leak (run last) ---------------------------------------------------------------------

  @Test
  @Order(100)
  void noErrorBodyCarriesAStackTraceSqlOrClassName() {
    assertThat(errorBodies).hasSizeGreaterThan(40);
    for (String body : errorBodies) {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      assertThat(error.fieldNames()).isSubsetOf("code", "message", "field");
      assertThat(body).as(body)
          .doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("dev.parley").doesNotContain("io.vertx")
          .doesNotContain("java.").doesNotContainIgnoringCase("select ").doesNotContainIgnoringCase("insert ")
          .doesNotContainIgnoringCase("sql").doesNotContain("users").doesNotContain("refresh_tokens");
    }
  }

  @Test
  @Order(101)
  void passwordsAndTokensNeverAppearInTheLogs() {
    List<ILoggingEvent> events = new ArrayList<>(logs.list);
    assertThat(events).isNotEmpty();
    assertThat(secrets).hasSizeGreaterThan(50);
    for (ILoggingEvent event : events) {
      StringBuilder text = new StringBuilder(event.getFormattedMessage());
      for (ch.qos.logback.classic.spi.IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(' ').append(t.getMessage());
      }
      String line = text.toString();
      for (String secret : secrets) {
        assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(secret);
      }
    }
  }
}
