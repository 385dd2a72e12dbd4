package org.tcplab.server.system;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Every string in a request body, wherever it sits (fields, list elements, map values), is at most
 * {@code tcplab.max-string-length} characters, except {@link PayloadText} fields, which only the
 * body limit bounds here (their byte count is checked against {@code tcplab.max-send-bytes} where
 * they are sent). One rule instead of a {@code @Size} on each field that a new field could forget.
 */
final class BoundedStringDeserializer extends StringDeserializer {

    private final int max;

    BoundedStringDeserializer(int max) {
        this.max = max;
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
        String s = super.deserialize(p, ctxt);
        if (max > 0 && s != null && s.length() > max) {
            throw new StringTooLongException(p, max);
        }
        return s;
    }

    @Override
    public ValueDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
        if (property != null && property.getAnnotation(PayloadText.class) != null) {
            return max == 0 ? this : new BoundedStringDeserializer(0);
        }
        return this;
    }

    @Override
    public boolean isCachable() {
        return false;
    }

    /** A string over the limit; the problem handler names the field from the path Jackson adds. */
    static final class StringTooLongException extends MismatchedInputException {
        private final int max;

        StringTooLongException(JsonParser p, int max) {
            super(p, "longer than " + max + " characters", String.class);
            this.max = max;
        }

        int max() {
            return max;
        }
    }
}
