package org.tcplab.server.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.tcplab.server.system.PublicUrl;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browser lab's shell page. {@code /} is the start page; {@code /labs/{id}} is the same app
 * opened on one lab: the read-only viewer link a teacher shares (the token never appears in the
 * page; the driver's browser brings it in its URL fragment or localStorage).
 */
@Controller
class PageController {

    /** Lab ids are URL-safe base64 (lab-api.md); anything else cannot be a lab. */
    static final Pattern LAB_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final PageSettings settings;
    private final PublicUrl publicUrl;
    private final JsonMapper json;

    PageController(PageSettings settings, PublicUrl publicUrl, JsonMapper json) {
        this.settings = settings;
        this.publicUrl = publicUrl;
        this.json = json;
    }

    @GetMapping("/")
    String start(ServerWebExchange exchange, Model model) {
        return page(null, exchange, model);
    }

    @GetMapping("/labs/{lab}")
    String lab(@PathVariable("lab") String lab, ServerWebExchange exchange, Model model) {
        if (!LAB_ID.matcher(lab).matches()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no lab " + lab);
        }
        return page(lab, exchange, model);
    }

    /** Two labs' diagrams side by side, scrolled together (a scenario and its companion). */
    @GetMapping("/compare/{a}/{b}")
    String compare(@PathVariable("a") String a, @PathVariable("b") String b, ServerWebExchange exchange, Model model) {
        if (!LAB_ID.matcher(a).matches() || !LAB_ID.matcher(b).matches()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such labs");
        }
        return page(null, exchange, model);
    }

    private String page(String lab, ServerWebExchange exchange, Model model) {
        Locale locale = exchange.getLocaleContext().getLocale();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("labId", lab);
        // Behind a proxy at a sub-path (X-Forwarded-Prefix), every link of the app starts there.
        String basePath = exchange.getRequest().getPath().contextPath().value();
        s.put("basePath", basePath);
        s.put("apiBase", basePath + "/api");
        s.put("tapAvailable", settings.tapAvailable());
        s.put("tapReason", settings.tapReason());
        s.put("version", settings.version());
        s.put("defaultLocale", locale == null ? null : locale.toLanguageTag());
        s.put("publicBase", publicUrl.base(exchange.getRequest()));
        model.addAttribute("settingsJson", scriptSafe(json.writeValueAsString(s)));
        model.addAttribute("version", settings.version());
        model.addAttribute("lang", locale != null && "zh".equals(locale.getLanguage()) ? "zh-CN" : "en");
        return "index";
    }

    /** JSON inside a script element must not contain "</script>" or an HTML comment opener. */
    static String scriptSafe(String jsonText) {
        return jsonText.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
