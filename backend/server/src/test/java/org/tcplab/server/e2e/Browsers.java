package org.tcplab.server.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/** Debian's Chromium driven by Playwright, offline; one per test class. */
record Browsers(Playwright playwright, Browser browser) implements AutoCloseable {

    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path SHOTS = Paths.get(System.getProperty("tcplab.screenshots", "target/screenshots"));
    static final String MISSING =
            "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium)";

    /** Null when there is no browser here (the caller skips with {@link #MISSING}). */
    static Browsers launch() {
        if (!Files.isExecutable(CHROMIUM)) return null;
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

    /** A page in a fresh context (its own storage) of the given size and language. */
    Page open(int width, int height, String locale) {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height)
                .setLocale(locale)
                .setAcceptDownloads(true));
        c.setDefaultTimeout(15_000);
        return c.newPage();
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
