package org.tcplab.server.web;

import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.scenario.ScenarioCatalog;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A lab as a printable handout ({@code /labs/{lab}/handout}): the title block and the headings are
 * rendered here from what the server knows; the diagram, the numbered narration, the chosen
 * segment's header and the verdict are drawn in the page by the frontend's own modules (the same
 * layout, narration and inspector as the lab page), so there is one renderer of each. Reading a
 * lab needs only its id, as for the lab page and {@code GET /api/labs/{lab}}; the token never
 * appears here.
 */
@Controller
class HandoutController {

    private final LabService labs;
    private final ScenarioCatalog scenarios;
    private final PageSettings settings;
    private final JsonMapper json;
    private final Clock clock;

    HandoutController(LabService labs, ScenarioCatalog scenarios, PageSettings settings, JsonMapper json, Clock clock) {
        this.labs = labs;
        this.scenarios = scenarios;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping("/labs/{lab}/handout")
    Mono<String> handout(
            @PathVariable("lab") String id,
            @RequestParam(name = "lang", required = false) String lang,
            @RequestParam(name = "segment", required = false) String segment,
            @RequestParam(name = "paper", required = false) String paper,
            ServerWebExchange exchange,
            Model model) {
        boolean zh = chinese(lang, exchange.getLocaleContext().getLocale());
        Long segmentId = segment(segment);
        String paperSize = paper(paper);
        HandoutWords words = zh ? HandoutWords.ZH : HandoutWords.EN;
        String basePath = exchange.getRequest().getPath().contextPath().value();
        model.addAttribute("lang", zh ? "zh-CN" : "en");
        model.addAttribute("words", words);
        model.addAttribute("version", settings.version());
        model.addAttribute("home", basePath + "/");
        return find(id).map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .map(found -> {
                    if (found.isEmpty()) {
                        exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
                        model.addAttribute(
                                "labId", PageController.LAB_ID.matcher(id).matches() ? id : null);
                        return "lab-missing";
                    }
                    return handout(found.get(), zh, segmentId, paperSize, basePath, model);
                });
    }

    private String handout(Lab lab, boolean zh, Long segmentId, String paperSize, String basePath, Model model) {
        Locale locale = zh ? Locale.SIMPLIFIED_CHINESE : Locale.ENGLISH;
        String scenario = scenarios.titleOf(lab.scenario(), locale).orElse(null);
        String labPath = basePath + "/labs/" + lab.id();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("labId", lab.id());
        s.put("basePath", basePath);
        s.put("apiBase", basePath + "/api");
        s.put("version", settings.version());
        s.put("defaultLocale", zh ? "zh-CN" : "en");
        s.put("handout", Map.of("segment", segmentId == null ? 0 : segmentId, "paper", paperSize));
        model.addAttribute("settingsJson", PageController.scriptSafe(json.writeValueAsString(s)));
        model.addAttribute("labId", lab.id());
        model.addAttribute("scenario", scenario);
        model.addAttribute("date", LocalDate.now(clock).toString());
        model.addAttribute("paper", paperSize);
        model.addAttribute("labPath", labPath);
        String self = labPath + "/handout?";
        String seg = segmentId == null ? "" : "&segment=" + segmentId;
        model.addAttribute("otherLang", self + "lang=" + (zh ? "en" : "zh") + "&paper=" + paperSize + seg);
        model.addAttribute(
                "otherPaper",
                self + "lang=" + (zh ? "zh" : "en") + "&paper=" + ("a4".equals(paperSize) ? "letter" : "a4") + seg);
        return "handout";
    }

    /**
     * The lab, or empty when there is none (a page answers with a 404 page, not a problem). In
     * cluster mode this may load it from the shared store ({@link LabService#find}).
     */
    private Mono<Lab> find(String id) {
        if (!PageController.LAB_ID.matcher(id).matches()) return Mono.empty();
        return labs.find(id)
                .onErrorResume(
                        LabProblem.class, e -> e.type() == ProblemType.LAB_NOT_FOUND ? Mono.empty() : Mono.error(e));
    }

    /** {@code lang} wins; without it the browser's Accept-Language, as the start page follows it. */
    private static boolean chinese(String lang, Locale accepted) {
        if (lang == null) return accepted != null && "zh".equals(accepted.getLanguage());
        return switch (lang) {
            case "zh" -> true;
            case "en" -> false;
            default -> throw LabProblem.badInput("lang", "lang is en or zh, not '" + clip(lang) + "'");
        };
    }

    private static Long segment(String segment) {
        if (segment == null) return null;
        if (!segment.matches("[1-9][0-9]{0,15}")) {
            throw LabProblem.badInput(
                    "segment", "segment is the event id of a segment (a positive number), not '" + clip(segment) + "'");
        }
        return Long.parseLong(segment);
    }

    private static String paper(String paper) {
        if (paper == null) return "a4";
        if (paper.equals("a4") || paper.equals("letter")) return paper;
        throw LabProblem.badInput("paper", "paper is a4 or letter, not '" + clip(paper) + "'");
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** The handout's own words; everything else on it comes from the lab, in the page's language. */
    record HandoutWords(
            String handout,
            String lab,
            String date,
            String diagram,
            String narration,
            String segment,
            String verdict,
            String print,
            String otherLang,
            String otherPaper,
            String back,
            String loading,
            String noScript,
            String controls,
            String missingTitle,
            String missingText,
            String missingHome) {

        static final HandoutWords EN = new HandoutWords(
                "Handout",
                "Lab",
                "Date",
                "Sequence diagram",
                "What happens, step by step",
                "Header of one segment",
                "Verdict",
                "Print / save as PDF",
                "中文",
                "Paper",
                "Back to the lab",
                "Drawing the diagram…",
                "The diagram and the narration are drawn with JavaScript; please enable it.",
                "Handout actions",
                "No such lab",
                "This lab does not exist: it was deleted, or removed after it stayed idle. A handout needs a"
                        + " lab that is still running.",
                "Start a new lab");

        static final HandoutWords ZH = new HandoutWords(
                "讲义",
                "实验",
                "日期",
                "时序图",
                "逐步讲解",
                "一个报文段的首部",
                "结论",
                "打印 / 另存为 PDF",
                "English",
                "纸张",
                "返回实验",
                "正在绘制时序图…",
                "时序图和讲解由 JavaScript 绘制，请启用它。",
                "讲义操作",
                "没有这个实验",
                "这个实验不存在：它已被删除，或因长时间空闲而被移除。讲义需要一个仍在运行的实验。",
                "新建实验");
    }
}
