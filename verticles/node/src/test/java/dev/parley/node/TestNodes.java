package dev.parley.node;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Starts real clustered nodes for tests from a profile written on the fly over the project's conf/parley.json. */
final class TestNodes {

  private TestNodes() {
  }

  static Path profile(String deployJson) {
    try {
      Path file = Files.createTempFile(TestConfig.tempDir("profile"), "profile-", ".json");
      String base = TestConfig.confDir().resolve("parley.json").toString().replace("\\", "\\\\");
      Files.writeString(file, "{\"extends\": \"" + base + "\", \"deploy\": " + deployJson + "}");
      return file;
    } catch (IOException unwritable) {
      throw new UncheckedIOException(unwritable);
    }
  }

  static Node start(String deployJson, Map<String, String> env) {
    return Await.result(Node.start(NodeConfig.load(profile(deployJson), env)));
  }

  /** With a start timeout of its own (benchmarks on a loaded machine). */
  static Node start(String deployJson, Map<String, String> env, Duration timeout) {
    return Await.result(Node.start(NodeConfig.load(profile(deployJson), env)), timeout);
  }
}
