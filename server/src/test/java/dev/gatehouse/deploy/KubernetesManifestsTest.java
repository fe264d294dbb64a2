package dev.gatehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests in {@code deploy/kubernetes/} are read as YAML and checked against the
 * server: every {@code GATEHOUSE_*} variable they set is one {@code serve} reads, every Secret key
 * they reference exists in the example Secret, and the probe paths answer 200 on a running server.
 * (No cluster runs here; this is what can be checked without one.)
 */
class KubernetesManifestsTest {
  static final Path DEPLOY = Path.of("../deploy");

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String file) throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object d : new Yaml().loadAll(Files.readString(DEPLOY.resolve(file)))) {
      docs.add((Map<String, Object>) d);
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object node, String... path) {
    Object n = node;
    for (String p : path) {
      if (n == null) {
        return null;
      }
      n = n instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) n).get(p);
    }
    return (T) n;
  }

  static String variablesServeReads() throws Exception {
    return Files.readString(Path.of("src/main/java/dev/gatehouse/cli/ServeCommand.java"));
  }

  @Test
  void deploymentUsesRealSettingsSecretKeysAndProbes() throws Exception {
    List<Map<String, Object>> docs = documents("kubernetes/gatehouse.yaml");
    assertThat(docs).extracting(d -> d.get("kind")).containsExactly("Deployment", "Service", "PodDisruptionBudget");
    Map<String, Object> deployment = docs.get(0);
    Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");
    List<Map<String, Object>> env = at(container, "env");

    String serve = variablesServeReads();
    Map<String, Object> secret = at(documents("kubernetes/secret.example.yaml").get(0), "stringData");
    List<String> names = new ArrayList<>();
    for (Map<String, Object> e : env) {
      String name = (String) e.get("name");
      names.add(name);
      boolean readByServe = serve.contains("env:" + name) || serve.contains("getenv(\"" + name + "\")");
      assertThat(readByServe).as(name + " is a variable serve reads").isTrue();
      String key = at(e, "valueFrom", "secretKeyRef", "key") instanceof String k ? k : null;
      if (key != null) {
        assertThat(secret).as("secret key " + key).containsKey(key);
      }
    }
    assertThat(names).contains("GATEHOUSE_DB", "GATEHOUSE_MASTER_KEY", "GATEHOUSE_ADMIN_TOKEN", "GATEHOUSE_PUBLIC_HOST");

    assertThat(((Number) at(deployment, "spec", "replicas")).intValue()).isGreaterThan(1);
    assertThat(((Number) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")).intValue())
        .as("longer than the server's 30 s drain").isGreaterThan(30);
    Object port = at(container, "ports", "0", "containerPort");
    assertThat(env).anySatisfy(e -> {
      assertThat(e.get("name")).isEqualTo("GATEHOUSE_PORT");
      assertThat(e.get("value")).isEqualTo(String.valueOf(port));
    });

    try (TestServer server = TestServer.start()) {
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        String path = at(container, probe, "httpGet", "path");
        assertThat(server.get(path).statusCode()).as(probe + " " + path).isEqualTo(200);
      }
    }
  }

  @Test
  void dockerfileSetsOnlyVariablesTheLauncherOrServeRead() throws Exception {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    String serve = variablesServeReads();
    String launcher = Files.readString(Path.of("../bin/gatehouse"));
    Matcher m = Pattern.compile("(GATEHOUSE_[A-Z_]+)=").matcher(dockerfile);
    int seen = 0;
    while (m.find()) {
      seen++;
      assertThat(serve.contains("env:" + m.group(1)) || launcher.contains(m.group(1) + ":")).as(m.group(1)).isTrue();
    }
    assertThat(seen).isGreaterThanOrEqualTo(4);
  }
}
