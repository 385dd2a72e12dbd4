package org.tcplab.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Every shipped scenario file loads, in both languages (the startup check, run in the build). */
class ScenarioCatalogTest {

    private final ScenarioCatalog catalog = new ScenarioCatalog();

    @Test
    void loadsEveryFileUnderScenarios() throws Exception {
        var files = new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                .getResources(ScenarioCatalog.LOCATION);
        assertThat(catalog.all()).hasSize(files.length);
    }

    @Test
    void hasTheRequiredLibrary() {
        List<String> names =
                catalog.all().stream().map(ScenarioDefinition::name).toList();
        assertThat(names)
                .contains(
                        "three-way-handshake",
                        "simultaneous-open",
                        "old-duplicate-syn",
                        "half-open-discovery",
                        "half-open-active-side",
                        "old-duplicate-syn-two-listeners",
                        "normal-close",
                        "simultaneous-close",
                        "syn-lost",
                        "syn-ack-lost",
                        "final-ack-lost",
                        "closed-port",
                        "two-way-handshake-old-duplicate",
                        "four-way-handshake",
                        "lossy-transfer",
                        "zero-window",
                        "ack-storm");
    }

    @Test
    void groupsTheLibraryAsACourseRunsWithCompanionsTogether() {
        List<String> groups = List.of("handshake", "why-three", "loss", "closing", "attacks");
        for (ScenarioInfo s : catalog.list(Locale.ENGLISH))
            assertThat(groups).as(s.name() + " group").contains(s.group());
        java.util.function.Function<String, String> groupOf = n -> catalog.list(Locale.ENGLISH).stream()
                .filter(s -> s.name().equals(n))
                .findFirst()
                .orElseThrow()
                .group();
        assertThat(groupOf.apply("three-way-handshake")).isEqualTo("handshake");
        // The two-way handshake is the old duplicate SYN's companion: why the handshake takes three.
        assertThat(groupOf.apply("two-way-handshake-old-duplicate")).isEqualTo(groupOf.apply("old-duplicate-syn"));
        assertThat(groupOf.apply("blind-reset")).isEqualTo("attacks");
    }

    @Test
    void companionsNameEachOtherForTheComparisonView() {
        java.util.function.Function<String, String> companionOf =
                n -> catalog.find(n).orElseThrow().companion();
        assertThat(companionOf.apply("three-way-handshake")).isEqualTo("four-way-handshake");
        assertThat(companionOf.apply("four-way-handshake")).isEqualTo("three-way-handshake");
        assertThat(companionOf.apply("two-way-handshake-old-duplicate")).isEqualTo("old-duplicate-syn");
        assertThat(companionOf.apply("old-duplicate-syn")).isEqualTo("two-way-handshake-old-duplicate");
        assertThat(catalog.list(Locale.CHINESE).stream()
                        .filter(s -> s.name().equals("four-way-handshake"))
                        .findFirst()
                        .orElseThrow()
                        .title())
                .isEqualTo("四次握手：为什么要把 SYN 和 ACK 合并？");
    }

    @Test
    void listsEnglishAndChinese() {
        List<ScenarioInfo> en = catalog.list(Locale.ENGLISH);
        List<ScenarioInfo> zh = catalog.list(Locale.SIMPLIFIED_CHINESE);
        assertThat(en).hasSameSizeAs(zh);
        for (int i = 0; i < en.size(); i++) {
            ScenarioInfo e = en.get(i);
            ScenarioInfo z = zh.get(i);
            assertThat(z.name()).isEqualTo(e.name());
            assertThat(e.title()).isNotBlank().isNotEqualTo(z.title());
            assertThat(z.title()).as(e.name() + " zh title").containsPattern("\\p{IsHan}");
            assertThat(z.description()).as(e.name() + " zh description").containsPattern("\\p{IsHan}");
            assertThat(e.description()).as(e.name() + " en description").doesNotContainPattern("\\p{IsHan}");
            assertThat(z.params())
                    .extracting(ScenarioParam::name)
                    .isEqualTo(e.params().stream().map(ScenarioParam::name).toList());
            for (ScenarioParam p : z.params()) assertThat(p.description()).containsPattern("\\p{IsHan}");
        }
        // any zh locale picks Chinese, anything else English
        assertThat(catalog.list(Locale.forLanguageTag("zh-TW")).get(0).title())
                .isEqualTo(zh.get(0).title());
        assertThat(catalog.list(Locale.FRENCH).get(0).title())
                .isEqualTo(en.get(0).title());
    }

    @Test
    void everyStepIsNarratedInBothLanguagesWhereItSaysSomething() {
        for (ScenarioDefinition d : catalog.all()) {
            assertThat(d.steps()).as(d.name()).isNotEmpty();
            assertThat(d.steps().stream().filter(s -> s.narration() != null))
                    .as(d.name() + " narrated steps")
                    .isNotEmpty();
            for (Step s : d.steps()) {
                if (s.narration() == null) continue;
                assertThat(s.narration().zh()).as(d.name() + "/" + s.name()).containsPattern("\\p{IsHan}");
                assertThat(s.narration().en()).as(d.name() + "/" + s.name()).doesNotContainPattern("\\p{IsHan}");
            }
        }
    }

    @Test
    void figureScenariosUseTheRfcIsns() {
        ScenarioDefinition fig6 = catalog.find("three-way-handshake").orElseThrow();
        assertThat(fig6.params())
                .extracting(ParamSpec::name, ParamSpec::defaultValue)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("clientIsn", 100L),
                        org.assertj.core.groups.Tuple.tuple("serverIsn", 300L));
        ScenarioDefinition fig8 = catalog.find("old-duplicate-syn").orElseThrow();
        assertThat(fig8.expectation()).isNotNull();
        assertThat(fig8.expectation().exact()).isTrue();
        assertThat(catalog.find("no-such-scenario")).isEmpty();
    }

    @Test
    void springBuildsTheCatalogAndTheRunner() {
        new org.springframework.boot.test.context.runner.ApplicationContextRunner()
                .withUserConfiguration(ScenarioCatalog.class, ScenarioRunner.class)
                .run(ctx -> {
                    assertThat(ctx)
                            .hasNotFailed()
                            .hasSingleBean(ScenarioCatalog.class)
                            .hasSingleBean(ScenarioRunner.class);
                    assertThat(ctx.getBean(ScenarioCatalog.class).find("old-duplicate-syn"))
                            .isPresent();
                });
    }

    @Test
    void everyRfc9293FigureHasAScenarioWithAnExactExpectation() {
        java.util.Set<Integer> figures = new java.util.TreeSet<>();
        for (ScenarioDefinition d : catalog.all()) {
            var m = java.util.regex.Pattern.compile("RFC 9293 .*Figure (\\d+)").matcher(String.valueOf(d.rfc()));
            if (!m.find()) continue;
            figures.add(Integer.parseInt(m.group(1)));
            assertThat(d.expectation()).as(d.name()).isNotNull();
            assertThat(d.expectation().exact())
                    .as(d.name() + " follows its figure segment by segment")
                    .isTrue();
        }
        assertThat(figures).containsExactly(6, 7, 8, 9, 10, 11, 12, 13);
    }
}
