package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration makes a real node process exit non-zero with one clear line on stderr that names the file
 * or key, and no stack trace.
 */
class BadConfigProcessTest {

  @TempDir
  Path dir;

  @Test
  void malformedJson() throws Exception {
    Path profile = write("broken.json", "{\"deploy\": [ {\"verticle\": ");

    Result result = run(profile, Map.of());

    assertOneLine(result, 2, "config error in " + profile + ": " + profile + ": malformed JSON");
  }

  @Test
  void unknownVerticle() throws Exception {
    Path profile = profile("[{\"verticle\": \"http\"}, {\"verticle\": \"fax\"}]");

    Result result = run(profile, Map.of());

    assertOneLine(result, 2, "unknown verticle 'fax' in deploy[1]");
  }

  @Test
  void missingRequiredKey() throws Exception {
    Path profile = write("no-management.json", """
        {"deploy": [{"verticle": "search"}], "node": {"name": "x"},
         "cluster": {"name": "x", "host": "127.0.0.1", "port": 5701, "members": "127.0.0.1"}}""");

    Result result = run(profile, Map.of());

    assertOneLine(result, 2, "missing required key 'management.host'");
  }

  @Test
  void missingProfileFile() throws Exception {
    Result result = run(dir.resolve("nope.json"), Map.of());

    assertOneLine(result, 2, "nope.json: no such file");
  }

  @Test
  void managementPortInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      Path profile = profile("[{\"verticle\": \"search\"}]");

      Result result = run(profile, Map.of("PARLEY_MANAGEMENT_PORT", String.valueOf(taken.getLocalPort())));

      assertOneLine(result, 2, "key 'management.port': cannot listen on 0.0.0.0:" + taken.getLocalPort());
    }
  }

  private Path profile(String deployJson) throws IOException {
    String base = TestConfig.confDir().resolve("parley.json").toString();
    return write("profile.json", "{\"extends\": \"" + base + "\", \"deploy\": " + deployJson + "}");
  }

  private Path write(String name, String json) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private static void assertOneLine(Result result, int exitCode, String expected) {
    List<String> lines = result.stderr.lines().filter(line -> !line.isBlank()).toList();
    assertThat(result.exitCode).as("exit code; stderr: %s", result.stderr).isEqualTo(exitCode);
    assertThat(lines).as("stderr").hasSize(1);
    assertThat(lines.get(0)).startsWith("parley: ").contains(expected);
    assertThat(result.stdout + result.stderr).as("no stack trace").doesNotContain("\tat ");
  }

  private record Result(int exitCode, String stdout, String stderr) {
  }

  private static Result run(Path profile, Map<String, String> extraEnv) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of(System.getProperty("parley.test.jvmFlags", "").split("\\s+")).stream()
        .filter(flag -> !flag.isBlank()).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), profile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.putAll(TestConfig.environment());
    env.putAll(extraEnv);
    Path out = Files.createTempFile("parley-node-", ".out");
    Path err = Files.createTempFile("parley-node-", ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("node did not exit within 90 s");
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
