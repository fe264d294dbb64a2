package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code gatehouse serve} as its own process, the way an operator runs it: configured through the
 * environment, announcing its port, and on SIGTERM finishing the request in flight before it exits.
 */
class ServeProcessTest {
  private static final Pattern READY = Pattern.compile("ready on (http://127\\.0\\.0\\.1:(\\d+))");

  @Test
  void serve_announcesItsPort_honoursEnvironmentTwins_andFinishesInFlightRequestsOnSigterm() throws Exception {
    Path data = Files.createTempDirectory("gatehouse-proc").resolve("data");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp, "dev.gatehouse.cli.Main", "serve", "--data", data.toString()));
    pb.environment().putAll(Map.of("GATEHOUSE_PORT", "0", "GATEHOUSE_ISSUER", "TestSentinel", "GATEHOUSE_ADMIN_TOKEN", TestServer.ADMIN_TOKEN));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (Exception ignored) {
        // process ended
      }
    });
    pump.setDaemon(true);
    pump.start();
    try {
      String banner;
      try {
        banner = await(lines, "ready on");
      } catch (AssertionError e) { // say where the process stands: its threads
        throw new AssertionError(e.getMessage() + "\nthreads of the server process:\n" + ServeProcess.threadDump(p), e);
      }
      Matcher m = READY.matcher(banner);
      assertThat(m.find()).as(banner).isTrue();
      int port = Integer.parseInt(m.group(2));
      assertThat(banner).doesNotContain(TestServer.ADMIN_TOKEN).contains("signing: ");
      // the native transport ships for Linux x86-64 (the machines this runs on); elsewhere NIO, and why
      if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
        assertThat(banner).contains("network: native epoll");
      } else {
        assertThat(banner).contains("network: JDK NIO");
      }

      var http = java.net.http.HttpClient.newHttpClient();
      var create = java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "/admin/v1/accounts"))
          .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"id\":\"5313846\"}")).build();
      assertThat(http.send(create, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);

      // a request whose body is still arriving when SIGTERM comes
      String body = "{\"id\":\"le81823118\",\"name\":\"In flight\"}";
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /admin/v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.ADMIN_TOKEN
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
        out.flush();
        // SIGTERM by kill(1): Process.destroy() would also close our end of its output
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
        await(lines, "stopping");
        out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
        out.flush();
        String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(status).isEqualTo("HTTP/1.1 201 Created");
      }
      assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
      await(lines, "stopped");
    } finally {
      p.destroyForcibly();
    }

    // the write that was in flight is there after a restart, and the issuer came from the environment
    try (Gatehouse g = Gatehouse.start(dev.gatehouse.config.ServerConfig.builder().dataDir(data).port(0).adminToken(TestServer.ADMIN_TOKEN).build())) {
      var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(g.baseUrl() + "/admin/v1/accounts/le81823118"))
          .header("Authorization", "Bearer " + TestServer.ADMIN_TOKEN).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("In flight");
    }
  }

  private static String await(BlockingQueue<String> lines, String needle) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l != null) {
        seen.append(l).append('\n');
        if (l.contains(needle)) {
          return l;
        }
      }
    }
    throw new AssertionError("no line with '" + needle + "' in:\n" + seen);
  }
}
