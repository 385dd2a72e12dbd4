package org.tcplab.server.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Not a test (Maven profile {@code bench}): the browser lab on a big real lab, 5 MB sent at MSS 536
 * under 2% loss each way (about 15,700 segments). Prints {@code BENCH <name> <value> <unit>}: the
 * time from navigation to the first arrow, to the whole log loaded, and the cost of one scroll step
 * (from the scroll event to the diagram repainted and laid out by the browser), p50/p95/max.
 *
 * <p>{@code -Dbench.pagedEvents=true} serves {@code GET /events} through a Playwright route that
 * honours {@code limit} and answers {@code Link: rel="next"} (the paged contract of lab-api.md), for
 * a server that does not page yet.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-send-bytes=6000000",
            "tcplab.max-events-per-lab=400000",
            "tcplab.viewer-buffer=200000",
            "logging.level.root=WARN"
        })
class LabPageBench {

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    @Test
    void aBigLabShowsItsFirstArrowsQuicklyAndScrollsWithinAFrame() throws Exception {
        Rest rest = new Rest(port);
        Rest.Lab lab = rest.createLab(Map.of(
                "mode",
                "sim",
                "seed",
                7,
                "clock",
                "instant",
                "tcp",
                Map.of("mss", 536),
                "link",
                Map.of("latencyMs", 10)));
        rest.post(lab, "/faults", Map.of("direction", "both", "match", Map.of("probability", 0.02), "action", "drop"));
        rest.post(lab, "/listen", Map.of("host", "server", "port", 80));
        rest.post(lab, "/connections", Map.of("from", "client", "localPort", 40000, "remotePort", 80));
        String conn = rest.firstConnection(lab);
        long t0 = System.nanoTime();
        rest.post(lab, "/connections/" + conn + "/send", Map.of("side", "client", "bytes", 5_000_000));
        long simMs = (System.nanoTime() - t0) / 1_000_000;
        JsonNode snap = rest.get("/api/labs/" + lab.id());
        long events = snap.path("lastEventId").asLong();
        long segments = rest.events(lab).stream()
                .filter(e -> e.path("type").asString().equals("segment.sent"))
                .count();
        System.out.printf("BENCH page_lab_events %d events%n", events);
        System.out.printf("BENCH page_lab_segments %d segments%n", segments);
        System.out.printf("BENCH page_lab_sim_ms %d ms%n", simMs);
        boolean paged = Boolean.getBoolean("bench.pagedEvents");
        for (int run = 1; run <= Integer.getInteger("bench.runs", 3); run++) {
            measure(lab, events, paged, run);
        }
    }

    private void measure(Rest.Lab lab, long events, boolean paged, int run) throws Exception {
        BrowserContext context = chromium.browser()
                .newContext(new Browser.NewContextOptions()
                        .setViewportSize(1400, 900)
                        .setLocale("en-US"));
        context.setDefaultTimeout(120_000);
        Page page = context.newPage();
        if (paged) pageEvents(page, lab.id());
        // The page's own clock: when the first arrow appears, from the navigation's start.
        page.addInitScript("new MutationObserver((_, o) => { if (document.querySelector('[data-segment-id]')) {"
                + " window.__firstArrow = performance.now(); o.disconnect(); } })"
                + ".observe(document, { childList: true, subtree: true });");
        long start = System.nanoTime();
        page.navigate("http://localhost:" + port + "/labs/" + lab.id());
        page.waitForSelector("[data-segment-id]");
        long firstArrow = (System.nanoTime() - start) / 1_000_000;
        page.waitForFunction(
                "n => Number(document.querySelector('input[name=scrub]')?.max) >= n",
                (int) events,
                new Page.WaitForFunctionOptions().setPollingInterval(50));
        long loaded = (System.nanoTime() - start) / 1_000_000;
        // Let any render still queued for the last page happen before scrolling.
        page.waitForTimeout(1500);
        @SuppressWarnings("unchecked")
        List<Number> costs = (List<Number>) profiled(page, "scroll-run" + run, () -> page.evaluate(SCROLL_STEPS, 80));
        double[] ms = costs.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        @SuppressWarnings("unchecked")
        List<Number> frames = (List<Number>) page.evaluate(SCROLL_FRAMES, 120);
        double[] fr = frames.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        @SuppressWarnings("unchecked")
        List<Number> keys = (List<Number>) profiled(page, "keys-run" + run, () -> page.evaluate(KEY_STEPS, 40));
        double[] ks = keys.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        System.out.printf("BENCH page_first_arrow_ms_run%d %d ms%n", run, firstArrow);
        // Where that time went: the first answer with events (the server and the network), and
        // the page after it (decode, model, layout, drawing).
        @SuppressWarnings("unchecked")
        Map<String, Object> split = (Map<String, Object>) page.evaluate(
                "() => { const r = performance.getEntriesByType('resource').find((e) => /\\/events\\?/.test(e.name));"
                        + " return { first: window.__firstArrow, response: r ? r.responseEnd : -1,"
                        + " request: r ? r.requestStart : -1 }; }");
        double first = ((Number) split.get("first")).doubleValue();
        double response = ((Number) split.get("response")).doubleValue();
        double request = ((Number) split.get("request")).doubleValue();
        System.out.printf(
                "BENCH page_first_arrow_split_run%d page_clock=%.0f ms: events_request_at=%.0f answer_took=%.0f"
                        + " page_after_answer=%.0f ms%n",
                run, first, request, response - request, first - response);
        System.out.printf("BENCH page_all_events_loaded_ms_run%d %d ms%n", run, loaded);
        System.out.printf(
                "BENCH page_scroll_step_ms_run%d p50=%.1f p95=%.1f max=%.1f ms (%d steps, %d arrows in the DOM)%n",
                run,
                ms[ms.length / 2],
                ms[(int) Math.ceil(ms.length * 0.95) - 1],
                ms[ms.length - 1],
                ms.length,
                ((Number) page.evaluate("document.querySelectorAll('[data-segment-id]').length")).intValue());
        System.out.printf(
                "BENCH page_scroll_frame_interval_ms_run%d p50=%.1f p95=%.1f max=%.1f ms (scrolling 40 px a frame)%n",
                run, fr[fr.length / 2], fr[(int) Math.ceil(fr.length * 0.95) - 1], fr[fr.length - 1]);
        System.out.printf(
                "BENCH page_key_step_ms_run%d p50=%.1f p95=%.1f max=%.1f ms (ArrowDown: select the next segment)%n",
                run, ks[ks.length / 2], ks[(int) Math.ceil(ks.length * 0.95) - 1], ks[ks.length - 1]);
        page.screenshot(new Page.ScreenshotOptions().setPath(Browsers.SHOTS.resolve("bench-big-lab.png")));
        context.close();
    }

    /** With -Dbench.profile=true, a CPU profile of what `work` makes the page do (for DevTools). */
    private static Object profiled(Page page, String name, java.util.function.Supplier<Object> work)
            throws java.io.IOException {
        if (!Boolean.getBoolean("bench.profile")) return work.get();
        var cdp = page.context().newCDPSession(page);
        cdp.send("Profiler.enable");
        cdp.send("Profiler.start");
        Object result = work.get();
        var profile = cdp.send("Profiler.stop").get("profile");
        Files.writeString(Browsers.SHOTS.resolveSibling(name + ".cpuprofile"), profile.toString());
        return result;
    }

    /**
     * Scroll the diagram in steps through the whole lab; each step is timed from the scroll event
     * to the end of the frame's animation callbacks (the diagram's repaint runs in one), plus the
     * style and layout that the new elements cost.
     */
    private static final String SCROLL_STEPS =
            """
            async (steps) => {
              const s = document.querySelector('.diagram-scroll');
              const costs = [];
              for (let i = 0; i < steps; i++) {
                const target = Math.round((s.scrollHeight - s.clientHeight) * (i + 1) / (steps + 1));
                const cost = await new Promise((resolve) => {
                  const onScroll = () => {
                    s.removeEventListener('scroll', onScroll);
                    const t0 = performance.now();
                    requestAnimationFrame(() => {
                      s.getBoundingClientRect();
                      document.body.offsetHeight;
                      resolve(performance.now() - t0);
                    });
                  };
                  s.addEventListener('scroll', onScroll);
                  s.scrollTop = target;
                });
                costs.push(cost);
                await new Promise((r) => setTimeout(r, 30));
              }
              return costs;
            }
            """;

    /** Scroll 40 px every frame from the middle of the lab; the intervals between frames. */
    private static final String SCROLL_FRAMES =
            """
            async (frames) => {
              const s = document.querySelector('.diagram-scroll');
              s.scrollTop = Math.round((s.scrollHeight - s.clientHeight) / 2);
              await new Promise((r) => setTimeout(r, 200));
              const out = [];
              let last = await new Promise((r) => requestAnimationFrame(r));
              for (let i = 0; i < frames; i++) {
                s.scrollTop += 40;
                const now = await new Promise((r) => requestAnimationFrame(r));
                out.push(now - last);
                last = now;
              }
              return out;
            }
            """;

    /** Keyboard stepping through segments: keydown to the end of the next frame's callbacks. */
    private static final String KEY_STEPS =
            """
            async (steps) => {
              const s = document.querySelector('.diagram-scroll');
              s.focus();
              const out = [];
              for (let i = 0; i < steps; i++) {
                const t0 = performance.now();
                s.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
                await new Promise((r) => requestAnimationFrame(() => { document.body.offsetHeight; r(); }));
                out.push(performance.now() - t0);
                await new Promise((r) => setTimeout(r, 30));
              }
              return out;
            }
            """;

    /** GET /events answered page by page from the server's whole log, as the paged contract says. */
    private void pageEvents(Page page, String lab) {
        // The whole log is read before the page opens, so only the pages' own cost is measured.
        List<JsonNode> log = new Rest(port).events(new Rest.Lab(lab, null));
        Pattern p = Pattern.compile(".*/events\\?after=(\\d+)(?:&limit=(\\d+))?.*");
        page.route(Pattern.compile(".*/api/labs/[^/]+/events\\?.*"), (Route route) -> {
            var m = p.matcher(route.request().url());
            if (!m.matches()) {
                route.resume();
                return;
            }
            long after = Long.parseLong(m.group(1));
            int limit = m.group(2) == null ? 10_000 : Math.min(10_000, Integer.parseInt(m.group(2)));
            // Ids are 1, 2, 3, ...: the page starts at index `after`.
            int from = (int) Math.min(after, log.size());
            int to = Math.min(log.size(), from + limit);
            Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/json"));
            if (to < log.size())
                headers.put(
                        "Link",
                        "</api/labs/" + lab + "/events?after="
                                + log.get(to - 1).path("id").asLong() + "&limit=" + limit + ">; rel=\"next\"");
            route.fulfill(new Route.FulfillOptions()
                    .setStatus(200)
                    .setHeaders(headers)
                    .setBody(Rest.JSON.writeValueAsString(log.subList(from, to))));
        });
    }
}
