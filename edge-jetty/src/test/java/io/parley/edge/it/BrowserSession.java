package io.parley.edge.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium (the system browser and driver, never a download) driving the web
 * client as one user: a page object over the client's element ids and data-testid attributes.
 */
final class BrowserSession implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String MESSAGES_JS =
            "return [...document.querySelectorAll('#message-list li[data-testid=message]')]"
                    + ".map(e => [e.dataset.seq || '', e.dataset.sender || '',"
                    + " e.dataset.status || '', (e.querySelector('.body') || {}).textContent || ''])";

    final String name;
    private final Path profile;
    private final ChromeDriver driver;

    /** A message as the page shows it, in DOM order. */
    record Shown(Long seq, String sender, String status, String body) {}

    private BrowserSession(String name, Path profile, ChromeDriver driver) {
        this.name = name;
        this.profile = profile;
        this.driver = driver;
    }

    /** Fails (never skips) when the system browser is missing: the test needs it. */
    static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError(
                    "WebClientIT needs Debian's Chromium and its driver ("
                            + CHROMIUM
                            + ", "
                            + CHROMEDRIVER
                            + "): run `apt-get install -y chromium chromium-driver`"
                            + " (./parley up installs them)");
        }
    }

    static BrowserSession start(String name) throws IOException {
        requireChromium();
        // the system driver: Selenium Manager must never look for (or download) one
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile = Files.createTempDirectory("parley-chromium-" + name + "-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1200,760",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        try {
            return new BrowserSession(name, profile, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
    }

    WebDriverWait waiting(String what) {
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT, Duration.ofMillis(200));
        wait.withMessage(() -> name + ": " + what + "\n" + diagnostics());
        wait.ignoring(WebDriverException.class);
        return wait;
    }

    void open(String url) {
        driver.get(url);
    }

    void signIn(String userId) {
        waiting("sign-in form").until(d -> d.findElement(By.id("signin-user")).isDisplayed());
        driver.findElement(By.id("signin-user")).sendKeys(userId);
        driver.findElement(By.id("signin-btn")).click();
        waiting("signed in as " + userId)
                .until(d -> userId.equals(d.findElement(By.id("me")).getText()));
        awaitConnection("online");
    }

    void awaitConnection(String state) {
        waiting("connection " + state)
                .until(
                        d ->
                                state.equals(
                                        d.findElement(By.id("conn-status"))
                                                .getDomAttribute("data-state")));
    }

    String connection() {
        return driver.findElement(By.id("conn-status")).getDomAttribute("data-state");
    }

    /** Creates a direct room with {@code peer} from the sidebar form; it opens; its id. */
    String createDirectRoom(String peer) {
        new Select(driver.findElement(By.id("new-room-kind"))).selectByValue("direct");
        driver.findElement(By.id("new-room-members")).sendKeys(peer);
        driver.findElement(By.id("new-room-btn")).click();
        return waiting("the new room opens")
                .until(
                        d -> {
                            String id =
                                    d.findElement(By.id("room-view"))
                                            .getDomAttribute("data-room-id");
                            return id == null || id.isEmpty() ? null : id;
                        });
    }

    /** Waits for the room in the list (it is polled), then opens it. */
    void openRoom(String roomId) {
        By item = By.cssSelector("li[data-testid=room][data-room-id='" + roomId + "']");
        long[] refreshed = {System.nanoTime()};
        waiting("room " + roomId + " listed")
                .until(
                        d -> {
                            List<WebElement> found = d.findElements(item);
                            if (found.isEmpty()) {
                                if (System.nanoTime() - refreshed[0] > 2_000_000_000L) {
                                    // the list is polled; do not wait for the next poll
                                    d.findElement(By.id("refresh-rooms")).click();
                                    refreshed[0] = System.nanoTime();
                                }
                                return null;
                            }
                            found.get(0).click();
                            return true;
                        });
        waiting("room " + roomId + " open")
                .until(
                        d ->
                                roomId.equals(
                                        d.findElement(By.id("room-view"))
                                                .getDomAttribute("data-room-id")));
    }

    /** Types into the composer without sending (so the peer sees "typing"). */
    void type(String text) {
        driver.findElement(By.id("message-input")).sendKeys(text);
    }

    void pressEnter() {
        driver.findElement(By.id("message-input")).sendKeys(Keys.ENTER);
    }

    void send(String text) {
        type(text);
        pressEnter();
    }

    /** Waits until a message with this body is shown with its seq; returns the seq. */
    long awaitMessage(String body) {
        return waiting("message '" + body + "' shown with a seq")
                .until(
                        d ->
                                messages().stream()
                                        .filter(m -> body.equals(m.body()) && m.seq() != null)
                                        .map(Shown::seq)
                                        .findFirst()
                                        .orElse(null));
    }

    /** Waits until my message with this body has one of the statuses; returns the status. */
    String awaitStatus(String body, List<String> statuses) {
        return waiting("message '" + body + "' in status " + statuses)
                .until(
                        d ->
                                messages().stream()
                                        .filter(m -> body.equals(m.body()))
                                        .map(Shown::status)
                                        .filter(statuses::contains)
                                        .findFirst()
                                        .orElse(null));
    }

    void awaitTyping(String userId) {
        waiting(userId + " shown typing")
                .until(
                        d -> {
                            WebElement t = d.findElement(By.id("typing"));
                            return t.isDisplayed()
                                    && List.of(t.getDomAttribute("data-users").split(","))
                                            .contains(userId);
                        });
    }

    void awaitNotTyping() {
        waiting("typing indicator gone").until(d -> !d.findElement(By.id("typing")).isDisplayed());
    }

    @SuppressWarnings("unchecked")
    List<Shown> messages() {
        List<Shown> out = new ArrayList<>();
        for (Object row : (List<Object>) ((JavascriptExecutor) driver).executeScript(MESSAGES_JS)) {
            List<Object> r = (List<Object>) row;
            String seq = (String) r.get(0);
            out.add(
                    new Shown(
                            seq.isEmpty() ? null : Long.parseLong(seq),
                            (String) r.get(1),
                            (String) r.get(2),
                            (String) r.get(3)));
        }
        return out;
    }

    Path screenshot(String file) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(file + ".png");
        Files.copy(
                driver.getScreenshotAs(OutputType.FILE).toPath(),
                target,
                StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** The page's text and console, for failure messages. */
    String diagnostics() {
        StringBuilder b = new StringBuilder();
        try {
            b.append("connection: ").append(connection()).append('\n');
            b.append("messages: ").append(messages()).append('\n');
            b.append("toasts: ")
                    .append(driver.findElement(By.id("toasts")).getText().replace('\n', '|'))
                    .append('\n');
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                b.append("console: ").append(e.getMessage()).append('\n');
            }
        } catch (RuntimeException e) {
            b.append("(diagnostics failed: ").append(e).append(")");
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}
