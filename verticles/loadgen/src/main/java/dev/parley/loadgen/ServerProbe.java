package dev.parley.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The server process's CPU time and resident memory, read from /proc (the server runs on this machine). */
final class ServerProbe {

  private static final double CLOCK_TICKS = 100.0;
  private final int pid;
  private double cpuAtStart;
  private long startNanos;

  ServerProbe(int pid) {
    this.pid = pid;
  }

  boolean enabled() {
    return pid > 0 && Files.exists(Path.of("/proc/" + pid + "/stat"));
  }

  void start() {
    cpuAtStart = cpuSeconds();
    startNanos = System.nanoTime();
  }

  /** Average cores the server used since {@link #start()}. */
  double coresUsed() {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    return wall <= 0 ? 0 : (cpuSeconds() - cpuAtStart) / wall;
  }

  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat, i.e. 11 and 12 after the command name.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
    } catch (IOException | RuntimeException unreadable) {
      return 0;
    }
  }

  /**
   * The server's write-side system calls and bytes so far ({@code syscw} and {@code wchar} of /proc/PID/io: every
   * write, writev and send, to clients, MySQL, Redis and logs alike), or zeros when unreadable.
   */
  long[] writes() {
    long calls = 0;
    long bytes = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
        if (line.startsWith("syscw:")) {
          calls = Long.parseLong(line.substring(6).trim());
        } else if (line.startsWith("wchar:")) {
          bytes = Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // reported as zeros
    }
    return new long[] {calls, bytes};
  }

  long rssKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // reported as 0
    }
    return 0;
  }
}
