package org.tcplab.server.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * A Chromium driven by Playwright, offline (it must never download one); one per test class. Debian's
 * {@code /usr/bin/chromium} by default; {@code TCPLAB_BROWSER} names another (GitHub's Ubuntu images
 * have Google Chrome, their chromium package is a snap stub).
 */
record Browsers(Playwright playwright, Browser browser) implements AutoCloseable {

    static final Path CHROMIUM = Paths.get(
            System.getenv().getOrDefault("TCPLAB_BROWSER", "").isBlank()
                    ? "/usr/bin/chromium"
                    : System.getenv("TCPLAB_BROWSER"));
    static final Path SHOTS = Paths.get(System.getProperty("tcplab.screenshots", "target/screenshots"));
    static final String MISSING = "browser tests need a Chromium at " + CHROMIUM
            + " (apt-get install -y chromium, or TCPLAB_BROWSER=/path/to/chrome)";

    /** A browser, or the test is skipped (JUnit assumption) with {@link #MISSING} as the reason. */
    static Browsers require() {
        Browsers browsers = launch();
        assumeTrue(browsers != null, MISSING);
        return browsers;
    }

    /** Null when there is no browser here (the caller skips with {@link #MISSING}). */
    static Browsers launch() {
        if (!Files.isExecutable(CHROMIUM)) return null;
        // Assertions wait as long as actions do: CI machines are shared, and 5 s was seen to run out.
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run")));
        return new Browsers(playwright, browser);
    }

    /** A fresh context (its own storage) of the given size and language. */
    BrowserContext context(int width, int height, String locale) {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setLocale(locale)
                .setAcceptDownloads(true));
        c.setDefaultTimeout(15_000);
        return c;
    }

    /** A page in a fresh context (its own storage) of the given size and language. */
    Page open(int width, int height, String locale) {
        return context(width, height, locale).newPage();
    }

    /** A screenshot of the viewport, under target/screenshots/, for a person to look at. */
    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
