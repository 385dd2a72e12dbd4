package org.tcplab.server.scenario;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text in the lab's two languages. May hold {@code ${expr}} placeholders (see {@link Expr}),
 * filled with the run's parameters so the narration shows the numbers the student sees on the wire.
 */
record Text(String en, String zh) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    Text {
        if (en == null || en.isBlank()) throw new IllegalArgumentException("missing English text (en)");
        if (zh == null || zh.isBlank()) throw new IllegalArgumentException("missing Chinese text (zh)");
    }

    /** Chinese for any {@code zh} locale, English otherwise. */
    String in(Locale locale) {
        return locale != null && "zh".equals(locale.getLanguage()) ? zh : en;
    }

    void checkParams(Set<String> declared) {
        for (String s : List.of(en, zh)) {
            Matcher m = PLACEHOLDER.matcher(s);
            while (m.find()) Expr.parse(m.group(1)).checkParams(declared);
        }
    }

    Text fill(Map<String, Long> params) {
        return new Text(fill(en, params), fill(zh, params));
    }

    private static String fill(String s, Map<String, Long> params) {
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Long.toString(Expr.parse(m.group(1)).eval(params)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
