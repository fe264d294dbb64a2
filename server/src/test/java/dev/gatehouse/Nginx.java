package dev.gatehouse;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real nginx (the Debian package, installed by {@code .ci/run}) running a config from {@code
 * deploy/nginx/} as a foreground process with its temp files in a folder of its own. Tests are
 * skipped with a message where nginx is not installed.
 */
public final class Nginx implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/nginx");

  private final Process process;
  private final Path dir;

  private Nginx(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  public static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(BINARY), "SKIPPED: nginx is not installed here (apt-get install -y nginx; .ci/run installs it)");
  }

  /** Reads a shipped config, e.g. {@code "load-balancer.conf"}, from {@code deploy/nginx/}. */
  public static String shipped(String name) throws IOException {
    return Files.readString(Path.of("../deploy/nginx/" + name));
  }

  /** Starts nginx on a config (ports already swapped in) and waits until it listens on {@code port}. */
  public static Nginx start(String conf, int port) throws IOException, InterruptedException {
    assumeInstalled();
    Path dir = Files.createTempDirectory("gatehouse-nginx");
    // the test's own pid file and error log (given with -g below) replace the shipped ones
    String c = conf.replaceAll("(?m)^(pid|error_log) [^;]*;\\s*$", "").replace("http {", "http {\n  access_log off;\n  client_body_temp_path " + dir + "/body;\n  proxy_temp_path " + dir + "/proxy;\n"
        + "  fastcgi_temp_path " + dir + "/fcgi;\n  uwsgi_temp_path " + dir + "/uwsgi;\n  scgi_temp_path " + dir + "/scgi;\n");
    Files.writeString(dir.resolve("nginx.conf"), c);
    Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-g", "daemon off; master_process off; pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("error.log") + " warn;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new Nginx(p, dir);
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroy();
          throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("out.log")) + Files.readString(dir.resolve("error.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
