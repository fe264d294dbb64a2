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
    return parse(Files.readString(DEPLOY.resolve(file)));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parse(String yaml) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object d : new Yaml().loadAll(yaml)) {
      docs.add((Map<String, Object>) d);
    }
    return docs;
  }

  /** The production overlay as {@code kubectl kustomize} renders it (Debian's kubectl; .ci/run installs it). */
  static List<Map<String, Object>> rendered() throws Exception {
    java.nio.file.Path kubectl = java.nio.file.Path.of("/usr/bin/kubectl");
    if (!Files.isExecutable(kubectl)) {
      String why = "SKIPPED: rendering the kustomize overlay needs kubectl (Debian's kubectl package)";
      if ("1".equals(System.getenv("GATEHOUSE_TEST_KUBECTL_REQUIRED"))) {
        throw new AssertionError(why);
      }
      System.err.println(why);
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    Process p = new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.resolve("kubernetes/overlays/production").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return parse(out);
  }

  static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst().orElseThrow(() -> new AssertionError("no " + kind));
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
    List<Map<String, Object>> docs = rendered();
    assertThat(docs).extracting(d -> d.get("kind")).containsExactlyInAnyOrder("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy");
    Map<String, Object> deployment = kind(docs, "Deployment");
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

  /** What Pod Security "restricted" demands of the rendered pod, and what the issue asks beyond it. */
  @Test
  void theProductionOverlay_passesPodSecurityRestricted_andKeepsTheAdminPortPrivate() throws Exception {
    List<Map<String, Object>> docs = rendered();
    Map<String, Object> pod = at(kind(docs, "Deployment"), "spec", "template", "spec");
    assertThat((Object) at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat((Object) at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    assertThat((Object) at(pod, "automountServiceAccountToken")).isEqualTo(false);
    assertThat(pod).doesNotContainKeys("hostNetwork", "hostPID", "hostIPC");
    List<Map<String, Object>> volumes = at(pod, "volumes");
    assertThat(volumes).allSatisfy(v -> assertThat(v).doesNotContainKey("hostPath"));
    List<Map<String, Object>> containers = at(pod, "containers");
    assertThat(containers).allSatisfy(c -> {
      assertThat((Object) at(c, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
      assertThat((List<Object>) at(c, "securityContext", "capabilities", "drop")).containsExactly("ALL");
      assertThat((Object) at(c, "securityContext", "capabilities", "add")).isNull();
    });
    assertThat((List<?>) at(pod, "topologySpreadConstraints")).hasSizeGreaterThanOrEqualTo(1);
    assertThat(((Number) at(kind(docs, "Deployment"), "spec", "replicas")).intValue()).isEqualTo(3);
    List<Map<String, Object>> ports = at(kind(docs, "Service"), "spec", "ports");
    assertThat(ports).allSatisfy(p -> assertThat(p.get("targetPort")).isNotIn(9090, "admin"));
    Map<String, Object> policy = kind(docs, "NetworkPolicy");
    assertThat((List<?>) at(policy, "spec", "ingress")).hasSize(2);
    assertThat(docs).allSatisfy(d -> assertThat((Object) at(d, "metadata", "namespace")).isEqualTo("gatehouse"));
  }

  @Test
  void theDockerfile_buildsFromSource_runsAsNonRoot_withAHealthcheck_andTheContextLeavesSecretsOut() throws Exception {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).as("multi-stage").isGreaterThanOrEqualTo(2);
    assertThat(dockerfile).contains("mvn").contains("HEALTHCHECK").contains("org.opencontainers.image.source").containsPattern("(?m)^USER 10001");
    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:(17|25)-jre");
    String ignore = Files.readString(Path.of("../.dockerignore"));
    assertThat(ignore).contains("gatehouse-data").contains("*.key").contains("**/target").contains(".git");
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
