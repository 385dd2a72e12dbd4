package org.tcplab.server.system;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * The JSON reader for request bodies, strict where Boot's shared mapper (which writes every answer
 * and event) is lenient: a value is taken only in its own JSON type ({@code 81.9}, {@code "82"} or
 * {@code " 84 "} are not ports, {@code 1} is not {@code true}, {@code 5} is not a host name), a null
 * inside a list is refused, duplicate keys and trailing garbage too, every string is bounded
 * ({@link BoundedStringDeserializer}), and the parser's constraints keep a body's nesting and
 * numbers to what a lab request can need. Boot's customizers (the {@code spring.jackson.*}
 * properties, e.g. failing on unknown fields) apply first.
 */
final class RequestJson {

    /** The deepest lab request nests 5 levels (inject.segment.options[].blocks[]). */
    static final int MAX_NESTING_DEPTH = 16;
    /** Characters in one JSON number: 2^64 has 20 digits, a double's exponent form fewer than 30. */
    static final int MAX_NUMBER_LENGTH = 40;

    private RequestJson() {}

    static JsonMapper mapper(Stream<JsonMapperBuilderCustomizer> customizers, int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(Math.max(64, maxStringLength))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        JsonMapper.Builder b = JsonMapper.builder(factory);
        customizers.forEach(c -> c.customize(b));
        return b.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // [null] in a list (flags, options, blocks): refused with its index, not a 500 later.
                .withConfigOverride(List.class, o -> o.setNullHandling(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
                .withCoercionConfig(
                        LogicalType.Integer,
                        c -> refuse(
                                c,
                                CoercionInputShape.String,
                                CoercionInputShape.EmptyString,
                                CoercionInputShape.Float,
                                CoercionInputShape.Boolean))
                .withCoercionConfig(
                        LogicalType.Float,
                        c -> refuse(
                                c,
                                CoercionInputShape.String,
                                CoercionInputShape.EmptyString,
                                CoercionInputShape.Boolean))
                .withCoercionConfig(
                        LogicalType.Boolean,
                        c -> refuse(
                                c,
                                CoercionInputShape.String,
                                CoercionInputShape.EmptyString,
                                CoercionInputShape.Integer,
                                CoercionInputShape.Float))
                .withCoercionConfig(
                        LogicalType.Textual,
                        c -> refuse(
                                c,
                                CoercionInputShape.Integer,
                                CoercionInputShape.Float,
                                CoercionInputShape.Boolean,
                                CoercionInputShape.Array,
                                CoercionInputShape.Object))
                .addModule(new SimpleModule("tcplab-strings")
                        .addDeserializer(String.class, new BoundedStringDeserializer(maxStringLength)))
                .build();
    }

    private static void refuse(MutableCoercionConfig c, CoercionInputShape... shapes) {
        for (CoercionInputShape s : shapes) c.setCoercion(s, CoercionAction.Fail);
    }
}
