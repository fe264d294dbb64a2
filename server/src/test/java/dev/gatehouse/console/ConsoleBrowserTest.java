package dev.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The admin console in a real headless browser (Debian's chromium, driven by chromedriver through
 * Selenium), the way an operator uses it; and its defences with a plain HTTP client. Screenshots of
 * each page go to {@code target/console-screenshots/} for the reviewer.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "console-screenshots");
  static TestServer server;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      String why = "SKIPPED: the console's browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER + ")";
      if ("1".equals(System.getenv("GATEHOUSE_TEST_BROWSER_REQUIRED"))) {
        throw new AssertionError(why + " and GATEHOUSE_TEST_BROWSER_REQUIRED=1");
      }
      System.err.println(why);
      Assumptions.abort(why);
    }
    Files.createDirectories(SHOTS);
    server = TestServer.start(b -> b.sandbox(true));
    ChromeOptions o = new ChromeOptions().setBinary(CHROMIUM.toString())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000");
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build(), o);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  static void open(String path) {
    browser.get(server.base() + path);
  }

  static void shot(String name) throws Exception {
    Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  static String main() {
    return browser.findElement(By.tagName("main")).getText();
  }

  /** Clicks and waits until the next page has replaced this one (a form's POST, its redirect, the GET). */
  static void click(By by) {
    WebElement old = browser.findElement(By.tagName("html"));
    browser.findElement(by).click();
    for (int i = 0; i < 400; i++) {
      try {
        old.isEnabled();
      } catch (org.openqa.selenium.WebDriverException gone) {
        // stale, or "does not belong to the document" while the next one loads: either way, replaced
        for (int j = 0; j < 400; j++) {
          try {
            if ("complete".equals(((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return document.readyState"))) {
              return;
            }
          } catch (org.openqa.selenium.WebDriverException loading) {
            // still navigating
          }
          sleep();
        }
        return;
      }
      sleep();
    }
    throw new AssertionError("the page did not change after clicking " + by);
  }

  private static void sleep() {
    try {
      Thread.sleep(25);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void signIn(String token) {
    browser.manage().deleteAllCookies();
    open("/console/");
    assertThat(browser.getCurrentUrl()).endsWith("/console/sign-in");
    browser.findElement(By.id("token")).sendKeys(token);
    click(By.cssSelector("form button[type=submit]"));
  }

  static void signOut() {
    click(By.cssSelector("header form button"));
    assertThat(browser.getCurrentUrl()).endsWith("/console/sign-in");
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void anOperatorsDay_signIn_createAccountAndApp_readTheSecretOnce_rotate_disable_revoke_audit_signOut() throws Exception {
    signIn("not the token");
    assertThat(main()).contains("That token is not valid.");
    shot("01-sign-in-refused");
    browser.findElement(By.id("token")).sendKeys(TestServer.ADMIN_TOKEN);
    click(By.cssSelector("form button[type=submit]"));
    assertThat(browser.getCurrentUrl()).endsWith("/console/accounts");
    assertThat(main()).contains("No accounts yet.");
    shot("02-accounts-empty");

    browser.findElement(By.id("account-id")).sendKeys("9001");
    browser.findElement(By.id("account-name")).sendKeys("Acme <Brand>");
    click(By.xpath("//button[text()='Create account']"));
    assertThat(main()).contains("Account 9001 created.").contains("Acme <Brand>").contains("No apps are installed on this account yet.");
    shot("03-account");

    browser.findElement(By.id("app-name")).sendKeys("SMS connector");
    click(By.xpath("//button[text()='Create app']"));
    assertThat(main()).contains("App SMS connector installed.").contains("This is the only time it is shown.");
    String secret = browser.findElement(By.id("client-secret")).getText();
    String clientId = browser.getCurrentUrl().replaceAll(".*/apps/", "");
    assertThat(browser.findElements(By.xpath("//button[text()='Copy']"))).as("copy buttons (the one script)").isNotEmpty();
    shot("04-app-secret-once");
    // the secret shown is the app's secret: it gets tokens
    TestServer.AppCredentials app = new TestServer.AppCredentials("9001", clientId, secret);
    String appJwt = server.appJwt(app);
    String jws = server.consumerJws("9001", appJwt, "alice@example.com");
    browser.navigate().refresh();
    assertThat(browser.findElements(By.id("client-secret"))).as("not shown again after a reload").isEmpty();
    assertThat(main()).doesNotContain(secret);

    browser.findElement(By.cssSelector("#grace option[value='0']")).click();
    click(By.xpath("//button[text()='Rotate secret']"));
    assertThat(main()).contains("New secret issued; the old one no longer works.");
    String rotated = browser.findElement(By.id("client-secret")).getText();
    assertThat(rotated).isNotEqualTo(secret).hasSize(43);
    shot("05-rotated");

    click(By.xpath("//button[text()='Disable app']"));
    assertThat(browser.findElement(By.id("app-state")).getText()).isEqualTo("disabled");
    assertThat(main()).contains("App disabled");
    shot("06-disabled");

    open("/console/accounts/9001");
    browser.findElement(By.id("ext")).sendKeys("alice@example.com");
    click(By.xpath("//button[text()='Look up']"));
    String lp = TestServer.claims(jws).getString("lp_consumer_id");
    assertThat(browser.findElement(By.id("lp-id")).getText()).isEqualTo(lp);
    assertThat(browser.findElement(By.id("consumer-state")).getText()).isEqualTo("active");
    click(By.xpath("//button[text()='Revoke consumer']"));
    assertThat(main()).contains("Consumer revoked");
    assertThat(browser.findElement(By.id("consumer-state")).getText()).isEqualTo("revoked");
    shot("07-consumer-revoked");
    // an erase without typing the confirmation changes nothing
    click(By.xpath("//button[text()='Erase consumer']"));
    assertThat(main()).contains("Nothing was erased: type erase in the box to confirm.");

    open("/console/audit");
    String audit = main();
    for (String action : new String[] {"account.create", "app.create", "app.rotate-secret", "app.disable", "consumer.revoke"}) {
      assertThat(audit).as("audited: " + action).contains(action);
    }
    shot("08-audit");
    browser.findElement(By.id("f-action")).sendKeys("app.");
    click(By.xpath("//button[text()='Filter']"));
    assertThat(main()).contains("app.create").doesNotContain("account.create");

    open("/console/keys");
    assertThat(main()).contains("AppJWT keys").contains("active");
    shot("09-keys");
    open("/console/lockouts");
    assertThat(main()).contains("Nobody is locked out.");
    shot("10-lockouts");
    open("/console/status");
    assertThat(main()).contains("Signing provider").contains("h2, up");
    shot("11-status");

    signOut();
    open("/console/accounts");
    assertThat(browser.getCurrentUrl()).as("signed out: back to sign-in").endsWith("/console/sign-in");
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void aReadToken_seesNoWriteControls_andItsChangesAreRefused() throws Exception {
    HttpResponse<String> made = server.admin("POST", "/admin/v1/tokens", new JsonObject().put("name", "auditor").put("role", "read"));
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    server.createAccount("9002");
    TestServer.AppCredentials app = server.createApp("9002");
    signIn(new JsonObject(made.body()).getString("token"));
    assertThat(browser.findElement(By.cssSelector("header .who")).getText()).contains("read only");
    assertThat(browser.findElements(By.tagName("form")).size()).as("only the sign-out form").isEqualTo(1);
    open("/console/accounts/9002/apps/" + app.clientId());
    assertThat(browser.findElements(By.xpath("//button[text()='Disable app' or text()='Rotate secret']"))).isEmpty();
    open("/console/keys");
    assertThat(browser.findElements(By.xpath("//button[starts-with(text(), 'Retire') or starts-with(text(), 'Rotate')]"))).isEmpty();
    shot("12-read-only");
    // the session's own CSRF token, from the sign-out form: still no change
    String csrf = browser.findElement(By.name("csrf")).getAttribute("value");
    String cookie = browser.manage().getCookieNamed("gatehouse_console").getValue();
    HttpResponse<String> r = post("/console/accounts/9002/apps/" + app.clientId() + "/disable", cookie, "csrf=" + csrf, null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("Your token may only read");
    signOut();
  }

  static HttpResponse<String> post(String path, String cookie, String form, String origin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      b.header("Cookie", "gatehouse_console=" + cookie);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void forgedAndCookielessRequests_areRefused_andEveryPageCarriesItsSecurityHeaders() throws Exception {
    HttpResponse<String> in = post("/console/sign-in", null, "token=" + URLEncoder.encode(TestServer.ADMIN_TOKEN, StandardCharsets.UTF_8), null);
    assertThat(in.statusCode()).isEqualTo(303);
    String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/console");
    String cookie = setCookie.replaceAll("^gatehouse_console=([^;]*);.*$", "$1");
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base() + "/console/accounts"))
        .header("Cookie", "gatehouse_console=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'").contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(m.find()).isTrue();
    String csrf = m.group(1);

    assertThat(post("/console/accounts", cookie, "id=9101", null).statusCode()).as("no CSRF token").isEqualTo(403);
    assertThat(post("/console/accounts", cookie, "id=9101&csrf=" + csrf + "x", null).statusCode()).as("a wrong CSRF token").isEqualTo(403);
    assertThat(post("/console/accounts", null, "id=9101&csrf=" + csrf, null).statusCode()).as("no session cookie").isEqualTo(403);
    assertThat(post("/console/accounts", cookie, "id=9101&csrf=" + csrf, "https://evil.example").statusCode()).as("another origin").isEqualTo(403);
    assertThat(server.admin("GET", "/admin/v1/accounts/9101", null).statusCode()).as("none of them made the account").isEqualTo(404);
    HttpResponse<String> ok = post("/console/accounts", cookie, "id=9101&csrf=" + csrf, null);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(server.admin("GET", "/admin/v1/accounts/9101", null).statusCode()).isEqualTo(200);
  }
}
