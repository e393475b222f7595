package io.repeaterdispatch.console;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.repeaterdispatch.testsupport.Await;
import io.repeaterdispatch.testsupport.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser: Debian's headless Chromium, driven through its chromedriver
 * by Selenium. Signs in, finds a backed-off repeater, pauses and resumes it, requeues a failed
 * record and sees it delivered, checks that a read token sees no control that changes anything and
 * that a payload holding {@code <script>} is shown as text.
 *
 * <p>Without Chromium the test is skipped, except under CI ({@code CI=true}), where it fails:
 * .ci/run installs it. {@code -Dconsole.screenshots=docs/console} writes a screenshot of each page
 * there (docs/console.md).
 */
@QuarkusTest
class ConsoleBrowserTest extends IntegrationTest {

    private static final String READ_TOKEN = "test-read-token";
    private static final String SCRIPT_PAYLOAD = "{\"note\":\"<script>window.consoleXss = 1</script><img src=x onerror=\\\"window.consoleXss = 2\\\">\"}";
    private static final int FAILED = 2, SUCCEEDED = 4;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ChromeDriver driver;

    @TestHTTPResource("/")
    URL base;

    private WebDriverWait wait;

    @BeforeEach
    void browser() {
        if (driver == null) {
            driver = startChromium();
        }
        wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        driver.get(base.toString());
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");
        driver.navigate().to(base + "#/");
        driver.navigate().refresh();
        page("signin");
    }

    @AfterEach
    void noPolicyViolations() {
        if (driver == null) {
            return;
        }
        List<String> violations = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught")).toList();
        assertEquals(List.of(), violations, "the console ran without a script error or a policy violation");
    }

    @AfterAll
    static void quit() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    @Test
    void anOperatorPausesAndResumesABackedOffRepeaterAndRequeuesAFailedRecord() {
        receiver.answer("/hook", 500);
        long healthy = createRepeater(Map.of("domain", "acme", "name", "crm", "url", receiver.url("/ok"), "batchSize", 5));
        long down = createRepeater(Map.of("domain", "acme", "name", "billing", "url", receiver.url("/hook"), "batchSize", 5));
        createRepeater(Map.of("domain", "globex", "name", "warehouse", "url", receiver.url("/ok"), "batchSize", 5));
        enqueue(healthy, 3, "case-");
        long record = enqueueRaw(down, "invoice-1", SCRIPT_PAYLOAD);
        Await.until("the healthy repeater delivered, the other failed and backed off",
                () -> records(healthy, SUCCEEDED) == 3 && records(down, FAILED) == 1
                        && repeater(down).getOffsetDateTime("next_attempt_at") != null);

        signIn(TOKEN);
        assertEquals("admin", text(By.id("who-role")));
        waitFor(By.cssSelector("#repeaters tr[data-repeater='" + healthy + "'] .last-outcome .outcome-succeeded"));
        screenshot("repeaters");

        // find the backed-off repeater with the state filter
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("filter-state"))).selectByValue("backed-off");
        click(By.id("apply-filters"));
        wait.until(d -> d.getCurrentUrl().endsWith("#/repeaters?state=backed-off")
                && d.findElements(By.cssSelector("#repeaters tbody tr")).size() == 1); // only the backed-off repeater is listed
        waitFor(By.cssSelector("#repeaters tr[data-repeater='" + down + "'] [data-state='backed-off']"));
        assertTrue(text(By.cssSelector("tr[data-repeater='" + down + "'] [data-state]")).startsWith("backed off until "));
        waitFor(By.cssSelector("tr[data-repeater='" + down + "'] .last-outcome .outcome-failed"));
        assertTrue(text(By.cssSelector("tr[data-repeater='" + down + "'] .last-hour")).contains("failed 1"));

        click(By.cssSelector("tr[data-repeater='" + down + "'] a.repeater-link"));
        page("repeaters-one");
        waitFor(By.cssSelector("tr[data-record='" + record + "'][data-record-state='failed']"));

        // pause: paused, the backoff cleared
        click(By.cssSelector("button[data-action='pause']"));
        waitFor(By.cssSelector("h1 [data-state='paused']"));
        assertTrue(repeater(down).getBoolean("is_paused"));

        // a bulk action asks first, with the number of records it changes; cancelled, it changes nothing
        click(By.cssSelector("button[data-action='bulk-requeue-failed']"));
        waitFor(By.cssSelector("dialog#confirm[open]"));
        assertEquals("1 record will change.", text(By.id("confirm-count")));
        screenshot("confirm");
        click(By.id("confirm-cancel"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog#confirm[open]")));
        assertEquals(0, count("SELECT count(*) FROM admin_audit WHERE action = 'records.requeue'"));

        // the endpoint is back: requeue the failed record (one record, confirmed), then resume
        receiver.answer("/hook", 200);
        click(By.cssSelector("tr[data-record='" + record + "'] button[data-action='requeue']"));
        waitFor(By.cssSelector("dialog#confirm[open]"));
        assertEquals("1 record will change.", text(By.id("confirm-count")));
        click(By.id("confirm-ok"));
        waitFor(By.cssSelector("#message"));
        wait.until(d -> text(By.id("message")).contains("Requeue #" + record));
        assertEquals(1, count("SELECT count(*) FROM admin_audit WHERE action = 'record.requeue'"));
        assertEquals(1, receiver.hits("/hook").size(), "nothing sent while paused: only the first, failed attempt");

        click(By.cssSelector("button[data-action='resume']"));
        wait.until(d -> {
            click(By.id("refresh"));
            return !driver.findElements(By.cssSelector("tr[data-record='" + record + "'][data-record-state='succeeded']")).isEmpty();
        });
        settled();
        waitFor(By.cssSelector("h1 [data-state='active']"));
        assertEquals(1, records(down, SUCCEEDED));
        assertEquals(2, receiver.hits("/hook").size(), "sent once more, after the resume");
        screenshot("repeater");

        // the record: attempts, and the payload shown as text, never run
        click(By.cssSelector("tr[data-record='" + record + "'] a.record-link"));
        page("records-one");
        waitFor(By.id("payload"));
        assertEquals("succeeded", text(By.id("record-state")));
        assertEquals(2, driver.findElements(By.cssSelector("#attempts tbody tr")).size());
        String shown = text(By.id("payload"));
        assertTrue(shown.contains("<script>window.consoleXss = 1</script>"), shown);
        assertTrue(shown.contains("<img src=x onerror="), shown);
        assertTrue(driver.findElements(By.cssSelector("#payload script, #payload img, main script")).isEmpty(), "no element made of the payload");
        assertEquals(null, ((JavascriptExecutor) driver).executeScript("return window.consoleXss === undefined ? null : window.consoleXss;"));
        screenshot("record");

        // the domains, and the flag toggled there (and back)
        driver.navigate().to(base + "#/domains");
        page("domains");
        waitFor(By.cssSelector("#domains tr[data-domain='acme'] [data-flag='true']"));
        click(By.cssSelector("#domains tr[data-domain='globex'] button[data-action='toggle-flag']"));
        waitFor(By.cssSelector("dialog#confirm[open]"));
        click(By.id("confirm-ok"));
        waitFor(By.cssSelector("#domains tr[data-domain='globex'] [data-flag='false']"));
        screenshot("domains");
        click(By.cssSelector("#domains tr[data-domain='globex'] button[data-action='toggle-flag']"));
        waitFor(By.cssSelector("dialog#confirm[open]"));
        click(By.id("confirm-ok"));
        waitFor(By.cssSelector("#domains tr[data-domain='globex'] [data-flag='true']"));

        // the audit trail shows all of it, by the admin token's name
        driver.navigate().to(base + "#/audit");
        page("audit");
        waitFor(By.cssSelector("#audit tbody tr"));
        String audit = text(By.id("audit"));
        for (String action : List.of("repeater.pause", "record.requeue", "repeater.resume", "domain.flag.set")) {
            assertTrue(audit.contains(action), action + " in " + audit);
        }
        assertTrue(audit.contains("ci-admin"));
        screenshot("audit");
    }

    @Test
    void aReadTokenSeesNoControlThatChangesAnything() {
        receiver.answer("/hook", 500);
        long down = createRepeater(Map.of("domain", "acme", "name", "billing", "url", receiver.url("/hook"), "batchSize", 5));
        long record = enqueueRaw(down, "invoice-1", SCRIPT_PAYLOAD);
        Await.until("the record failed", () -> records(down, FAILED) == 1);

        signIn(READ_TOKEN);
        assertEquals("read only", text(By.id("who-role")));
        waitFor(By.cssSelector("#repeaters tr[data-repeater='" + down + "'] [data-state='backed-off']"));
        noMutatingControl();
        driver.navigate().to(base + "#/repeaters/" + down);
        page("repeaters-one");
        waitFor(By.cssSelector("tr[data-record='" + record + "'][data-record-state='failed']"));
        noMutatingControl();
        screenshot("repeater-read-only");
        driver.navigate().to(base + "#/records/" + record);
        page("records-one");
        waitFor(By.id("payload"));
        assertTrue(text(By.id("payload")).contains("<script>window.consoleXss = 1</script>"));
        noMutatingControl();
        driver.navigate().to(base + "#/domains");
        page("domains");
        waitFor(By.cssSelector("#domains tr[data-domain='acme']"));
        noMutatingControl();
        driver.navigate().to(base + "#/audit");
        page("audit");
        noMutatingControl();

        // and the server refuses them anyway, whatever the page shows
        Object status = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/v1/repeaters/" + down + "/pause', {method: 'POST', headers: {Authorization: 'Bearer ' + sessionStorage.getItem('rd.console.token')}})"
                        + ".then(r => done(r.status), e => done(String(e)));");
        assertEquals(403L, status);
        assertFalse(repeater(down).getBoolean("is_paused"));

        // the token lives in session storage, not in a cookie or the address
        assertEquals(READ_TOKEN, ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('rd.console.token');"));
        assertTrue(driver.manage().getCookies().isEmpty());
        assertFalse(driver.getCurrentUrl().contains(READ_TOKEN));
    }

    @Test
    void aWrongTokenDoesNotSignIn() {
        driver.findElement(By.id("token")).sendKeys("not-a-token");
        click(By.id("sign-in"));
        wait.until(d -> text(By.id("signin-error")).contains("not valid"));
        screenshot("signin");
        assertEquals(null, ((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('rd.console.token');"));
    }

    /** A repeater's records page by page (keyset: the next page starts below the last id shown), and by state. */
    @Test
    void recordsArePagedByKeyset() {
        long paused = createRepeater(Map.of("domain", "acme", "name", "quiet", "url", receiver.url("/ok"), "batchSize", 5));
        api().post("/api/v1/repeaters/" + paused + "/pause").then().statusCode(200);
        List<Long> ids = enqueue(paused, 30, "p-");
        signIn(TOKEN);
        driver.navigate().to(base + "#/repeaters/" + paused);
        page("repeaters-one");
        wait.until(d -> d.findElements(By.cssSelector("#records tbody tr")).size() == 25);
        assertEquals(String.valueOf(ids.get(29)), driver.findElement(By.cssSelector("#records tbody tr")).getAttribute("data-record"),
                "newest first");
        click(By.cssSelector("a.next-page"));
        wait.until(d -> d.findElements(By.cssSelector("#records tbody tr")).size() == 5);
        assertEquals(String.valueOf(ids.get(4)), driver.findElement(By.cssSelector("#records tbody tr")).getAttribute("data-record"));
        assertTrue(driver.findElements(By.cssSelector("a.next-page")).isEmpty(), "the last page has no next");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("records-state"))).selectByValue("succeeded");
        waitFor(By.cssSelector("main[data-page='repeaters-one'] p.no-records"));
        assertTrue(driver.findElement(By.cssSelector("button[data-action='bulk-cancel-pending-failed']")).getText().endsWith("(30)"));
    }

    /** The browser enforces the policy: an inline script put into the page does not run, and is reported. */
    @Test
    void theBrowserRefusesInlineScript() {
        Object ran = ((JavascriptExecutor) driver).executeScript("const s = document.createElement('script');"
                + "s.textContent = 'window.inlineRan = true'; document.body.append(s); return window.inlineRan === true;");
        assertEquals(false, ran, "an inline script ran despite script-src 'self'");
        List<String> seen = new java.util.ArrayList<>();
        wait.until(d -> {
            d.manage().logs().get(LogType.BROWSER).getAll().forEach(e -> seen.add(e.getMessage())); // reading empties the log
            return seen.stream().anyMatch(m -> m.contains("Content Security Policy"));
        });
    }

    // ---- helpers --------------------------------------------------------------------------------

    private long enqueueRaw(long repeaterId, String payloadId, String payloadJson) {
        return api().body("[{\"payloadId\": \"" + payloadId + "\", \"payload\": " + payloadJson + "}]")
                .post("/api/v1/repeaters/" + repeaterId + "/records").then().statusCode(202).extract().jsonPath().getLong("recordIds[0]");
    }

    private void signIn(String token) {
        driver.findElement(By.id("token")).sendKeys(token);
        click(By.id("sign-in"));
        page("repeaters");
    }

    private void noMutatingControl() {
        assertTrue(driver.findElements(By.cssSelector(".mutating, [data-action]")).isEmpty(), "no mutating control on " + driver.getCurrentUrl());
        for (WebElement button : driver.findElements(By.tagName("button"))) {
            String label = button.getText().toLowerCase(java.util.Locale.ROOT);
            for (String verb : List.of("pause", "resume", "requeue", "resend", "cancel queued", "switch")) {
                assertFalse(label.startsWith(verb), "a read token sees no '" + button.getText() + "' button on " + driver.getCurrentUrl());
            }
        }
    }

    /** Waits until the page named {@code name} has been rendered (main[data-page]). */
    private void page(String name) {
        waitFor(By.cssSelector("main[data-page='" + name + "']"));
        settled();
        Object stray = ((JavascriptExecutor) driver).executeScript("return [...document.getElementById('main').childNodes]"
                + ".filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()).map(n => n.textContent).join('|');");
        assertEquals("", stray, "no stray text (a null or undefined) on the " + name + " page");
        assertFalse(driver.findElement(By.id("main")).getText().contains("undefined"), "no undefined on the " + name + " page");
    }

    private WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** Clicks the element once it is clickable; found again if a render replaced it meanwhile. */
    private void click(By by) {
        wait.until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(by).apply(d);
            if (element == null) {
                return false;
            }
            element.click(); // a stale element (replaced by a render) is ignored by the wait: found and clicked again
            return true;
        });
    }

    /** No render of the console is under way (the page's data-busy attribute). */
    private void settled() {
        wait.until(d -> d.findElements(By.cssSelector("body[data-busy]")).isEmpty());
    }

    private String text(By by) {
        return waitFor(by).getText();
    }

    /** With -Dconsole.screenshots=<dir>: the page as it is now, as <dir>/<name>.png. */
    private void screenshot(String name) {
        String dir = System.getProperty("console.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Path target = Path.of(dir).toAbsolutePath();
            Files.createDirectories(target);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("screenshot " + name, e);
        }
    }

    private static ChromeDriver startChromium() {
        Optional<Path> browser = executable("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        Optional<Path> chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (browser.isEmpty() || chromedriver.isEmpty()) {
            String missing = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver; or set CHROME_BIN and CHROMEDRIVER): "
                    + "found browser " + browser.map(Path::toString).orElse("none") + ", driver " + chromedriver.map(Path::toString).orElse("none");
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true: " + missing);
            }
            Assumptions.assumeTrue(false, "skipped, not under CI: " + missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1360,900",
                "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> executable(String env, String... candidates) {
        return Stream.concat(Stream.ofNullable(System.getenv(env)), Stream.of(candidates))
                .filter(p -> !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst();
    }
}
