package org.tcplab.server.store;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.server.lab.JournalEntry;
import org.tcplab.server.lab.LabSettings;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.NamedType;

/**
 * A lab's settings and journal entries as JSON text, for any {@code LabStore}. The engine's values
 * are records, written field by field (record components); the sealed families (commands, entries,
 * TCP options) carry their simple class name as {@code type}. Subtypes are read from the sealed
 * interfaces themselves, so a new {@code LabCommand} is journaled without touching this class
 * ({@code JournalCodecTest} round-trips one of each).
 */
public final class JournalCodec {

    private static final JsonMapper JSON = mapper();

    private JournalCodec() {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    private interface Typed {}

    private static JsonMapper mapper() {
        List<NamedType> types = new ArrayList<>();
        for (Class<?> family : List.of(LabCommand.class, JournalEntry.class, TcpOption.class)) {
            for (Class<?> c : family.getPermittedSubclasses()) {
                types.add(new NamedType(c, c.getSimpleName()));
            }
        }
        return JsonMapper.builder()
                .addMixIn(LabCommand.class, Typed.class)
                .addMixIn(JournalEntry.class, Typed.class)
                .addMixIn(TcpOption.class, Typed.class)
                .registerSubtypes(types.toArray(NamedType[]::new))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    public static String write(JournalEntry entry) {
        return JSON.writeValueAsString(entry);
    }

    public static JournalEntry readEntry(String json) {
        return JSON.readValue(json, JournalEntry.class);
    }

    public static String write(LabSettings settings) {
        return JSON.writeValueAsString(settings);
    }

    public static LabSettings readSettings(String json) {
        return JSON.readValue(json, LabSettings.class);
    }
}
