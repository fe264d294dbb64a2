package dev.gatehouse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gatehouse serve} as a process of its own, as an operator runs it: for black-box tests
 * that kill it, starve it of connections or read what it prints. Output is collected line by line.
 */
public final class ServeProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("ready on (https?://[^ ]+:(\\d+))");

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer all = new StringBuffer();
  private String base;
  private int port;

  private ServeProcess(Process p) {
    this.process = p;
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
          all.append(l).append('\n');
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code serve --data DIR --port 0 ARGS...} with the given JVM options and environment, and waits until it is ready. */
  public static ServeProcess start(Path data, List<String> jvmOptions, Map<String, String> env, String... args) {
    ServeProcess s = launch(data, jvmOptions, env, args);
    String banner = s.await("ready on", 60);
    Matcher m = READY.matcher(banner);
    if (!m.find()) {
      throw new AssertionError("no address in " + banner);
    }
    s.base = m.group(1);
    s.port = Integer.parseInt(m.group(2));
    return s;
  }

  /** Starts it without waiting for anything (for start-up failures). */
  public static ServeProcess launch(Path data, List<String> jvmOptions, Map<String, String> env, String... args) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED");
    cmd.addAll(List.of("-cp", cp, "dev.gatehouse.cli.Main", "serve", "--data", data.toString(), "--port", "0"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("GATEHOUSE_ADMIN_TOKEN", TestServer.ADMIN_TOKEN);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    try {
      return new ServeProcess(pb.start());
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  public String base() {
    return base;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything printed so far. */
  public String output() {
    return all.toString();
  }

  /** Waits for a line containing {@code needle}; fails with what was printed. */
  public String await(String needle, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try {
      while (System.nanoTime() < deadline) {
        String l = lines.poll(200, TimeUnit.MILLISECONDS);
        if (l != null && l.contains(needle)) {
          return l;
        }
        if (l == null && !process.isAlive() && lines.isEmpty()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no line with '" + needle + "' in:\n" + all + (process.isAlive() ? "threads of the server process:\n" + threadDump(process) : ""));
  }

  /** The threads of a live JVM process ({@code jcmd PID Thread.print}): where a server that does not answer stands. */
  public static String threadDump(Process p) {
    try {
      Process dump = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(p.pid()), "Thread.print")
          .redirectErrorStream(true).start();
      return new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no thread dump: " + e.getMessage() + ")";
    }
  }

  /** Waits for the process to end and returns its exit code. */
  public int waitFor(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after " + seconds + " s:\n" + all);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGKILL, as a crash or the OOM killer would, and waits for it to be gone. */
  public void kill9() {
    try {
      new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor();
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An admin API call; returns the response. */
  public HttpResponse<String> admin(HttpClient http, String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).header("Content-Type", "application/json");
    rb.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
