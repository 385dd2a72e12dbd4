package org.tcplab.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import org.junit.jupiter.api.Test;

class TcpConfigTest {

    /** A value different from the default for each component type. */
    private static Object changed(Object current) {
        if (current instanceof Integer i) return i + 1;
        if (current instanceof Long l) return l + 1;
        return !(Boolean) current;
    }

    @Test
    void eachWitherChangesItsOwnFieldAndNoOther() throws Exception {
        TcpConfig base = TcpConfig.defaults();
        int withers = 0;
        for (RecordComponent rc : TcpConfig.class.getRecordComponents()) {
            String name = "with" + Character.toUpperCase(rc.getName().charAt(0))
                    + rc.getName().substring(1);
            Method wither;
            try {
                wither = TcpConfig.class.getMethod(name, rc.getType());
            } catch (NoSuchMethodException e) {
                continue; // not every setting has a wither
            }
            withers++;
            Object value = changed(rc.getAccessor().invoke(base));
            TcpConfig after = (TcpConfig) wither.invoke(base, value);
            for (RecordComponent other : TcpConfig.class.getRecordComponents()) {
                Object expected = other.getName().equals(rc.getName())
                        ? value
                        : other.getAccessor().invoke(base);
                assertThat(other.getAccessor().invoke(after))
                        .as(name + " -> " + other.getName())
                        .isEqualTo(expected);
            }
        }
        assertThat(withers).isEqualTo(20);
    }
}
