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
                    + " e.dataset.status || '', (e.querySelector('.body') || {}).textContent || '',"
                    + " (e.querySelector('[data-testid=edited]') || {}).textContent || ''])";

    /** Every sequenced line of the timeline, messages and room events, in DOM order. */
    private static final String TIMELINE_JS =
            "return [...document.querySelectorAll('#message-list > li[data-seq]')]"
                    + ".map(e => [e.dataset.seq, e.dataset.testid === 'event' ? e.dataset.kind"
                    + " : 'message', (e.querySelector('.event-text, .body') || {}).textContent"
                    + " || ''])";

    /** The reaction button of one emoji under the message of a seq (emoji compared in JS). */
    private static final String REACTION_JS =
            "const li = document.querySelector('#message-list li[data-testid=message][data-seq=\"'"
                    + " + arguments[0] + '\"]');"
                    + " return li ? [...li.querySelectorAll('[data-testid=reaction]')]"
                    + ".find(b => b.dataset.emoji === arguments[1]) || null : null;";

    final String name;
    private final Path profile;
    private final ChromeDriver driver;

    /** A message as the page shows it, in DOM order; {@code edited} is its "edited" label. */
    record Shown(Long seq, String sender, String status, String body, String edited) {}

    /** A line of the timeline: a message ({@code kind} "message") or a room event by its kind. */
    record Entry(long seq, String kind, String text) {}

    /** A reaction button as shown under a message. */
    record Reaction(String emoji, int count, boolean mine, String text) {}

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
        return createRoom(peer, false);
    }

    /** Creates a direct room, end-to-end encrypted if asked (PROTOCOL.md section 6); its id. */
    String createRoom(String peer, boolean encrypted) {
        new Select(driver.findElement(By.id("new-room-kind"))).selectByValue("direct");
        WebElement box = driver.findElement(By.id("new-room-encrypted"));
        if (box.isSelected() != encrypted) {
            box.click();
        }
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

    /**
     * Waits for the room in the list without refreshing it; returns how the client learned of it
     * ({@code data-origin}: "event" when a live room event listed it, "list" when the polled room
     * list did, "created" when this user created it).
     */
    String awaitRoomListed(String roomId) {
        By item = By.cssSelector("li[data-testid=room][data-room-id='" + roomId + "']");
        return waiting("room " + roomId + " listed without a refresh")
                .until(
                        d -> {
                            List<WebElement> found = d.findElements(item);
                            return found.isEmpty()
                                    ? null
                                    : found.get(0).getDomAttribute("data-origin");
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

    /** The unread badge of a room in the list: its count, 0 when it shows none, -1 if unlisted. */
    int unread(String roomId) {
        List<WebElement> item =
                driver.findElements(
                        By.cssSelector("li[data-testid=room][data-room-id='" + roomId + "']"));
        if (item.isEmpty()) {
            return -1;
        }
        List<WebElement> badge = item.get(0).findElements(By.cssSelector("[data-testid=unread]"));
        return badge.isEmpty() ? 0 : Integer.parseInt(badge.get(0).getText().trim());
    }

    /** Waits until the room's unread badge shows {@code count} (0: no badge). */
    void awaitUnread(String roomId, int count) {
        waiting("room " + roomId + " shows " + count + " unread")
                .until(d -> unread(roomId) == count);
    }

    /** How many {@code read_state} frames this page has handled (v1.1 section 5). */
    int readStates() {
        String n = driver.findElement(By.tagName("body")).getDomAttribute("data-read-states");
        return n == null ? 0 : Integer.parseInt(n);
    }

    /** Opens "your devices" and waits until it lists {@code deviceCount} devices. */
    List<WebElement> devices(int deviceCount) {
        if (!driver.findElement(By.id("devices-panel")).isDisplayed()) {
            driver.findElement(By.id("devices-btn")).click();
        }
        return waiting(deviceCount + " devices listed")
                .until(
                        d -> {
                            List<WebElement> found =
                                    d.findElements(By.cssSelector("li[data-testid=device]"));
                            if (found.size() == deviceCount) {
                                return found;
                            }
                            // the list is read when opened: read it again
                            d.findElement(By.id("devices-btn")).click();
                            d.findElement(By.id("devices-btn")).click();
                            return null;
                        });
    }

    /** This page's device id (the client keeps one per browser session). */
    String deviceId() {
        return (String)
                ((JavascriptExecutor) driver)
                        .executeScript("return sessionStorage.getItem('parley.device')");
    }

    /** Signs out another device from "your devices". */
    void signOutDevice(String deviceId) {
        devices(2).stream()
                .filter(e -> deviceId.equals(e.getDomAttribute("data-device-id")))
                .findFirst()
                .orElseThrow()
                .findElement(By.cssSelector("[data-testid=device-signout]"))
                .click();
    }

    /** Waits for the sign-in form (this device was signed out). */
    void awaitSignedOut() {
        waiting("back at the sign-in form")
                .until(d -> d.findElement(By.id("signin")).isDisplayed());
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

    /** Waits until the message of this seq is shown as {@code done} accepts; returns it. */
    Shown awaitShown(long seq, String what, java.util.function.Predicate<Shown> done) {
        return waiting("message " + seq + " " + what)
                .until(
                        d ->
                                messages().stream()
                                        .filter(
                                                m ->
                                                        m.seq() != null
                                                                && m.seq() == seq
                                                                && done.test(m))
                                        .findFirst()
                                        .orElse(null));
    }

    /** Clicks the reaction button of {@code emoji} under the message of this seq (a toggle). */
    void react(long seq, String emoji) {
        waiting("reaction " + emoji + " on message " + seq + " clicked")
                .until(
                        d -> {
                            WebElement b = reactionButton(seq, emoji);
                            if (b == null) {
                                return false;
                            }
                            b.click();
                            return true;
                        });
    }

    /** Waits until the reaction of {@code emoji} under the message of this seq has this count. */
    Reaction awaitReaction(long seq, String emoji, int count) {
        return waiting("reaction " + emoji + " x" + count + " on message " + seq)
                .until(
                        d -> {
                            WebElement b = reactionButton(seq, emoji);
                            if (b == null
                                    || !String.valueOf(count)
                                            .equals(b.getDomAttribute("data-count"))) {
                                return null;
                            }
                            return new Reaction(
                                    emoji,
                                    count,
                                    "true".equals(b.getDomAttribute("data-mine")),
                                    b.getText());
                        });
    }

    private WebElement reactionButton(long seq, String emoji) {
        return (WebElement) ((JavascriptExecutor) driver).executeScript(REACTION_JS, seq, emoji);
    }

    /** Edits my message of this seq from the composer's edit mode, and saves it. */
    void edit(long seq, String body) {
        By button =
                By.cssSelector(
                        "#message-list li[data-testid=message][data-seq='"
                                + seq
                                + "'] [data-testid=edit-btn]");
        waiting("edit of message " + seq + " started")
                .until(
                        d -> {
                            d.findElement(button).click();
                            return d.findElement(By.id("edit-banner")).isDisplayed();
                        });
        WebElement input = driver.findElement(By.id("message-input"));
        input.clear();
        input.sendKeys(body);
        input.sendKeys(Keys.ENTER);
        waiting("edit mode left").until(d -> !d.findElement(By.id("edit-banner")).isDisplayed());
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
                            (String) r.get(3),
                            (String) r.get(4)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    List<Entry> timeline() {
        List<Entry> out = new ArrayList<>();
        for (Object row : (List<Object>) ((JavascriptExecutor) driver).executeScript(TIMELINE_JS)) {
            List<Object> r = (List<Object>) row;
            out.add(
                    new Entry(
                            Long.parseLong((String) r.get(0)),
                            (String) r.get(1),
                            (String) r.get(2)));
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
            b.append("timeline: ").append(timeline()).append('\n');
            b.append("rooms: ")
                    .append(
                            ((JavascriptExecutor) driver)
                                    .executeScript(
                                            "return [...document.querySelectorAll("
                                                    + "'li[data-testid=room]')].map(e =>"
                                                    + " e.dataset.roomId + '/' + e.dataset.origin)"
                                                    + ".join(' ')"))
                    .append('\n');
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
