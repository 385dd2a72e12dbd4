package org.tcplab.server.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Chromium for a whole browser test class: launched before its first test, closed after its
 * last; the class is skipped with {@link Browsers#MISSING} where there is none. Register it as a
 * static field, {@code @RegisterExtension static final BrowserExtension chromium = new
 * BrowserExtension();}. Every {@link #open} is a fresh context, so tests share no storage.
 */
final class BrowserExtension implements BeforeAllCallback, AfterAllCallback {

    private Browsers browsers;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        browsers = Browsers.require();
        Files.createDirectories(Browsers.SHOTS);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (browsers != null) browsers.close();
        browsers = null;
    }

    Browser browser() {
        return browsers.browser();
    }

    /** See {@link Browsers#context}. */
    BrowserContext context(int width, int height, String locale) {
        return browsers.context(width, height, locale);
    }

    /** See {@link Browsers#open}. */
    Page open(int width, int height, String locale) {
        return browsers.open(width, height, locale);
    }
}
