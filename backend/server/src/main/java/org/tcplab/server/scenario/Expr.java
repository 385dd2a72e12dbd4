package org.tcplab.server.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scenario files' whole expression language, kept tiny on purpose so a teacher can read it:
 * integers and parameter names joined by {@code +} and {@code -}, e.g. {@code clientIsn + 1}.
 * Written as {@code "${clientIsn + 1}"} in a file, or bare where a number is expected.
 */
final class Expr {

    private record Term(boolean negative, Long literal, String param) {}

    private final String source;
    private final List<Term> terms;

    private Expr(String source, List<Term> terms) {
        this.source = source;
        this.terms = terms;
    }

    static Expr constant(long value) {
        return new Expr(Long.toString(value), List.of(new Term(false, value, null)));
    }

    /** Parses {@code a + 1 - b}, with or without the surrounding {@code ${...}}. */
    static Expr parse(String text) {
        String s = text.strip();
        if (s.startsWith("${") && s.endsWith("}")) {
            s = s.substring(2, s.length() - 1).strip();
        }
        if (s.isEmpty()) throw new IllegalArgumentException("empty expression");
        List<Term> terms = new ArrayList<>();
        int i = 0;
        boolean negative = false;
        boolean expectOperand = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (expectOperand && (c == '+' || c == '-') && terms.isEmpty() && !negative) {
                // a leading sign: "-1"
                negative = c == '-';
                i++;
            } else if (expectOperand && Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                terms.add(new Term(negative, Long.parseLong(s.substring(i, j).replace("_", "")), null));
                i = j;
                expectOperand = false;
            } else if (expectOperand && Character.isJavaIdentifierStart(c)) {
                int j = i;
                while (j < s.length() && Character.isJavaIdentifierPart(s.charAt(j))) j++;
                terms.add(new Term(negative, null, s.substring(i, j)));
                i = j;
                expectOperand = false;
            } else if (!expectOperand && (c == '+' || c == '-')) {
                negative = c == '-';
                i++;
                expectOperand = true;
            } else {
                throw new IllegalArgumentException("cannot read '" + text + "' at '" + s.substring(i)
                        + "': only integers and parameter names joined by + and - are allowed");
            }
        }
        if (expectOperand) throw new IllegalArgumentException("'" + text + "' ends with an operator");
        return new Expr(s, List.copyOf(terms));
    }

    /** Every parameter name used, to check at load time that each one is declared. */
    void checkParams(Set<String> declared) {
        for (Term t : terms) {
            if (t.param != null && !declared.contains(t.param)) {
                throw new IllegalArgumentException(
                        "unknown parameter '" + t.param + "' in '" + source + "' (declared: " + declared + ")");
            }
        }
    }

    long eval(Map<String, Long> params) {
        long sum = 0;
        for (Term t : terms) {
            long v;
            if (t.literal != null) {
                v = t.literal;
            } else {
                Long p = params.get(t.param);
                if (p == null) throw new IllegalArgumentException("unknown parameter '" + t.param + "'");
                v = p;
            }
            sum += t.negative ? -v : v;
        }
        return sum;
    }

    @Override
    public String toString() {
        return source;
    }
}
